"""What each registration mail says, in the registrant's language, with its link, code, QR code and calendar.

Every mail carries the registration's page (``registration_url``), where its person confirms,
cancels, sees everything stored about them and erases it. The page's link is made from the token
anew (``registration_token``); the token itself is never stored.
"""

from __future__ import annotations

import io
import zoneinfo

import segno
from django.conf import settings
from django.db import models
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.calendar import calendar_bytes
from events.models import Event, Registration
from events.registrations.tokens import feedback_url, registration_token, registration_url
from hub.choices import AccessibilityFeature
from hub.mail import Attachment, Mail

# How long after its end an event takes feedback (events.closing.feedback reads it from here: mails come first).
FEEDBACK_DAYS = 14


class MailKind(models.TextChoices):
    CONFIRM = "confirm"  # please confirm (double opt-in)
    CONFIRMED = "confirmed"  # you have a seat: code, QR code, calendar
    WAITING = "waiting"  # you are on the waiting list at place n
    PROMOTED = "promoted"  # a seat became free for you
    ALREADY = "already"  # asked again with the same address: the link once more
    REMINDER = "reminder"  # the day before
    EVENT_CANCELLED = "event-cancelled"
    EVENT_MOVED = "event-moved"
    CANCELLED_BY_STAFF = "cancelled-by-staff"
    FEEDBACK = "feedback"  # after the event: how was it? (events.closing.feedback)


# The mails that give the person their seat: they carry the code, its QR code and the event as .ics.
WITH_TICKET = (MailKind.CONFIRMED, MailKind.PROMOTED, MailKind.REMINDER, MailKind.EVENT_MOVED)


def registration_mail(registration: Registration, kind: str) -> Mail:
    """The mail of this kind for the registration, in its person's language."""
    event = registration.event
    token = registration_token(registration)
    with translation.override(registration.language):
        subject, paragraphs = TEXTS[kind](registration, event)
        ticket = kind in WITH_TICKET and registration.status == "confirmed"
        return Mail(
            to=registration.email,
            language=registration.language,
            subject=subject % {"event": event.title},
            greeting=_("Hello %(name)s,") % {"name": registration.name},
            paragraphs=paragraphs,
            facts=_facts(registration, event, with_code=ticket),
            action=_action(kind, token),
            image=_qr_code(registration.code) if ticket else None,
            image_text=_("QR code of your check-in code %(code)s") % {"code": registration.code},
            closing=_closing(registration, event, kind),
            attachments=[_calendar(event)] if ticket else [],
        )


def _action(kind: str, token: str) -> tuple[str, str]:
    """The mail's button: the feedback form after the event, else the registration's page."""
    if kind == MailKind.FEEDBACK:
        return _("Answer one question"), feedback_url(token)
    label = _("Confirm your registration") if kind == MailKind.CONFIRM else _("Your registration")
    return label, registration_url(token)


def _confirm(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Please confirm your registration: %(event)s"), [
        _("You (or someone giving your address) registered for “%(event)s”. Please confirm on the page below: only a "
          "confirmed registration gets a seat, or a place on the waiting list when the seats are taken.") % {"event": event.title},
        _("If it was not you, do nothing: the registration is erased after 48 hours."),
    ]


def _confirmed(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Your seat: %(event)s"), [
        _("Your registration is confirmed. Please show your check-in code at the entrance; the QR code below holds it."),
    ]


def _waiting(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("On the waiting list: %(event)s"), [
        _("The seats are taken; you are number %(position)d on the waiting list. When a seat becomes free, it goes to the "
          "first on the list, and we write to you at once.") % {"position": registration.position or 0},
    ]


def _promoted(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("A seat for you: %(event)s"), [
        _("A seat became free and it is yours: your registration is confirmed. Please show your check-in code at the "
          "entrance; the QR code below holds it."),
    ]


def _already(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Your registration: %(event)s"), [
        _("Someone asked to register your address for “%(event)s” again. You are registered already: %(status)s.")
        % {"event": event.title, "status": registration.get_status_display()},
    ]


def _reminder(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Tomorrow: %(event)s"), [
        _("A reminder: you have a seat at “%(event)s”. Please show your check-in code at the entrance.") % {"event": event.title},
        _("If you cannot come, please cancel on the page below, so that someone else gets your seat."),
    ]


def _event_cancelled(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Cancelled: %(event)s"), [
        _("We are sorry: “%(event)s” has been cancelled. Your registration has no seat any more; there is nothing "
          "you need to do.") % {"event": event.title},
    ]


def _event_moved(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Changed: %(event)s"), [
        _("“%(event)s” has changed. Please note the time and place below. If you cannot come now, please cancel on the "
          "page below, so that someone else gets your seat.") % {"event": event.title},
    ]


def _cancelled_by_staff(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("Your registration was cancelled: %(event)s"), [
        _("The lab has cancelled your registration for “%(event)s”. If this surprises you, please write to the lab.")
        % {"event": event.title},
    ]


def _feedback(registration: Registration, event: Event) -> tuple[str, list[str]]:
    return _("How was it? %(event)s"), [
        _("Thank you for coming to “%(event)s”. The lab would like to know how you liked it: one question, and if you "
          "like a line on what they should do differently.") % {"event": event.title},
        _("Your answer is anonymous: it is kept without your name, your address or your registration. The link works "
          "once, for %(days)d days after the event.") % {"days": FEEDBACK_DAYS},
    ]


TEXTS = {
    MailKind.CONFIRM: _confirm, MailKind.CONFIRMED: _confirmed, MailKind.WAITING: _waiting,
    MailKind.PROMOTED: _promoted, MailKind.ALREADY: _already, MailKind.REMINDER: _reminder,
    MailKind.EVENT_CANCELLED: _event_cancelled, MailKind.EVENT_MOVED: _event_moved,
    MailKind.CANCELLED_BY_STAFF: _cancelled_by_staff, MailKind.FEEDBACK: _feedback,
}


def event_when(event: Event) -> str:
    """The event's date and time in its own zone, as the current language writes dates."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    day = formats.date_format(start, "l") + ", " + formats.date_format(start, "DATE_FORMAT")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M} ({event.timezone})"
    last = formats.date_format(end, "l") + ", " + formats.date_format(end, "DATE_FORMAT")
    return f"{day}, {start:%H:%M} – {last}, {end:%H:%M} ({event.timezone})"


def event_where(event: Event) -> str:
    """The event's place and its online link, one per line."""
    parts = [part for part in (event.place_name, event.place_address) if part]
    return "\n".join([", ".join(" ".join(part.split()) for part in parts)] + ([event.online_url] if event.online_url else []))


def _facts(registration: Registration, event: Event, *, with_code: bool) -> list[tuple[str, str]]:
    facts = [(_("Event"), event.title), (_("When"), event_when(event))]
    if event_where(event):
        facts.append((_("Where"), event_where(event)))
    if registration.companions:
        facts.append((_("Seats"), ngettext("you and %(count)d companion", "you and %(count)d companions",
                                           registration.companions) % {"count": registration.companions}))
    if registration.needs:
        facts.append((_("You need"), ", ".join(str(AccessibilityFeature(need).label) for need in registration.needs)))
    if with_code:
        facts.append((_("Check-in code"), registration.code))
    return facts


def _closing(registration: Registration, event: Event, kind: str) -> list[str]:
    lines = [] if kind == MailKind.FEEDBACK else [
        _("On the page of your registration you can cancel it, see everything we keep about you and erase it.")]
    if event.lab is not None and event.lab.email:
        lines.append(_("Questions? Write to %(lab)s: %(email)s") % {"lab": event.lab.name, "email": event.lab.email})
    lines.append(_("We keep your data on this node only and erase it %(days)d days after the event.")
                 % {"days": settings.HUB_REGISTRATION_RETENTION_DAYS})
    return lines


def _qr_code(code: str) -> Attachment:
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=6, border=3)
    return Attachment(filename="check-in-code.png", content=buffer.getvalue(), mimetype="image/png", content_id="check-in-code")


def _calendar(event: Event) -> Attachment:
    return Attachment(filename="event.ics", content=calendar_bytes([event], name=event.title), mimetype="text/calendar")
