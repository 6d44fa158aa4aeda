"""A registration's mails, sent over SMTP to a real server (aiosmtpd) and read as they arrived."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import time
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from events.closing.feedback import feedback_invite
from events.models import Registration
from events.registrations.services import (
    registration_cancel,
    registration_confirm,
    registrations_remind,
)
from events.services import event_cancel, event_update
from hub.roles import SYSTEM
from tests.conftest import free_port
from tests.events.factories import registered, seated_event, token_of

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    """What an SMTP server received: each message as the recipient's mail program reads it."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list[email.message.EmailMessage] = []
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.refuse:
            return "451 Requested action aborted: local error in processing"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def last(self, subject: str) -> email.message.EmailMessage:
        return next(message for message in reversed(self.messages) if subject in message["Subject"])


def smtp_server(settings, inbox: Inbox):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's own log of every command
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    return controller


@pytest.fixture
def inbox(settings, tasks_at_once):
    inbox = Inbox()
    controller = smtp_server(settings, inbox)
    yield inbox
    controller.stop()


def body_text(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_the_confirmation_mail_arrives_with_text_and_accessible_html(lab, inbox):
    event = seated_event(lab)
    registration = registered(event, 1, confirm=False, name="Erika", email="erika@example.org")
    message = inbox.last("Bitte bestätigen Sie Ihre Anmeldung")
    link = f"http://127.0.0.1:8000/registrations/{token_of(registration)}"
    assert message["To"] == "erika@example.org" and message["From"] == "Stadtlabor Hub <noreply@localhost>"
    text = body_text(message)
    assert text.startswith("Hallo Erika,") and link in text and "nach 48 Stunden gelöscht" in text
    html = body_html(message)
    assert '<html lang="de">' in html and f'<a href="{link}"' in html and "<h1" in html
    if os.environ.get("HUB_SHOW_MAIL"):
        print(f"\n--- as it arrived ---\n{message.as_string()[:600]}\n...\n{text}")


def test_the_seat_mail_carries_the_code_its_qr_code_and_the_event(lab, inbox):
    event = seated_event(lab)
    registration = registration_confirm(registration=registered(event, 1, confirm=False))
    message = inbox.last("Ihr Platz")
    assert f"Einlass-Code: {registration.code}" in body_text(message)
    parts = {part.get_filename(): part for part in message.iter_attachments()}
    assert parts["check-in-code.png"]["Content-ID"] == "<check-in-code>"
    assert parts["check-in-code.png"].get_content().startswith(b"\x89PNG")
    assert parts["event.ics"].get_content_type() == "text/calendar" and "BEGIN:VEVENT" in parts["event.ics"].get_content()
    assert f'alt="QR-Code Ihres Einlass-Codes {registration.code}"' in body_html(message)


def test_waiting_then_promoted_mails_in_english_for_who_asked_in_english(lab, inbox):
    event = seated_event(lab, capacity=1, waiting_list=True)
    first = registered(event, 1)
    registered(event, 2, language="en")
    assert "you are number 1 on the waiting list" in body_text(inbox.last("On the waiting list"))
    registration_cancel(registration=first)
    promoted = inbox.last("A seat for you")
    assert promoted["To"] == "person2@example.org" and "Check-in code:" in body_text(promoted)


def test_everyone_with_a_seat_or_waiting_hears_when_the_event_moves_or_is_cancelled(lab, inbox):
    event = seated_event(lab, capacity=1, waiting_list=True)
    registered(event, 1), registered(event, 2), registered(event, 3, confirm=False)
    event = event_update(event=event, actor=SYSTEM, start=event.start + timedelta(days=1), end=event.end + timedelta(days=1))
    assert sorted(m["To"] for m in inbox.messages if m["Subject"].startswith("Geändert")) == [
        "person1@example.org", "person2@example.org"]
    event_cancel(event=event, actor=SYSTEM)
    assert sorted(m["To"] for m in inbox.messages if m["Subject"].startswith("Abgesagt")) == [
        "person1@example.org", "person2@example.org"]


def test_the_reminder_goes_out_the_day_before_once_with_the_event_attached(lab, inbox):
    event = seated_event(lab)
    registered(event, 1)
    with time_machine.travel(event.start - timedelta(hours=20)):
        assert registrations_remind(now=timezone.now()) == 1
        assert registrations_remind(now=timezone.now()) == 0
    reminder = inbox.last("Morgen")
    assert [part.get_filename() for part in reminder.iter_attachments()] == ["check-in-code.png", "event.ics"]


def test_the_feedback_mail_arrives_after_the_event_in_the_registrants_language(lab, inbox):
    lab.email = "kontakt@testlabor.example"
    lab.save()
    event = seated_event(lab)
    german, english = registered(event, 1), registered(event, 2, language="en", name="Sam")
    assert feedback_invite(now=event.end + timedelta(hours=3)) == 2
    message = inbox.last("Wie war es?")
    assert message["To"] == "person1@example.org"
    text = body_text(message)
    link = f"http://127.0.0.1:8000/registrations/{token_of(german)}/feedback"
    assert text.startswith("Hallo Person 1,") and link in text and "anonym" in text
    assert "stornieren" not in text and "kontakt@testlabor.example" in text
    html = body_html(message)
    assert '<html lang="de">' in html and f'<a href="{link}"' in html and "<h1" in html
    assert not list(message.iter_attachments())  # no ticket, no calendar: the event is over
    english_mail = inbox.last("How was it?")
    assert english_mail["To"] == "person2@example.org" and "Hello Sam," in body_text(english_mail)
    assert f"/registrations/{token_of(english)}/feedback" in body_text(english_mail)


def test_a_mail_that_cannot_be_sent_is_retried_then_recorded_and_the_registration_stays(lab, settings, tasks_at_once):
    refusing = Inbox(refuse=True)
    controller = smtp_server(settings, refusing)
    tasks_at_once.conf.task_eager_propagates = False
    try:
        registration = registered(seated_event(lab), 1, confirm=False)
    finally:
        controller.stop()
    stored = Registration.objects.get(pk=registration.pk)
    assert refusing.attempts == 7  # the first try and six retries
    assert stored.status == "pending" and stored.mail_failed_at is not None
    assert stored.mail_failure.startswith("confirm: SMTPDataError")


@pytest.fixture
def worker_mailing_to(settings, monkeypatch, request):
    """An SMTP server, and a real Celery worker process that sends the node's mails to it (HUB_EMAIL_URL)."""
    inbox = Inbox()
    controller = smtp_server(settings, inbox)
    monkeypatch.setenv("HUB_EMAIL_URL", f"smtp://127.0.0.1:{controller.port}")
    request.getfixturevalue("celery_worker_process")
    yield inbox
    controller.stop()


@pytest.mark.celery_worker
def test_the_worker_sends_the_mail_the_request_queued(lab, worker_mailing_to):
    registration = registered(seated_event(lab), 1, confirm=False)
    deadline = time.monotonic() + 60
    while not worker_mailing_to.messages and time.monotonic() < deadline:
        time.sleep(0.2)
    [message] = worker_mailing_to.messages
    assert f"/registrations/{token_of(registration)}" in body_text(message)
