"""The mails an idea's author receives: the answer or the reason of a decline, in their language, retried."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from config.celery import app
from ideas.models import Idea
from ideas.services import idea_answer, idea_decline, idea_publish
from ideas.tasks import idea_mail_send
from tests.ideas.conftest import AUTHOR_EMAIL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_at_once")]


def test_a_declined_author_receives_the_reason_in_german_as_text_and_html(idea, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea_decline(idea=idea, actor=editor, reason="Dafür ist das Grünflächenamt zuständig.")
    [message] = mail.outbox
    assert message.to == [AUTHOR_EMAIL]
    assert message.subject == "Ihre Idee „Trinkbrunnen am Marktplatz“ für Testlabor Teststadt"
    assert "Hallo Anna," in message.body and "Dafür ist das Grünflächenamt zuständig." in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and '<html lang="de">' in html and "Grünflächenamt" in html


def test_an_answer_goes_out_in_the_language_the_author_wrote_in(submit, editor, django_capture_on_commit_callbacks):
    idea = submit(language="en", author_name="")
    with django_capture_on_commit_callbacks(execute=True):
        published = idea_publish(idea=idea, actor=editor)
    assert mail.outbox == []  # publishing alone answers nothing
    with django_capture_on_commit_callbacks(execute=True):
        idea_answer(idea=published, actor=editor, answer="We will build it in May.")
    [message] = mail.outbox
    assert message.subject.startswith("Testlabor Teststadt answers your idea")
    assert message.body.startswith("Hello,") and "We will build it in May." in message.body
    assert f"/ideas/{idea.uuid}" in message.body


def test_an_author_without_an_address_gets_no_mail(submit, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea_decline(idea=submit(author_email=""), actor=editor, reason="Doppelt eingereicht.")
    assert mail.outbox == []


def test_a_contact_erased_before_sending_is_not_written_to(idea, editor):
    idea_decline(idea=idea, actor=editor, reason="Doppelt eingereicht.")
    Idea.objects.filter(pk=idea.pk).update(author_email="")
    idea_mail_send.delay(idea.pk, "decline")
    assert mail.outbox == []


class DownOnce(EmailBackend):
    """The test's own mail backend: the first attempt meets a server that is down, then it delivers."""

    attempts = 0

    def send_messages(self, messages):
        DownOnce.attempts += 1
        if DownOnce.attempts == 1:
            raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed while sending to {AUTHOR_EMAIL}")
        return super().send_messages(messages)


def test_a_failed_send_is_retried_and_the_log_never_names_the_address(idea, editor, settings, caplog,
                                                                       django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.DownOnce"
    DownOnce.attempts = 0
    app.conf.task_eager_propagates = False  # a retry is an exception inside the task; Celery runs it again
    with django_capture_on_commit_callbacks(execute=True):
        idea_decline(idea=idea, actor=editor, reason="Doppelt eingereicht.")
    assert DownOnce.attempts == 2 and len(mail.outbox) == 1
    assert AUTHOR_EMAIL not in caplog.text and "Anna" not in caplog.text
