"""Seats and the waiting list, changed only while the event's row is locked.

Every change of a registration's place (confirming, cancelling, promoting, checking in, giving a
held-back seat) happens with its event's row locked: ``SELECT … FOR UPDATE`` on PostgreSQL; on
SQLite every transaction of the node begins ``IMMEDIATE`` (``config/settings.py``) and so holds the
database's write lock until it commits. Under that lock the counts on the event row (seats taken,
places on the waiting list) are read, checked and written back in the same transaction as the
registration, which a confirmation writes only if it is still pending: there is no
count-then-insert between transactions, so no two people ever get the last seat, and places on the
waiting list stay 1, 2, 3, … without gaps.

Which place a new confirmation gets is one rule, written once in SQL (``PLACE``): a held-back seat
when staff give one, else a free seat while nobody waits, else the end of the waiting list, else
none. A person confirming from their mail is settled by one statement on PostgreSQL
(``place_confirm``), which locks the event's row, decides, and writes the registration and the
counts: the lock is held only inside the database, for that statement and its commit, however busy
the web process is. Elsewhere (SQLite), and for staff registering someone, the same rule runs as
separate statements inside the locked transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, QueuedMail, Registration
from hub.choices import EventStatus, RegistrationStatus
from hub.choices import Registration as RegistrationMode
from hub.problems import Conflict

COUNTS = ("seats_confirmed", "held_back_taken", "waiting_count", "checked_in_count")
# What the seat rules read of the locked event; other fields load when asked for (one query each).
LOCKED_FIELDS = ("id", "iri", "title", "lab_id", "registration", "capacity", "held_back_seats", "waiting_list",
                 "status", "end", "visibility", *COUNTS)
FULLY_BOOKED = _("The event is fully booked.")
# What settling a registration's place writes of it.
PLACE_FIELDS = ("status", "position", "from_held_back", "confirmed_at", "expires_at")


def event_locked(event_id: int) -> Event:
    """The event, read with its row locked until the surrounding transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("event_locked needs a transaction: the lock lasts until it commits")
    return Event.objects.select_for_update().only(*LOCKED_FIELDS).get(pk=event_id)


def counts_save(event: Event) -> None:
    """Write the event's registration counts (and nothing else) back to its locked row."""
    Event.objects.filter(pk=event.pk).update(**{name: getattr(event, name) for name in COUNTS})


# The held-back seats staff have given, as far as they count against the held-back ones (``Event.held_back_left``).
_HELD_BACK_GIVEN = "CASE WHEN e.held_back_taken < e.held_back_seats THEN e.held_back_taken ELSE e.held_back_seats END"
# The place a registration of ``seats`` seats gets at the event ``e``: ``held`` (a held-back seat, only when
# staff give one), ``seat`` (a seat open to registration, only while nobody waits), ``queue`` (the end of the
# waiting list) or NULL (fully booked). The seats open to registration are ``Event.seats_left``.
PLACE = f"""CASE
    WHEN %(held_back)s AND e.held_back_seats - {_HELD_BACK_GIVEN} >= %(seats)s THEN 'held'
    WHEN e.waiting_count = 0
         AND e.capacity - e.held_back_seats - (e.seats_confirmed - {_HELD_BACK_GIVEN}) >= %(seats)s THEN 'seat'
    WHEN e.waiting_list THEN 'queue'
END"""
# The event takes registrations on this node and is neither cancelled nor over (``Event.registers_here``, ``raise_if_over``).
_TAKES_PLACES = """e.id = %(event)s AND e.registration = %(node)s AND e.capacity > 0 AND e.status <> %(cancelled)s
    AND e."end" > %(now)s"""
_DECIDE = f"SELECT {PLACE}, e.waiting_count FROM events_event e WHERE {_TAKES_PLACES}"
_COUNTS_TAKE = """seats_confirmed = seats_confirmed + CASE WHEN {place} = 'queue' THEN 0 ELSE %(seats)s END,
    held_back_taken = held_back_taken + CASE WHEN {place} = 'held' THEN %(seats)s ELSE 0 END,
    waiting_count = waiting_count + CASE WHEN {place} = 'queue' THEN 1 ELSE 0 END"""
_SETTLE = """status = CASE WHEN {place} = 'queue' THEN %(waiting)s ELSE %(confirmed)s END,
    position = CASE WHEN {place} = 'queue' THEN {waiting_count} + 1 END,
    from_held_back = {place} = 'held', confirmed_at = COALESCE(confirmed_at, %(now)s), expires_at = NULL"""


def _columns(text: str, **columns: str) -> str:
    """A statement's text with some of its parameters replaced by the columns that hold their values."""
    for name, column in columns.items():
        text = text.replace(f"%({name})s", column)
    return text


# PostgreSQL: find the pending registration by ``{key}`` (g), lock its event's row and decide (d), settle the
# registration if it is still pending (r), count its seats (e) and queue its person's mail (m). Nothing is
# written when no pending registration has the key, the event takes no one, or it was settled meanwhile.
_CONFIRM_POSTGRESQL = f"""WITH g AS (
    SELECT id, event_id, companions + 1 AS seats, email <> '' AS has_email FROM events_registration
    WHERE {{key}} = %(key)s AND status = %(pending)s AND (expires_at IS NULL OR expires_at > %(now)s)
), d AS (
    SELECT e.id, g.id AS registration_id, g.seats, g.has_email, {_columns(PLACE, seats="g.seats")} AS place,
        e.waiting_count
    FROM events_event e JOIN g ON e.id = g.event_id WHERE {_columns(_TAKES_PLACES, event="g.event_id")}
    FOR UPDATE OF e
), r AS (
    UPDATE events_registration SET {_SETTLE.format(place="d.place", waiting_count="d.waiting_count")}
    FROM d WHERE events_registration.id = d.registration_id AND events_registration.status = %(pending)s
        AND d.place IS NOT NULL
    RETURNING d.place, d.seats, d.has_email, events_registration.id, events_registration.event_id,
        events_registration.position, events_registration.confirmed_at
), e AS (
    UPDATE events_event SET {_columns(_COUNTS_TAKE.format(place="r.place"), seats="r.seats")}
    FROM r WHERE events_event.id = r.event_id
    RETURNING events_event.iri, events_event.visibility
), m AS (
    INSERT INTO events_queuedmail (registration_id, kind, queued_at)
    SELECT r.id, CASE WHEN r.place = 'queue' THEN %(mail_waiting)s ELSE %(mail_seated)s END, %(now)s
    FROM r WHERE %(mail)s AND r.has_email
)
SELECT r.place, r.position, r.confirmed_at, e.iri, e.visibility, r.id, r.event_id FROM r, e"""


@dataclass(frozen=True)
class Place:
    """What a confirmation settled: the registration's new place, and its event's IRI and visibility."""

    held_back: bool
    position: int | None  # on the waiting list; None with a seat
    confirmed_at: datetime
    event_iri: str
    event_visibility: str
    registration_id: int
    event_id: int

    @property
    def status(self) -> str:
        return RegistrationStatus.CONFIRMED if self.position is None else RegistrationStatus.WAITING


def place_confirm(registration: Registration, *, mails: tuple[str, str] | None = None) -> Place | None:
    """Give a pending registration its place (``PLACE``), count its seats and queue its mail; None when nothing was written.

    ``mails`` names the mail for a seat and the one for a place on the waiting list; it is queued
    (``QueuedMail``) in the same transaction when the person has an address. Nothing is written when
    the event takes no registrations now (not on this node, cancelled, over, fully booked without a
    waiting list) or the registration is no longer pending; the caller finds out which.
    ``registration`` is updated to what was written.
    """
    if connection.vendor == "postgresql":
        place = _confirm_postgresql("id", registration.pk, mails)
    else:
        parameters = _parameters(event=registration.event_id, seats=registration.seats, registration=registration.pk,
                                 mail=bool(mails and registration.email), **_mail_parameters(mails))
        with transaction.atomic():
            place = _confirm_in_transaction(parameters)
    if place is not None:
        registration.status, registration.position = place.status, place.position
        registration.from_held_back, registration.confirmed_at = place.held_back, place.confirmed_at
        registration.expires_at = None
    return place


def place_confirm_by_token(token_hash: str, *, mails: tuple[str, str] | None = None) -> Place | None:
    """``place_confirm`` for the pending, unexpired registration whose token has this hash, in one statement.

    Only on PostgreSQL, where a confirmation from a mail's link is then one round trip; None elsewhere,
    and whenever nothing was written (the caller reads the registration and finds out why).
    """
    if connection.vendor != "postgresql":
        return None
    return _confirm_postgresql("token_hash", token_hash, mails)


def _confirm_postgresql(key: str, value: int | str, mails: tuple[str, str] | None) -> Place | None:
    """The confirmation statement for the registration with this ``key``, prepared once per connection."""
    parameters = _parameters(key=value, mail=bool(mails), **_mail_parameters(mails))
    connection.ensure_connection()
    # A cursor that binds on the server, so PostgreSQL plans the statement once per connection (Django's
    # cursors bind on the client and have it planned anew each time). Commits on its own outside a transaction.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_CONFIRM_POSTGRESQL.format(key=key), parameters, prepare=True)
        row = cursor.fetchone()
    return Place(row[0] == "held", *row[1:]) if row else None


def _mail_parameters(mails: tuple[str, str] | None) -> dict:
    seated, waiting = mails or ("", "")
    return {"mail_seated": seated, "mail_waiting": waiting}


def event_settled(place: Place) -> Event:
    """The event as far as a confirmation read it (IRI, visibility); any other field loads when asked for."""
    return _partial(Event, id=place.event_id, iri=place.event_iri, visibility=place.event_visibility)


def registration_settled(place: Place) -> Registration:
    """The registration as a confirmation left it (its place, its event); any other field loads when asked for."""
    registration = _partial(Registration, id=place.registration_id, event_id=place.event_id, status=place.status,
                            position=place.position, from_held_back=place.held_back, confirmed_at=place.confirmed_at,
                            expires_at=None)
    registration.event = event_settled(place)
    return registration


def _partial(model: type, **known) -> object:
    names = [field.attname for field in model._meta.concrete_fields if field.attname in known]
    return model.from_db(connection.alias, names, [known[name] for name in names])


def _confirm_in_transaction(parameters: dict) -> Place | None:
    """``place_confirm`` as separate statements, in the transaction that holds the event's lock (SQLite)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(_DECIDE + lock, parameters)
        decided = cursor.fetchone()
        if decided is None or decided[0] is None:
            return None
        values = parameters | {"place": decided[0], "waiting_count": decided[1]}
        cursor.execute(f"UPDATE events_registration SET {_SETTLE.format(place='%(place)s', waiting_count='%(waiting_count)s')}"
                       " WHERE id = %(registration)s AND status = %(pending)s", values)
        if cursor.rowcount != 1:
            return None
        cursor.execute(f"UPDATE events_event SET {_COUNTS_TAKE.format(place='%(place)s')} WHERE id = %(event)s", values)
        cursor.execute("SELECT r.position, r.confirmed_at, e.iri, e.visibility FROM events_registration r"
                       " JOIN events_event e ON e.id = r.event_id WHERE r.id = %(registration)s", values)
        position, confirmed_at, iri, visibility = cursor.fetchone()
        place = Place(decided[0] == "held", position, _aware(confirmed_at), iri, visibility, values["registration"],
                      values["event"])
    if parameters["mail"]:
        kind = parameters["mail_waiting"] if decided[0] == "queue" else parameters["mail_seated"]
        QueuedMail.objects.create(registration_id=parameters["registration"], kind=kind)
    return place


def seat_take(event: Event, registration: Registration, *, held_back: bool = False) -> None:
    """Give a new registration (not saved yet) its place at the locked event by ``PLACE``, and count its seats.

    With ``held_back`` (staff registering someone), the held-back seats are used first. Seats open to
    registration go to nobody while people wait: the first on the list gets the next free seats.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("seat_take needs the transaction that holds the event's lock")
    parameters = _parameters(event=event.pk, seats=registration.seats, held_back=held_back)
    with connection.cursor() as cursor:
        cursor.execute(_DECIDE, parameters)
        decided = cursor.fetchone()
        if decided is None or decided[0] is None:
            raise Conflict("capacity", FULLY_BOOKED)
        place, waiting_count = decided
        cursor.execute(f"UPDATE events_event SET {_COUNTS_TAKE.format(place='%(place)s')} WHERE id = %(event)s",
                       parameters | {"place": place})
    event.refresh_from_db(fields=list(COUNTS))
    registration.status = RegistrationStatus.WAITING if place == "queue" else RegistrationStatus.CONFIRMED
    registration.position = waiting_count + 1 if place == "queue" else None
    registration.from_held_back = place == "held"
    registration.confirmed_at = registration.confirmed_at or timezone.now()
    registration.expires_at = None


def _parameters(*, held_back: bool = False, **values: object) -> dict:
    """The values every statement above names, the moment as the database compares it, and ``values``."""
    return {"held_back": held_back, "node": RegistrationMode.NODE, "cancelled": EventStatus.CANCELLED,
            "now": connection.ops.adapt_datetimefield_value(timezone.now()), "pending": RegistrationStatus.PENDING,
            "waiting": RegistrationStatus.WAITING, "confirmed": RegistrationStatus.CONFIRMED, **values}


def _aware(moment: datetime | str) -> datetime:
    """A moment read with a plain cursor (SQLite gives naive UTC, or text) as an aware one."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


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


def _leave_queue(event: Event, registration: Registration) -> None:
    Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITING, position__gt=registration.position
    ).update(position=F("position") - 1)
    event.waiting_count -= 1
