"""What the registration and feedback services leave to the worker once their transaction has committed: mails, republishing.

A mail is a row (``QueuedMail``) written in the same transaction as the change it tells of, so
nothing is queued for a transaction that rolls back and nothing is lost when the broker cannot take
a message at that moment. After the commit the worker is nudged to send what is queued, at most once
a second per process however many people confirm at once; a sweep every minute sends whatever a
nudge missed. Each mail then has its own task, which retries a failed send and records on the
registration when every try failed (``events.tasks``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from kombu.exceptions import OperationalError

from events.models import Event, QueuedMail, Registration
from hub.choices import PUBLISHED

# The signed document of an event carries its seats left and its closing report's feedback figures; it is signed
# again at most once a minute.
SEATS_PUBLISH_DELAY = 60
# Until when a queued signing covers each event's changes, as this process learnt it: until then it
# asks neither the shared cache nor the broker (each confirmation would otherwise pay a cache call).
_covered_until: dict[int, float] = {}
# A nudge runs this many seconds after it was queued and sends every mail queued before it runs: until
# then this process queues no other (``_mails_covered_until``, less a margin for the clocks).
MAIL_NUDGE_DELAY = 1.0
_mails_covered_until = [0.0]

log = logging.getLogger(__name__)


def mail_soon(registration: Registration, kind: str) -> None:
    """Queue the mail of this kind to the registration's person with the current transaction (nothing without an address)."""
    if registration.email:
        QueuedMail.objects.create(registration_id=registration.pk, kind=kind)
        transaction.on_commit(mails_nudge)


def mails_nudge() -> None:
    """Have the worker send the queued mails within about a second; once for the many mails queued meanwhile.

    A broker that does not answer costs no mail: the rows stay queued for the sweep.
    """
    tasks = _tasks()
    if current_app.conf.task_always_eager:  # the task runs here and now, and covers nothing queued after it
        tasks.queued_mails_send.delay()
        return
    now = time.monotonic()
    if now < _mails_covered_until[0]:
        return
    try:
        tasks.queued_mails_send.apply_async(countdown=MAIL_NUDGE_DELAY)
    except OperationalError as error:
        log.warning("Queued mails wait for the sweep: the broker did not take the nudge (%s)", type(error).__name__)
        return
    _mails_covered_until[0] = now + MAIL_NUDGE_DELAY - 0.2


def queued_mails_hand_on(hand_on: Callable[[int, str], None], *, batch: int = 500) -> int:
    """Give each queued mail, oldest first, to ``hand_on(registration_id, kind)`` and unqueue it; how many.

    A batch is taken under row locks that a second worker skips (``SKIP LOCKED`` on PostgreSQL) and
    unqueued in the same transaction once every mail of it was handed on: when one cannot be, the
    whole batch stays queued for the next run (a mail may go out twice then, but never not at all).
    """
    handed = 0
    while True:
        with transaction.atomic():
            rows = list(QueuedMail.objects.select_for_update(skip_locked=True).order_by("pk")
                        .values_list("pk", "registration_id", "kind")[:batch])
            for _pk, registration_id, kind in rows:
                hand_on(registration_id, kind)
            QueuedMail.objects.filter(pk__in=[pk for pk, _registration, _kind in rows]).delete()
        handed += len(rows)
        if len(rows) < batch:
            return handed


def mail_each_once(due: QuerySet[Registration], kind: str, *, stamp: str, now: datetime) -> int:
    """Queue the mail of ``kind`` to each registration of ``due``, stamping ``stamp`` with ``now`` under their locks.

    The stamp is part of what ``due`` excludes, so a later call (or one at the same moment) mails nobody twice.
    """
    with transaction.atomic():
        chosen = list(due.select_for_update(of=("self",)).only("pk", "email"))
        Registration.objects.filter(pk__in=[registration.pk for registration in chosen]).update(**{stamp: now})
        for registration in chosen:
            mail_soon(registration, kind)
    return len(chosen)


def registrants_tell_soon(event: Event, kind: str) -> None:
    """Tell everyone holding a seat or waiting for one that the event was cancelled or moved, after the commit."""
    event_id = event.pk
    transaction.on_commit(lambda: _tasks().registrants_tell.delay(event_id, kind))


def seats_publish_soon(event: Event) -> None:
    """Sign the event again within a minute, so that the network sees its seats left (once for many changes)."""
    event_sign_soon(event)


def event_sign_soon(event: Event) -> None:
    """Sign the published event again within a minute, once for many changes: its seats left, its feedback figures."""
    if event.visibility not in PUBLISHED:
        return
    event_id = event.pk

    def queue() -> None:
        now = time.time()
        if now < _covered_until.get(event_id, 0):
            return  # a signing queued by some process is still to come, and will see this change
        key, due = f"events:seats-publish:{event_id}", now + SEATS_PUBLISH_DELAY
        # The key names when the queued signing runs, and lapses a second before: a later change queues the next.
        if cache.add(key, due, SEATS_PUBLISH_DELAY - 1):
            _tasks().event_seats_publish.apply_async(args=[event_id], countdown=SEATS_PUBLISH_DELAY)
        else:
            due = cache.get(key) or now
        _covered_until[event_id] = due - 1

    transaction.on_commit(queue)


def _tasks():
    """The tasks module, imported when first needed: it imports the services that import this module."""
    from events import tasks

    return tasks
