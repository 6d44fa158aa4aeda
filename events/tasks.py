"""Celery tasks of events: registration mails with retries, reminders, feedback mails, and signing an event anew.

Thin, as every task of the node: they take ids, load, and call one service or send one mail.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from events import services as event_services
from events.closing import feedback
from events.models import Registration
from events.registrations import mails
from events.registrations import services as registration_services
from events.registrations.outbox import queued_mails_hand_on
from hub.mail import mail_send

log = logging.getLogger(__name__)

MAIL_RETRIES = 6
MAIL_BACKOFF = 60  # seconds before the first retry; doubling: 1, 2, 4, 8, 16, 32 minutes


@shared_task(bind=True, ignore_result=True, max_retries=MAIL_RETRIES)
def registration_mail(self, registration_id: int, kind: str) -> None:
    """Send one registration mail; retry a failed send, and record on the registration when every try failed."""
    registration = Registration.objects.select_related("event", "event__lab").filter(pk=registration_id).first()
    if registration is None or not registration.email:  # erased in the meantime
        return
    try:
        mail_send(mails.registration_mail(registration, kind))
    except (OSError, SMTPException) as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=MAIL_BACKOFF * 2 ** self.request.retries) from error
        failure = f"{kind}: {type(error).__name__}: {error}"[:300]
        Registration.objects.filter(pk=registration_id).update(mail_failed_at=timezone.now(), mail_failure=failure)
        # The registration's id and the kind only: the error may name the address.
        log.warning("Mail %s for registration %d failed after %d attempts (%s)", kind, registration_id,
                    self.request.retries + 1, type(error).__name__)


@shared_task(bind=True, ignore_result=True)
def queued_mails_send(self) -> None:
    """Give every queued registration mail its own sending task (nudged after changes, and swept every minute).

    The sending tasks go to the queue this one came from, so the worker that was nudged sends them.
    """
    queue = (self.request.delivery_info or {}).get("routing_key")

    def hand_on(registration_id: int, kind: str) -> None:
        registration_mail.apply_async((registration_id, kind), **({"queue": queue} if queue else {}))

    queued_mails_hand_on(hand_on)


@shared_task(ignore_result=True)
def registrants_tell(event_id: int, kind: str) -> None:
    """Queue the mail that the event was cancelled or moved to everyone holding a seat or waiting for one."""
    registration_services.registrants_tell(event_id=event_id, kind=kind)


@shared_task(ignore_result=True)
def registrations_remind() -> None:
    """Queue the reminders of the events that begin within a day (hourly; each registration once)."""
    registration_services.registrations_remind(now=timezone.now())


@shared_task(ignore_result=True)
def feedback_invite() -> None:
    """Queue the feedback mails of the events that ended a while ago (hourly; each registration once)."""
    feedback.feedback_invite(now=timezone.now())


@shared_task(ignore_result=True)
def event_seats_publish(event_id: int) -> None:
    """Sign the event again with its seats left."""
    event_services.event_seats_publish(event_id=event_id)
