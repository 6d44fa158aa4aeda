"""Registration over the API: anonymous requests, the token's operations, staff's list, on-behalf and check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, QueuedMail, Registration
from events.services import event_cancel
from hub.roles import SYSTEM
from tests.api.factories import mirrored_event, token_client
from tests.events.factories import registered, seated_event, token_of

pytestmark = pytest.mark.django_db

PERSON = {"name": "Anna", "email": "anna@example.org", "consent": True}


@pytest.fixture
def event(lab) -> Event:
    return seated_event(lab, capacity=2, waiting_list=True, max_companions=1,
                        question="Was wünschen Sie sich für die Nordstadt?")


@pytest.fixture
def sent(tasks_at_once, django_capture_on_commit_callbacks, mailoutbox):
    """Mails sent by the tasks that the requests inside queued (run at once, after each commit)."""

    class Sent:
        def __call__(self, client_call):
            # Mails the test's setup queued stay unsent there: its commits, and so their nudges, never ran.
            QueuedMail.objects.all().delete()
            with django_capture_on_commit_callbacks(execute=True):
                return client_call()

        mails = mailoutbox

    return Sent()


def register(client, event, address: str = "127.0.0.1", **body):
    return client.post(f"/api/events/{event.uuid}/registrations/", PERSON | body, format="json", REMOTE_ADDR=address)


def test_a_request_is_accepted_and_the_mail_carries_the_link_to_confirm(anonymous, event, sent):
    response = sent(lambda: register(anonymous, event, needs=["hearing-loop"], answer="Mehr Bänke"))
    assert response.status_code == 202 and response.json() == {"status": "pending"}
    assert response["Cache-Control"] == "private, no-store"
    registration = Registration.objects.get()
    assert (registration.needs, registration.answer, registration.language) == (["hearing-loop"], "Mehr Bänke", "de")
    [mail] = sent.mails
    token = token_of(registration)
    assert mail.to == ["anna@example.org"] and f"/registrations/{token}" in mail.body
    assert "Bitte bestätigen Sie Ihre Anmeldung" in mail.subject


def test_the_same_answer_whether_or_not_the_address_is_registered(anonymous, event, sent):
    first = sent(lambda: register(anonymous, event))
    second = sent(lambda: register(anonymous, event, name="Jemand"))
    assert (first.status_code, first.content) == (second.status_code, second.content)
    assert Registration.objects.count() == 1 and len(sent.mails) == 2  # the link again, to the address itself


def test_the_mails_speak_the_registrants_language(anonymous, event, sent):
    sent(lambda: register(anonymous, event, language="en"))
    assert sent.mails[0].subject.startswith("Please confirm your registration")


@pytest.mark.parametrize(("body", "field"), [
    ({"consent": False}, "consent"),
    ({"email": "nicht-gültig"}, "email"),
    ({"name": "Anna\nBcc: x@example.org"}, "name"),
    ({"companions": 2}, "companions"),
    ({"needs": ["childcare"]}, "needs"),
    ({"note": "Rollstuhl"}, "note"),
    ({"ticket": 1}, "ticket"),
    ({"companions": "1"}, "companions"),
])
def test_bad_input_is_a_400_naming_the_field(anonymous, event, body, field):
    response = register(anonymous, event, **body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json" and field in response.json()["errors"]
    assert not Registration.objects.exists()


def test_a_closed_or_cancelled_event_is_a_409_naming_why(anonymous, lab, event):
    closed = seated_event(lab, registration_closes=timezone.now() - timedelta(minutes=1))
    response = register(anonymous, closed)
    assert response.status_code == 409 and "registration_closes" in response.json()["errors"]
    event_cancel(event=event, actor=SYSTEM)
    response = register(anonymous, event)
    assert response.status_code == 409 and response.json()["errors"] == {"status": ["Die Veranstaltung wurde abgesagt."]}


def test_a_mirrored_event_is_registered_for_at_its_origin(anonymous, remote_lab):
    mirror = mirrored_event(remote_lab, registration="node", capacity=30, remaining_capacity=4)
    response = register(anonymous, mirror)
    assert response.status_code == 409 and "registration" in response.json()["errors"]


def test_the_token_shows_confirms_cancels_and_erases_its_registration(anonymous, event, sent):
    registration = registered(event, 1, confirm=False)
    token = token_of(registration)
    assert anonymous.get(f"/api/registrations/{token}").json() == {"status": "pending", "position": None, "event": event.iri}
    confirmed = sent(lambda: anonymous.post(f"/api/registrations/{token}/confirm"))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert "Ihr Platz" in sent.mails[-1].subject and registration.code in sent.mails[-1].body
    data = anonymous.get(f"/api/registrations/{token}/data").json()
    assert (data["email"], data["code"], data["event"]) == ("person1@example.org", registration.code, event.iri)
    assert "token_hash" not in data and data["consent_text"]
    assert anonymous.post(f"/api/registrations/{token}/cancel").json()["status"] == "cancelled"
    assert anonymous.post(f"/api/registrations/{token}/confirm").status_code == 409
    assert anonymous.delete(f"/api/registrations/{token}").status_code == 204
    assert anonymous.get(f"/api/registrations/{token}").status_code == 404
    assert not Registration.objects.exists()


def test_a_cancellation_promotes_the_first_waiting_who_is_told(anonymous, event, sent):
    first, _second, third = (registered(event, number) for number in range(3))
    assert anonymous.get(f"/api/registrations/{token_of(third)}").json()["position"] == 1
    sent(lambda: anonymous.post(f"/api/registrations/{token_of(first)}/cancel"))
    assert anonymous.get(f"/api/registrations/{token_of(third)}").json() == {
        "status": "confirmed", "position": None, "event": event.iri}
    [mail] = sent.mails
    assert mail.to == ["person2@example.org"] and "Ein Platz für Sie" in mail.subject


def test_a_link_confirms_once_and_an_expired_or_unknown_one_writes_nothing(anonymous, event, sent):
    fresh, late = registered(event, 1, confirm=False), registered(event, 2, confirm=False)
    Registration.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    first = sent(lambda: anonymous.post(f"/api/registrations/{token_of(fresh)}/confirm"))
    again = sent(lambda: anonymous.post(f"/api/registrations/{token_of(fresh)}/confirm"))
    assert first.json() == again.json() == {"status": "confirmed", "position": None, "event": event.iri}
    assert len(sent.mails) == 1 and "Ihr Platz" in sent.mails[0].subject
    expired = anonymous.post(f"/api/registrations/{token_of(late)}/confirm")
    assert expired.status_code == 409 and "48" in expired.json()["detail"]
    unknown = anonymous.post(f"/api/registrations/{'x' * 43}/confirm")
    assert unknown.status_code == 404 and unknown["Content-Type"] == "application/problem+json"
    event.refresh_from_db()
    late.refresh_from_db()
    assert (event.seats_confirmed, late.status) == (1, "pending")


def test_an_unknown_or_malformed_token_is_a_404(anonymous, db):
    for token in ("x" * 43, "kurz", "a" * 43 + "%2F.."):
        response = anonymous.get(f"/api/registrations/{token}")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_staff_list_their_events_registrations_with_the_counts(lab, person):
    event = seated_event(lab, capacity=3, max_companions=1)
    registered(event, 1), registered(event, 2, companions=1)
    editor = token_client(person("redaktion", "lab-editor", lab=lab), "read write")
    body = editor.get(f"/api/events/{event.uuid}/registrations/").json()
    assert body["counts"] == {"confirmed": 3, "waiting": 0, "checked_in": 0, "seats_left": 0, "held_back_left": 0}
    assert [(r["name"], r["status"], r["companions"]) for r in body["registrations"]] == [
        ("Person 1", "confirmed", 0), ("Person 2", "confirmed", 1)]


def test_only_the_events_staff_with_scope_write_see_its_registrations(anonymous, event, lab, second_lab, person):
    path = f"/api/events/{event.uuid}/registrations/"
    assert anonymous.get(path).status_code == 401
    assert token_client(person("leser", "lab-editor", lab=lab), "read").get(path).status_code == 403
    assert token_client(person("fremd", "lab-editor", lab=second_lab), "read write").get(path).status_code == 403
    assert token_client(person("koordination", "coordinator"), "read").get(path).status_code == 403


def test_staff_register_someone_on_behalf_and_check_them_in(event, writer):
    response = writer.post(f"/api/events/{event.uuid}/registrations/",
                           {"name": "Herr Özdemir", "note": "rief an, braucht Sitzplatz", "on_behalf": True}, format="json")
    assert response.status_code == 201, response.content
    registration = response.json()
    assert (registration["status"], registration["email"], registration["note"]) == ("confirmed", "", "rief an, braucht Sitzplatz")
    checked = writer.post(f"/api/events/{event.uuid}/checkins/", {"code": registration["code"].lower()}, format="json")
    assert checked.status_code == 200 and checked.json()["checked_in_at"]
    again = writer.post(f"/api/events/{event.uuid}/checkins/", {"code": registration["code"]}, format="json")
    assert again.status_code == 409 and "code" in again.json()["errors"]
    unknown = writer.post(f"/api/events/{event.uuid}/checkins/", {"code": "QQQQQQ"}, format="json")
    assert unknown.status_code == 400 and "code" in unknown.json()["errors"]


def test_anonymous_on_behalf_is_refused(anonymous, event):
    response = register(anonymous, event, email="", consent=False, on_behalf=True)
    assert response.status_code == 401


def test_the_event_shows_its_seats_left(anonymous, event, writer, lab):
    registered(event, 1)
    body = anonymous.get(f"/api/events/{event.uuid}/").json()
    assert (body["registration"], body["capacity"], body["remaining_capacity"], body["waiting_list"]) == ("node", 2, 1, True)
    created = writer.post("/api/events/", {
        "title": "Repair-Café", "start": "2027-05-04T15:00:00+02:00", "end": "2027-05-04T18:00:00+02:00",
        "place_name": "Stadtteilbüro", "lab": lab.iri, "registration": "node", "capacity": 12, "held_back_seats": 2,
        "registration_closes": "2027-05-04T12:00:00+02:00", "max_companions": 2, "question": "Was bringen Sie mit?",
    }, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["remaining_capacity"], created.json()["registration_closes"]) == (10, "2027-05-04T12:00:00+02:00")
    refused = writer.post("/api/events/", created.json() | {"held_back_seats": 20}, format="json")
    assert refused.status_code == 400


def test_registrations_are_limited_per_address_and_per_email(anonymous, event, settings):
    settings.HUB_THROTTLE_REGISTRATION = (2, 3600)
    statuses = [register(anonymous, event, email=f"p{n}@example.org", address="203.0.113.5").status_code for n in range(3)]
    assert statuses == [202, 202, 429]
    same_email = [register(anonymous, event, email="viel@example.org", address=f"198.51.100.{n}").status_code
                  for n in range(3)]
    assert same_email == [202, 202, 429]


def test_hub_throttle_off_switches_every_limit_off(anonymous, event, settings):
    settings.HUB_THROTTLE, settings.HUB_THROTTLE_REGISTRATION = False, None
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": "1/min", "client": "1/min"}}
    statuses = {register(anonymous, event, email=f"p{n}@example.org").status_code for n in range(4)}
    assert statuses == {202}
