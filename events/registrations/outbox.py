"""What the registration services leave to the worker once their transaction has committed: mails, republishing.

Nothing is queued for a transaction that rolls back, and a mail that fails is retried by its task
and recorded on the registration (``events.tasks``); the registration itself is already stored.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from events.models import Event, Registration
from hub.choices import PUBLISHED

# The signed document of an event carries its seats left; it is signed again at most once a minute.
SEATS_PUBLISH_DELAY = 60


def mail_soon(registration: Registration, kind: str) -> None:
    """Send the registration's person the mail of this kind after the commit (nothing without an e-mail address)."""
    if registration.email:
        registration_id = registration.pk
        transaction.on_commit(lambda: _tasks().registration_mail.delay(registration_id, kind))


def registrants_tell_soon(event: Event, kind: str) -> None:
    """Tell everyone holding a seat or waiting for one that the event was cancelled or moved, after the commit."""
    event_id = event.pk
    transaction.on_commit(lambda: _tasks().registrants_tell.delay(event_id, kind))


def seats_publish_soon(event: Event) -> None:
    """Sign the event again within a minute, so that the network sees its seats left (once for many changes)."""
    if event.visibility not in PUBLISHED:
        return
    event_id = event.pk

    def queue() -> None:
        # The key lapses a second before the task runs: a change after it queues the next signing.
        if cache.add(f"events:seats-publish:{event_id}", 1, SEATS_PUBLISH_DELAY - 1):
            _tasks().event_seats_publish.apply_async(args=[event_id], countdown=SEATS_PUBLISH_DELAY)

    transaction.on_commit(queue)


def _tasks():
    """The tasks module, imported when first needed: it imports the services that import this module."""
    from events import tasks

    return tasks
