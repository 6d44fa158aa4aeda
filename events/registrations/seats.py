"""Seats and the waiting list, changed only while the event's row is locked.

Every change of a registration's place (confirming, cancelling, promoting, checking in, giving a
held-back seat) first locks its event's row with ``event_locked``: ``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite every transaction of the node begins ``IMMEDIATE`` (``config/settings.py``)
and so holds the database's write lock until it commits. Under that lock the counts on the event
row (seats taken, places on the waiting list) are read, checked and written back in the same
transaction as the registration, which a confirmation writes only if it is still pending (a
conditional UPDATE, ``place_settle``): there is no count-then-insert between transactions, so no
two people ever get the last seat, and places on the waiting list stay 1, 2, 3, … without gaps.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration
from hub.choices import RegistrationStatus
from hub.problems import Conflict

COUNTS = ("seats_confirmed", "held_back_taken", "waiting_count", "checked_in_count")
# What the seat rules read of the locked event; other fields load when asked for (one query each).
LOCKED_FIELDS = ("id", "iri", "title", "lab_id", "registration", "capacity", "held_back_seats", "waiting_list",
                 "status", "end", "visibility", *COUNTS)
FULLY_BOOKED = _("The event is fully booked.")


def event_locked(event_id: int) -> Event:
    """The event, read with its row locked until the surrounding transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("event_locked needs a transaction: the lock lasts until it commits")
    return Event.objects.select_for_update().only(*LOCKED_FIELDS).get(pk=event_id)


def counts_save(event: Event) -> None:
    """Write the event's registration counts (and nothing else) back to its locked row."""
    Event.objects.filter(pk=event.pk).update(**{name: getattr(event, name) for name in COUNTS})


def seat_take(event: Event, registration: Registration, *, held_back: bool = False) -> None:
    """Confirm the registration on free seats, else put it at the end of the waiting list, else refuse.

    With ``held_back`` (staff registering someone), the held-back seats are used first. Seats open to
    registration go to nobody while people wait: the first on the list gets the next free seats.
    """
    if held_back and event.held_back_left >= registration.seats:
        _confirm(event, registration, from_held_back=True)
    elif event.waiting_count == 0 and event.seats_left >= registration.seats:
        _confirm(event, registration, from_held_back=False)
    elif event.waiting_list:
        _queue(event, registration)
    else:
        raise Conflict("capacity", FULLY_BOOKED)
    counts_save(event)


PLACE_FIELDS = ("status", "position", "from_held_back", "confirmed_at", "expires_at")


def place_settle(registration: Registration, *, was: str) -> bool:
    """Write the place ``seat_take`` gave, if the registration's status is still ``was``; whether it was.

    A conditional update instead of a second read under the lock: a request that confirmed or erased
    the same registration a moment earlier makes this one write nothing (and roll back).
    """
    changed = Registration.objects.filter(pk=registration.pk, status=was).update(
        **{name: getattr(registration, name) for name in PLACE_FIELDS}
    )
    return changed == 1


def seat_release(event: Event, registration: Registration) -> list[Registration]:
    """Cancel the registration, freeing its seats or its place in the queue; return whom that promoted."""
    if registration.status == RegistrationStatus.CONFIRMED:
        event.seats_confirmed -= registration.seats
        if registration.from_held_back:
            event.held_back_taken = max(0, event.held_back_taken - registration.seats)
    elif registration.status == RegistrationStatus.WAITING:
        _leave_queue(event, registration)
    registration.status, registration.position = RegistrationStatus.CANCELLED, None
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "position", "cancelled_at"])
    return waiting_promote(event)


def waiting_promote(event: Event) -> list[Registration]:
    """Give free seats to the first people on the waiting list, in order, for as long as the first fits."""
    promoted: list[Registration] = []
    if not event.registers_here:
        counts_save(event)
        return promoted
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by("position")
    while event.waiting_count > len(promoted):
        first = waiting.first()
        if first is None or event.seats_left < first.seats:
            break
        _confirm(event, first, from_held_back=False)
        first.save(update_fields=PLACE_FIELDS)
        promoted.append(first)
    if promoted:
        waiting.update(position=F("position") - len(promoted))
        event.waiting_count -= len(promoted)
    counts_save(event)
    return promoted


def check_in(event: Event, registration: Registration) -> None:
    """Record that the person (and their companions) arrived; only a confirmed registration, once."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Conflict("code", _("This registration holds no seat: it is “%(status)s”.")
                       % {"status": registration.get_status_display()})
    if registration.checked_in_at is not None:
        moment = timezone.localtime(registration.checked_in_at).strftime("%H:%M")
        raise Conflict("code", _("%(name)s was checked in already, at %(time)s.") % {"name": registration.name, "time": moment})
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at"])
    event.checked_in_count += registration.seats
    counts_save(event)


def _confirm(event: Event, registration: Registration, *, from_held_back: bool) -> None:
    registration.status, registration.position = RegistrationStatus.CONFIRMED, None
    registration.from_held_back = from_held_back
    registration.confirmed_at = registration.confirmed_at or timezone.now()
    registration.expires_at = None
    event.seats_confirmed += registration.seats
    if from_held_back:
        event.held_back_taken += registration.seats


def _queue(event: Event, registration: Registration) -> None:
    event.waiting_count += 1
    registration.status, registration.position = RegistrationStatus.WAITING, event.waiting_count
    registration.confirmed_at = registration.confirmed_at or timezone.now()
    registration.expires_at = None


def _leave_queue(event: Event, registration: Registration) -> None:
    Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITING, position__gt=registration.position
    ).update(position=F("position") - 1)
    event.waiting_count -= 1
