"""Registering for an event on this node: double opt-in, seats, the waiting list, staff, check-in, erasure."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from events.models import Event, Registration
from events.registrations.services import (
    registration_cancel,
    registration_check_in,
    registration_confirm,
    registration_confirm_by_token,
    registration_erase,
    registration_on_behalf,
    registration_request,
)
from events.registrations.tokens import registration_by_token, registration_token
from events.services import event_cancel, event_delete, event_update
from hub.problems import Conflict
from hub.roles import SYSTEM
from tests.events.factories import registered, seated_event, token_of

pytestmark = pytest.mark.django_db


def fields_of(error: ValidationError) -> set[str]:
    return set(error.value.message_dict)


def test_a_request_is_pending_until_confirmed_and_keeps_only_the_hash_of_its_token(event):
    registration = registered(event, 1, confirm=False)
    token = token_of(registration)
    assert registration.status == "pending" and registration.position is None
    assert len(token) == 43 and token not in registration.token_hash  # 256 bits, URL-safe
    assert registration.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert registration_by_token(token) == registration and registration_by_token(token[:-1] + "x") is None
    assert registration.expires_at - registration.created_at == timedelta(hours=48)
    assert "Testlabor Teststadt" in registration.consent_text and registration.consented_at
    assert Event.objects.get(pk=event.pk).seats_confirmed == 0


def test_the_same_address_again_finds_the_first_registration(event):
    first = registered(event, 1, confirm=False)
    again = registration_request(event=event, name="Jemand anderes", email="PERSON1@example.org", consent=True)
    assert again.pk == first.pk and Registration.objects.count() == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"name": "Anna\nBcc: x@example.org"}, "name"),
    ({"name": "  "}, "name"),
    ({"email": "keine-adresse"}, "email"),
    ({"consent": False}, "consent"),
    ({"companions": 1}, "companions"),
    ({"needs": ["sign-language"]}, "needs"),
    ({"language": "fr"}, "language"),
])
def test_bad_input_is_refused_naming_the_field(event, change, field):
    values = {"name": "Anna", "email": "anna@example.org", "consent": True} | change
    with pytest.raises(ValidationError) as error:
        registration_request(event=event, **values)
    assert field in fields_of(error)


@pytest.mark.parametrize(("fields", "field"), [
    ({"registration": "required", "registration_url": "https://example.org/anmeldung"}, "registration"),
    ({"registration_closes": "past"}, "registration_closes"),
    ({"registration_opens": "future"}, "registration_opens"),
])
def test_a_registration_the_event_does_not_take_is_a_conflict(lab, fields, field):
    now = timezone.now()
    moments = {"past": now - timedelta(hours=1), "future": now + timedelta(days=2)}
    event = seated_event(lab, **{name: moments.get(value, value) for name, value in fields.items()})
    with pytest.raises(Conflict) as conflict:
        registered(event, 1, confirm=False)
    assert conflict.value.field == field


def test_no_registration_for_a_cancelled_event(event):
    event = event_cancel(event=event, actor=SYSTEM)
    with pytest.raises(Conflict) as conflict:
        registered(event, 1, confirm=False)
    assert conflict.value.field == "status"


def test_confirmed_people_take_seats_then_wait_in_order(lab):
    event = seated_event(lab, capacity=2, waiting_list=True)
    people = [registered(event, number) for number in range(4)]
    assert [(p.status, p.position) for p in people] == [("confirmed", None)] * 2 + [("waiting", 1), ("waiting", 2)]
    event.refresh_from_db()
    assert (event.seats_confirmed, event.waiting_count, event.seats_left) == (2, 2, 0)
    assert registration_confirm(registration=people[2]).position == 1  # confirming again changes nothing


def test_without_a_waiting_list_a_full_event_refuses(lab):
    event = seated_event(lab, capacity=1)
    registered(event, 1)
    event.refresh_from_db()
    with pytest.raises(Conflict) as conflict:
        registered(event, 2, confirm=False)
    assert conflict.value.field == "capacity"


def test_companions_need_seats_of_their_own(lab):
    event = seated_event(lab, capacity=3, max_companions=2, waiting_list=True)
    first = registered(event, 1, companions=2)
    second = registered(event, 2)
    assert (first.status, second.status) == ("confirmed", "waiting")


def test_nobody_takes_a_free_seat_while_someone_waits_for_more_seats(lab):
    event = seated_event(lab, capacity=3, max_companions=2, waiting_list=True)
    first = registered(event, 1)
    family = registered(event, 2, companions=2)  # three seats, two are free
    latecomer = registered(event, 3)
    assert (first.status, family.status, family.position) == ("confirmed", "waiting", 1)
    assert (latecomer.status, latecomer.position) == ("waiting", 2)
    event.refresh_from_db()
    assert (event.seats_confirmed, event.waiting_count, event.seats_left) == (1, 2, 2)


@pytest.mark.parametrize(("change", "field"), [("cancel", "status"), ("end", "end"), ("mode", "registration")])
def test_a_confirmation_after_the_event_changed_is_refused_and_takes_nothing(lab, change, field):
    event = seated_event(lab, waiting_list=True)
    pending = registered(event, 1, confirm=False)
    if change == "cancel":
        event_cancel(event=event, actor=SYSTEM)
    else:
        moved = {"end": {"end": timezone.now() - timedelta(minutes=1)}, "mode": {"registration": "none"}}[change]
        Event.objects.filter(pk=event.pk).update(**moved)
    with pytest.raises(Conflict) as conflict:
        registration_confirm(registration=pending)
    assert conflict.value.field == field
    pending.refresh_from_db()
    event.refresh_from_db()
    assert (pending.status, event.seats_confirmed, event.waiting_count) == ("pending", 0, 0)


def test_a_confirmation_read_before_another_settled_it_takes_no_second_place(lab):
    event = seated_event(lab, capacity=1, waiting_list=True)
    stale = registered(event, 1, confirm=False)
    same = Registration.objects.get(pk=stale.pk)
    assert registration_confirm(registration=same).status == "confirmed"
    assert registration_confirm(registration=stale).status == "confirmed"  # what it is now, nothing more
    event.refresh_from_db()
    assert (event.seats_confirmed, event.waiting_count) == (1, 0)


def test_a_confirmation_of_a_registration_erased_meanwhile_is_a_conflict(event):
    stale = registered(event, 1, confirm=False)
    registration_erase(registration=Registration.objects.get(pk=stale.pk))
    with pytest.raises(Conflict) as conflict:
        registration_confirm(registration=stale)
    assert conflict.value.field == "status"
    event.refresh_from_db()
    assert event.seats_confirmed == 0


def test_a_cancellation_gives_the_seat_to_the_first_waiting_and_closes_the_gap(lab):
    event = seated_event(lab, capacity=2, waiting_list=True)
    people = [registered(event, number) for number in range(5)]
    registration_cancel(registration=people[3])  # second on the list leaves
    registration_cancel(registration=people[0])  # a seat frees up
    states = {p.name: (p.status, p.position) for p in Registration.objects.all()}
    assert states == {"Person 0": ("cancelled", None), "Person 1": ("confirmed", None), "Person 2": ("confirmed", None),
                      "Person 3": ("cancelled", None), "Person 4": ("waiting", 1)}
    event.refresh_from_db()
    assert (event.seats_confirmed, event.waiting_count) == (2, 1)


def test_held_back_seats_are_for_staff_who_use_them_first(lab, person):
    editor = person("redaktion", "lab-editor", lab=lab)
    event = seated_event(lab, capacity=3, held_back_seats=2, waiting_list=True)
    assert event.seats_left == 1
    registered(event, 1)
    assert registered(event, 2).status == "waiting"
    at_desk = [registration_on_behalf(event=event, name=f"Gast {n}", note="am Telefon", actor=editor) for n in range(3)]
    assert [(r.status, r.from_held_back, r.email) for r in at_desk[:2]] == [("confirmed", True, "")] * 2
    assert at_desk[2].status == "waiting" and at_desk[2].position == 2


def test_only_the_events_lab_registers_on_behalf_and_checks_in(event, second_lab, person):
    stranger = person("fremd", "lab-editor", lab=second_lab)
    with pytest.raises(PermissionDenied):
        registration_on_behalf(event=event, name="Gast", actor=stranger)
    with pytest.raises(PermissionDenied):
        registration_check_in(event=event, code="ABCDEF", actor=stranger)


def test_check_in_by_code_counts_people_once(lab):
    event = seated_event(lab, max_companions=2)
    guest = registered(event, 1, companions=2)
    checked = registration_check_in(event=event, code=f" {guest.code.lower()[:3]}-{guest.code[3:]} ", actor=SYSTEM)
    assert checked.checked_in_at is not None
    assert Event.objects.get(pk=event.pk).checked_in_count == 3
    with pytest.raises(Conflict):
        registration_check_in(event=event, code=guest.code, actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        registration_check_in(event=event, code="ZZZZZZ", actor=SYSTEM)
    assert fields_of(error) == {"code"}


def test_a_pending_registration_cannot_check_in(event):
    pending = registered(event, 1, confirm=False)
    with pytest.raises(Conflict):
        registration_check_in(event=event, code=pending.code, actor=SYSTEM)


def test_unconfirmed_registrations_expire_after_48_hours(event):
    pending = registered(event, 1, confirm=False)
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        with pytest.raises(Conflict):
            registration_confirm(registration=pending)
        again = registered(event, 1, confirm=False)  # the address may register anew
    assert again.pk != pending.pk and not Registration.objects.filter(pk=pending.pk).exists()


def test_more_seats_move_the_waiting_list_up_and_fewer_than_taken_are_refused(lab):
    event = seated_event(lab, capacity=1, waiting_list=True)
    registered(event, 1), registered(event, 2), registered(event, 3)
    event = event_update(event=event, actor=SYSTEM, capacity=2)
    assert list(Registration.objects.order_by("pk").values_list("status", "position")) == [
        ("confirmed", None), ("confirmed", None), ("waiting", 1)]
    with pytest.raises(ValidationError) as error:
        event_update(event=event, actor=SYSTEM, capacity=1)
    assert "capacity" in fields_of(error)


def test_an_event_with_registrations_is_cancelled_rather_than_deleted(event):
    registered(event, 1)
    with pytest.raises(ValidationError) as error:
        event_delete(event=event, actor=SYSTEM)
    assert "registration" in fields_of(error)
    with pytest.raises(ValidationError):
        event_update(event=event, actor=SYSTEM, registration="none")


def test_erasing_gives_up_the_seat_and_leaves_nothing(lab):
    event = seated_event(lab, capacity=1, waiting_list=True)
    first, second = registered(event, 1), registered(event, 2)
    registration_erase(registration=first)
    assert not Registration.objects.filter(email="person1@example.org").exists()
    assert Registration.objects.get(pk=second.pk).status == "confirmed"


def test_a_token_survives_a_rotated_secret_key_in_the_fallbacks(event, settings):
    registration = registered(event, 1, confirm=False)
    token = token_of(registration)
    settings.SECRET_KEY_FALLBACKS, settings.SECRET_KEY = [settings.SECRET_KEY], "x" * 64
    assert registration_token(registration) == token


def test_erase_expired_erases_old_registrations_and_keeps_the_counts(lab):
    event = seated_event(lab, capacity=1, waiting_list=True)
    registered(event, 1), registered(event, 2), registered(event, 3, confirm=False)
    registration_check_in(event=event, code=Registration.objects.get(email="person1@example.org").code, actor=SYSTEM)
    with time_machine.travel(event.end + timedelta(days=91)):
        output = io.StringIO()
        call_command("erase_expired", stdout=output)
    assert Registration.objects.count() == 0
    assert "Erased 1 unconfirmed registrations" in output.getvalue()
    assert "Erased 2 registrations of “Zukunftswerkstatt Nordstadt”" in output.getvalue()
    event.refresh_from_db()
    assert (event.seats_confirmed, event.waiting_count, event.checked_in_count) == (1, 1, 1)


def test_nothing_is_erased_before_its_time(event):
    registered(event, 1)
    with time_machine.travel(event.end + timedelta(days=89)):
        call_command("erase_expired", stdout=io.StringIO())
    assert Registration.objects.count() == 1


def test_on_postgresql_the_confirmation_from_a_link_is_prepared_once_and_planned_once(event):
    """PostgreSQL keeps one prepared statement per connection and stops planning it after its first few runs.

    psycopg prepares nothing while Django's default threshold (None) stands (config/settings.py sets one),
    and a statement planned anew each time cost more of PostgreSQL's time than running it.
    """
    if connection.vendor != "postgresql":
        pytest.skip("the confirmation is one prepared statement on PostgreSQL only")
    people = [registered(event, number, confirm=False) for number in range(1, 9)]
    assert [registration_confirm_by_token(token_of(person)).status for person in people] == ["confirmed"] * 8
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'WITH g AS%%'")
        plans = cursor.fetchall()
    assert len(plans) == 1, plans
    generic, custom = plans[0]
    assert generic + custom == 8 and generic >= 1, plans
