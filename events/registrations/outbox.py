"""What the registration and feedback services leave to the worker once their transaction has committed: mails, republishing.

Nothing is queued for a transaction that rolls back, and a mail that fails is retried by its task
and recorded on the registration (``events.tasks``); the registration itself is already stored.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from events.models import Event, Registration
from hub.choices import PUBLISHED

# The signed document of an event carries its seats left and its closing report's feedback figures; it is signed
# again at most once a minute.
SEATS_PUBLISH_DELAY = 60
# Until when a queued signing covers each event's changes, as this process learnt it: until then it
# asks neither the shared cache nor the broker (each confirmation would otherwise pay a cache call).
_covered_until: dict[int, float] = {}


def mail_soon(registration: Registration, kind: str) -> None:
    """Send the registration's person the mail of this kind after the commit (nothing without an e-mail address)."""
    if registration.email:
        registration_id = registration.pk
        transaction.on_commit(lambda: _tasks().registration_mail.delay(registration_id, kind))


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
