"""Celery tasks of the ideas: thin, taking ids, retried while the mail server fails."""

from __future__ import annotations

import logging
import random
import smtplib

from celery import shared_task

from ideas.mail import idea_mail
from ideas.models import Idea

log = logging.getLogger(__name__)

MAX_RETRIES = 10
FIRST_PAUSE = 30  # seconds; doubled after each failure, at most MAX_PAUSE: about a day in all
MAX_PAUSE = 3 * 3600


class MailNotSent(Exception):
    """A mail could not be sent; the message names the error's kind only, never an address."""


@shared_task(bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def idea_mail_send(self, idea_id: int, kind: str) -> None:
    """Send an idea's author the lab's answer or the reason of a decline; nothing if the idea or address is gone."""
    idea = Idea.objects.select_related("lab", "origin").filter(pk=idea_id).first()
    message = idea_mail(idea, kind) if idea is not None else None
    if message is None:
        return
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        log.warning("idea %s: the mail server refused the author's address; the %s was not sent", idea.uuid, kind)
        return
    except OSError as error:  # smtplib's errors and refused connections; their texts may repeat the address
        pause = min(MAX_PAUSE, FIRST_PAUSE * 2**self.request.retries) * random.uniform(0.8, 1.2)  # noqa: S311
        raise self.retry(exc=MailNotSent(f"idea {idea.uuid}: {_kind_of(error)}"), countdown=pause) from None
    log.info("idea %s: the %s was sent to its author", idea.uuid, kind)


def _kind_of(error: OSError) -> str:
    """What went wrong, without the server's text: the error's class and SMTP code."""
    code = getattr(error, "smtp_code", None)
    return type(error).__name__ + (f" {code}" if code else "")
