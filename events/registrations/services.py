"""Writing registrations: a person asks, confirms from the mail, cancels or erases; staff register and check in.

Keyword-only, one transaction each. What changes seats or the waiting list goes through
``events.registrations.seats`` with the event's row locked; mails and the event's new signed
document are queued for after the commit (``events.registrations.outbox``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import LANGUAGES, Event, Registration, new_check_in_code
from events.registrations import seats
from events.registrations.mails import MailKind
from events.registrations.outbox import mail_each_once, mail_soon, mails_nudge, seats_publish_soon
from events.registrations.tokens import TOKEN, registration_by_token, token_hash, token_new
from hub.choices import EventStatus, RegistrationStatus
from hub.privacy import privacy_consent_text
from hub.problems import Conflict
from hub.roles import raise_unless_may_edit
from hub.services.items import raise_if_not_local

PENDING_FOR = timedelta(hours=48)
REMIND_BEFORE = timedelta(days=1)
TOLD = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
MAX_NAME, MAX_TEXT = 100, 2000
CODE_ATTEMPTS = 5
NOT_HERE = _("People do not register for this event on this node.")
CONFIRMED_MAILS = (MailKind.CONFIRMED, MailKind.WAITING)  # the mail for a seat, the one for the waiting list
STATUS_MAIL = {
    RegistrationStatus.PENDING: MailKind.CONFIRM,
    RegistrationStatus.CONFIRMED: MailKind.ALREADY,
    RegistrationStatus.WAITING: MailKind.ALREADY,
}


def registration_request(
    *, event: Event, name: str, email: str, consent: bool, companions: int = 0, needs: Iterable[str] = (),
    answer: str = "", language: str = "de",
) -> Registration:
    """Someone asks for a seat: kept pending until they confirm from the mail, which goes out at once.

    An address already registered for the event gets its registration's link again instead, and the
    caller cannot tell the two apart (no one learns who registered).
    """
    fields = registrant_fields(event, name=name, companions=companions, needs=needs, answer=answer, language=language)
    email = _checked_email(email)
    if consent is not True:
        raise ValidationError({"consent": _("Registration needs your consent to the privacy notice.")})
    raise_unless_open(event, seats_needed=fields["companions"] + 1)
    with transaction.atomic():
        existing = Registration.objects.active().filter(event=event, email=email).first()
        if existing is not None and not existing.is_expired:
            mail_soon(existing, STATUS_MAIL[existing.status])
            return existing
        if existing is not None:
            existing.delete()
        now = timezone.now()
        registration = Registration(
            event=event, email=email, created_at=now, expires_at=now + PENDING_FOR, consent_text=consent_text(event, language),
            consented_at=now, **fields,
        )
        saved = _save_new(registration, email=email)
        mail_soon(saved, MailKind.CONFIRM if saved is registration else STATUS_MAIL[saved.status])
    return saved


def registration_confirm(*, registration: Registration) -> Registration:
    """The person confirms from the mail: a seat if one is free, else a place on the waiting list; again changes nothing.

    One statement on PostgreSQL locks the event's row, decides and writes (``seats.place_confirm``);
    the registration is written only if it is still pending, so two confirmations of it at once
    settle one place.
    """
    if registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING):
        return registration
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict("status", _("This registration was cancelled; register again if you want to come."))
    if registration.is_expired:
        raise Conflict("status", _("This registration was not confirmed within 48 hours; register again."))
    place = seats.place_confirm(registration, mails=CONFIRMED_MAILS)
    if place is None:
        return _confirm_refused(registration)
    registration.event = seats.event_settled(place)
    _confirmed_soon(registration.event)
    return registration


def registration_confirm_by_token(token: str) -> Registration | None:
    """``registration_confirm`` for the registration of this link; None when no registration has it.

    On PostgreSQL a pending registration is confirmed by one statement that also finds it by its
    token; anything else (already settled, expired, cancelled, the event full or over) takes the
    path above, which says why.
    """
    if not TOKEN.fullmatch(str(token)):
        return None
    place = seats.place_confirm_by_token(token_hash(token), mails=CONFIRMED_MAILS)
    if place is None:
        registration = registration_by_token(token)
        return None if registration is None else registration_confirm(registration=registration)
    registration = seats.registration_settled(place)
    _confirmed_soon(registration.event)
    return registration


def _confirmed_soon(event: Event) -> None:
    """What a confirmation leaves to the worker: the mail its statement queued, and the event's seats left."""
    transaction.on_commit(mails_nudge)
    seats_publish_soon(event)


def _confirm_refused(registration: Registration) -> Registration:
    """Why ``seats.place_confirm`` wrote nothing, found under the event's lock: a refusal, or the registration as it stands.

    It was settled or erased meanwhile, the event was cancelled, is over, takes no registrations
    here, or is fully booked without a waiting list; if a seat was freed in between, it is taken now.
    """
    with transaction.atomic():
        event = seats.event_locked(registration.event_id)
        fresh = Registration.objects.filter(pk=registration.pk).first()
        if fresh is None:
            raise Conflict("status", _("This registration was erased."))
        fresh.event = event
        if fresh.status != RegistrationStatus.PENDING:
            return registration_confirm(registration=fresh)
        raise_if_over(event)
        if not event.registers_here:
            raise Conflict("registration", NOT_HERE)
        if seats.place_confirm(fresh, mails=CONFIRMED_MAILS) is None:
            raise Conflict("capacity", seats.FULLY_BOOKED)
        _confirmed_soon(event)
    return fresh


def registration_cancel(*, registration: Registration) -> Registration:
    """The person cancels: their seat goes to the first on the waiting list, who is told; again changes nothing."""
    with transaction.atomic():
        return _cancel(registration)[0]


def registration_cancel_by_staff(*, registration: Registration, actor: Any) -> Registration:
    """Staff of the event's lab cancel someone's registration; the person is told."""
    raise_unless_may_edit(actor=actor, lab=registration.event.lab_id)
    with transaction.atomic():
        registration, cancelled_now = _cancel(registration)
        if cancelled_now:
            mail_soon(registration, MailKind.CANCELLED_BY_STAFF)
    return registration


def registration_erase(*, registration: Registration) -> None:
    """Erase everything stored about a registration at its person's request, giving up its seat first."""
    with transaction.atomic():
        _cancel(registration)[0].delete()


def registration_on_behalf(
    *, event: Event, name: str, actor: Any, note: str = "", companions: int = 0, needs: Iterable[str] = (),
    answer: str = "", language: str = "de",
) -> Registration:
    """Staff register someone who called or came by: no e-mail, confirmed at once, on a held-back seat first."""
    raise_if_not_local(event)
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    fields = registrant_fields(event, name=name, companions=companions, needs=needs, answer=answer, language=language)
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": _("At most %(count)d characters.") % {"count": MAX_TEXT}})
    if not event.registers_here:
        raise Conflict("registration", NOT_HERE)
    raise_if_over(event)
    with transaction.atomic():
        event = seats.event_locked(event.pk)
        registration = Registration(event=event, on_behalf=True, note=note.strip(), **fields)
        seats.seat_take(event, registration, held_back=True)
        _save_new(registration, email="")
        seats_publish_soon(event)
    return registration


def registration_check_in(*, event: Event, code: str, actor: Any) -> Registration:
    """Staff check someone in by the code from their mail (or its QR code); the event counts them."""
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    code = "".join(character for character in str(code).upper() if character.isalnum())
    with transaction.atomic():
        event = seats.event_locked(event.pk)
        registration = Registration.objects.filter(event=event, code=code).first() if code else None
        if registration is None:
            raise ValidationError({"code": _("No registration for this event has this code.")})
        seats.check_in(event, registration)
    return registration


def registrants_tell(*, event_id: int, kind: str) -> int:
    """Queue the mail of ``kind`` (the event was cancelled or moved) to everyone holding a seat or waiting for one."""
    told = Registration.objects.filter(event_id=event_id, status__in=TOLD).exclude(email="").only("pk", "email")
    with transaction.atomic():
        for registration in told:
            mail_soon(registration, kind)
    return len(told)


def registrations_remind(*, now: datetime) -> int:
    """Queue the reminder of every confirmed person whose event begins within a day; each once.

    Who confirmed less than a day before the start has just had their confirmation, and gets no reminder.
    """
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, reminded_at__isnull=True, event__start__gt=now,
        event__start__lte=now + REMIND_BEFORE, confirmed_at__lte=F("event__start") - REMIND_BEFORE,
    ).exclude(email="").exclude(event__status=EventStatus.CANCELLED)
    return mail_each_once(due, MailKind.REMINDER, stamp="reminded_at", now=now)


def registrant_fields(
    event: Event, *, name: str, companions: int, needs: Iterable[str], answer: str, language: str
) -> dict[str, Any]:
    """The person's answers checked against the event's offer, or a ValidationError naming each wrong field."""
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give a name; a first name or a pseudonym is enough.")
    elif len(name) > MAX_NAME or any(unicodedata.category(character).startswith("C") for character in name):
        errors["name"] = _("A name is one line of at most %(count)d characters.") % {"count": MAX_NAME}
    if not isinstance(companions, int) or isinstance(companions, bool) or not 0 <= companions <= event.max_companions:
        errors["companions"] = _("This event takes at most %(count)d companions per registration.") % {
            "count": event.max_companions}
    needs = list(needs)
    if len(set(needs)) != len(needs) or not set(needs) <= set(event.accessibility_features):
        errors["needs"] = _("Choose needs from the accessibility this event offers, each once.")
    if len(answer or "") > MAX_TEXT:
        errors["answer"] = _("At most %(count)d characters.") % {"count": MAX_TEXT}
    if language not in dict(LANGUAGES):
        errors["language"] = _("Choose German (de) or English (en).")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "companions": companions, "needs": needs, "answer": (answer or "").strip(), "language": language}


def raise_unless_open(event: Event, *, seats_needed: int = 1) -> None:
    """Refuse a registration the event does not take now: not on this node, not open, over, or full without a list."""
    if not event.is_local or not event.registers_here:
        raise Conflict("registration", NOT_HERE)
    raise_if_over(event)
    now = timezone.now()
    if event.registration_opens and now < event.registration_opens:
        raise Conflict("registration_opens", _("Registration opens on %(moment)s.") % {"moment": _moment(event.registration_opens)})
    if event.registration_closes and now >= event.registration_closes:
        raise Conflict("registration_closes", _("Registration has closed."))
    if not event.waiting_list and (event.waiting_count > 0 or event.seats_left < seats_needed):
        raise Conflict("capacity", seats.FULLY_BOOKED)


def raise_if_over(event: Event) -> None:
    """Refuse seats for an event that was cancelled or has ended."""
    if event.status == EventStatus.CANCELLED:
        raise Conflict("status", _("The event was cancelled."))
    if event.end <= timezone.now():
        raise Conflict("end", _("The event is over."))


def consent_text(event: Event, language: str) -> str:
    """What a person agrees to when they register: the privacy notice's consent sentence and its version, in their language.

    It is stored with the time; the notice's version names the text they could read (``hub.privacy``).
    """
    return privacy_consent_text(language)


def _cancel(registration: Registration) -> tuple[Registration, bool]:
    """The registration cancelled under its event's lock, read afresh there; and whether this call cancelled it."""
    event = seats.event_locked(registration.event_id)
    registration = Registration.objects.get(pk=registration.pk)
    registration.event = event
    if registration.status == RegistrationStatus.CANCELLED:
        return registration, False
    held_seat = registration.status == RegistrationStatus.CONFIRMED
    for promoted in seats.seat_release(event, registration):
        mail_soon(promoted, MailKind.PROMOTED)
    if held_seat:
        seats_publish_soon(event)
    return registration, True


def _save_new(registration: Registration, *, email: str) -> Registration:
    """Store a new registration with a token and a code of its own; the earlier one when the address was just registered."""
    for _attempt in range(CODE_ATTEMPTS):
        _token, registration.token_hash = token_new(registration.uuid)
        try:
            with transaction.atomic():
                registration.save()
            return registration
        except IntegrityError:
            same_address = Registration.objects.active().filter(event=registration.event, email=email).first() if email else None
            if same_address is not None:  # a request at the same moment was first
                return same_address
            registration.code = new_check_in_code()
    raise RuntimeError("no free check-in code after several attempts")


def _checked_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Give an e-mail address such as name@example.org.")}) from None
    return email.lower()


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
