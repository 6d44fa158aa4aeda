"""Registration mails are queued with the change they tell of, and handed to the worker after the commit."""

from __future__ import annotations

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from events import tasks
from events.models import QueuedMail
from events.registrations import outbox
from events.registrations.services import registration_confirm
from tests.events.factories import registered, seated_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def nudges(monkeypatch):
    """The nudges queued for the worker (the broker's side of it is Celery's): recorded, none covering yet."""
    sent: list[dict] = []
    monkeypatch.setattr(outbox, "_mails_covered_until", [0.0])
    monkeypatch.setattr(tasks.queued_mails_send, "apply_async", lambda *args, **options: sent.append(options))
    return sent


def test_a_confirmation_queues_its_mail_in_its_own_transaction(lab, nudges, django_capture_on_commit_callbacks):
    event = seated_event(lab, capacity=1, waiting_list=True)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = registered(event, 1), registered(event, 2)
    kinds = {(mail.registration_id, mail.kind) for mail in QueuedMail.objects.all()}
    assert kinds == {(first.pk, "confirm"), (first.pk, "confirmed"), (second.pk, "confirm"), (second.pk, "waiting")}


def test_many_changes_within_a_second_nudge_the_worker_once(lab, nudges, django_capture_on_commit_callbacks):
    event = seated_event(lab, waiting_list=True)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            registered(event, number)
    assert QueuedMail.objects.count() == 20 and nudges == [{"countdown": outbox.MAIL_NUDGE_DELAY}]


def test_a_change_that_rolls_back_queues_no_mail(lab, nudges, django_capture_on_commit_callbacks):
    event = seated_event(lab)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            registered(event, 1)
            raise RuntimeError("the request failed after the confirmation")
    assert not QueuedMail.objects.exists() and nudges == []


def test_a_mail_outlives_a_broker_that_is_down_and_goes_out_with_the_sweep(
    lab, monkeypatch, django_capture_on_commit_callbacks, mailoutbox, request,
):
    def broker_down(*args, **options):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(outbox, "_mails_covered_until", [0.0])
    monkeypatch.setattr(tasks.queued_mails_send, "apply_async", broker_down)
    event = seated_event(lab)
    pending = registered(event, 1, confirm=False)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = registration_confirm(registration=pending)  # the person sees their seat, not an error
    assert confirmed.status == "confirmed" and not mailoutbox
    assert list(QueuedMail.objects.values_list("kind", flat=True)) == ["confirm", "confirmed"]

    request.getfixturevalue("tasks_at_once")
    tasks.queued_mails_send.run()  # the sweep of the beat schedule, once the broker is back
    assert [mail.to for mail in mailoutbox] == [["person1@example.org"]] * 2
    assert not QueuedMail.objects.exists()
