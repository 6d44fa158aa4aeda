"""Participants' feedback: one face and an optional line, anonymous, once per registration link or per visit.

Registrants answer by the link in their feedback mail (the registration's token: once per
registration, marked on it by a flag, never by a link to the answer). Walk-in participants open the
event's short link or its QR code; every visit of that page gets a signed one-time number, kept only
as its hash with the answer, so that a visit answers once and a replayed form is refused. Nothing
about who answered is kept with the answer: no registration, name, address, client or time. Staff
type in the answers of paper cards (for people without a phone or the web) on the event's feedback page.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.closing.figures import feedback_figures
from events.closing.services import event_sign_again
from events.models import (
    FEEDBACK_TEXT_MAX,
    MOST_QUOTES,
    ClosingReport,
    Event,
    FeedbackAnswer,
    FeedbackLink,
    FeedbackRating,
    Registration,
)
from events.registrations.mails import FEEDBACK_DAYS, MailKind
from events.registrations.outbox import event_sign_soon, mail_each_once
from hub.choices import EventStatus, RegistrationStatus
from hub.problems import Conflict
from hub.roles import raise_unless_may_edit
from hub.services.items import raise_if_not_local

INVITE_AFTER = timedelta(hours=2)  # the feedback mail goes out this long after the end
VISIT_SALT = "events.closing.feedback-visit"
VISIT_MAX_AGE = 24 * 3600  # seconds a walk-in's form stays valid
LINK_ATTEMPTS = 5
CLOSED = _("Feedback on this event is closed.")
NOT_YET = _("Feedback opens when the event begins.")
ANSWERED = _("This link has been used to answer already. Thank you!")
VISIT_ANSWERED = _("This form has been sent already. Thank you!")
VISIT_INVALID = _("This form has expired or was changed; please open the link again.")


def feedback_window(event: Event) -> tuple[datetime, datetime]:
    """When participants may answer: from the event's start until ``FEEDBACK_DAYS`` after its end."""
    return event.start, event.end + timedelta(days=FEEDBACK_DAYS)


def raise_unless_feedback_open(event: Event, *, now: datetime | None = None) -> None:
    """Refuse feedback on an event of another node, a cancelled one, or outside its window."""
    now = now or timezone.now()
    opens, closes = feedback_window(event)
    if not event.is_local or event.status == EventStatus.CANCELLED or now > closes:
        raise Conflict("event", CLOSED)
    if now < opens:
        raise Conflict("event", NOT_YET)


def feedback_fields(*, rating: Any, text: Any) -> dict[str, Any]:
    """The answer checked: a face from 1 to 5, and at most ``FEEDBACK_TEXT_MAX`` characters of text."""
    errors: dict[str, Any] = {}
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating)
    if isinstance(rating, bool) or rating not in FeedbackRating.values:
        errors["rating"] = _("Choose one of the five answers.")
    text = text if isinstance(text, str) else ""
    text = "".join(c for c in text if c in "\n\t" or not unicodedata.category(c).startswith("C")).strip()
    if len(text) > FEEDBACK_TEXT_MAX:
        errors["text"] = _("At most %(count)d characters.") % {"count": FEEDBACK_TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    return {"rating": rating, "text": text}


def feedback_from_registration(*, registration: Registration, rating: Any, text: Any = "") -> FeedbackAnswer:
    """A registrant answers by the link in their feedback mail: once, and only who held a seat."""
    fields = feedback_fields(rating=rating, text=text)
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        raise_unless_feedback_open(registration.event)
        if registration.status != RegistrationStatus.CONFIRMED:
            raise Conflict("registration", _("Only people who had a seat answer by this link."))
        if registration.feedback_given:
            raise Conflict("registration", ANSWERED)
        Registration.objects.filter(pk=registration.pk).update(feedback_given=True)
        return _answer_save(registration.event, fields, visit_hash=None)


def feedback_visit_new(event: Event) -> str:
    """A signed one-time number for one visit of the event's feedback form (put into the form)."""
    return signing.dumps({"event": str(event.uuid), "visit": secrets.token_urlsafe(18)}, salt=VISIT_SALT)


def feedback_from_visit(*, event: Event, visit: Any, rating: Any, text: Any = "") -> FeedbackAnswer:
    """A walk-in participant answers from the short link: once per visit of the form (its one-time number)."""
    fields = feedback_fields(rating=rating, text=text)
    visit_hash = _visit_hash(event, visit)
    with transaction.atomic():
        raise_unless_feedback_open(event)
        try:
            with transaction.atomic():
                return _answer_save(event, fields, visit_hash=visit_hash)
        except IntegrityError:
            raise Conflict("visit", VISIT_ANSWERED) from None


def feedback_from_paper(*, event: Event, rating: Any, text: Any = "", actor: Any) -> FeedbackAnswer:
    """Staff type in an answer someone gave on a paper card at the event (for people without a phone or the web)."""
    raise_if_not_local(event)
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    fields = feedback_fields(rating=rating, text=text)
    if event.start > timezone.now():
        raise Conflict("event", NOT_YET)
    with transaction.atomic():
        return _answer_save(event, fields, visit_hash=None)


def _visit_hash(event: Event, visit: Any) -> str:
    """The hash kept of a visit's one-time number, if it is this node's signature for this event and not too old."""
    try:
        payload = signing.loads(visit if isinstance(visit, str) else "", salt=VISIT_SALT, max_age=VISIT_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one
        raise ValidationError({"visit": VISIT_INVALID}) from None
    if not isinstance(payload, dict) or payload.get("event") != str(event.uuid) or not isinstance(payload.get("visit"), str):
        raise ValidationError({"visit": VISIT_INVALID})
    return hashlib.sha256(payload["visit"].encode()).hexdigest()


def _answer_save(event: Event, fields: dict[str, Any], *, visit_hash: str | None) -> FeedbackAnswer:
    answer = FeedbackAnswer.objects.create(event=event, visit_hash=visit_hash, **fields)
    if _report_refresh(event):
        event_sign_soon(event)
    return answer


def _report_refresh(event: Event) -> bool:
    """Write the event's new feedback figures into its closing report; whether a published report changed."""
    report = ClosingReport.objects.filter(event=event).first()
    if report is None:
        return False
    ratings, quotes = feedback_figures(event)
    ClosingReport.objects.filter(pk=report.pk).update(feedback_ratings=ratings, quotes=quotes)
    return report.published


@transaction.atomic
def feedback_quote(*, answer: FeedbackAnswer, quoted: bool, actor: Any) -> FeedbackAnswer:
    """Staff publish an answer's text as a quote of the closing report, or take it back; at most ``MOST_QUOTES``."""
    event = Event.objects.select_for_update().get(pk=answer.event_id)
    raise_if_not_local(event)
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    answer = FeedbackAnswer.objects.get(pk=answer.pk)
    if quoted and not answer.text:
        raise Conflict("quoted", _("This answer has no text to quote."))
    if quoted and not answer.quoted and FeedbackAnswer.objects.filter(event=event, quoted=True).count() >= MOST_QUOTES:
        raise Conflict("quoted", _("A closing report publishes at most %(count)d quotes.") % {"count": MOST_QUOTES})
    if answer.quoted != quoted:
        answer.quoted = quoted
        answer.save(update_fields=["quoted"])
        if _report_refresh(event):
            event_sign_again(event)
    return answer


def feedback_link_for(*, event: Event, actor: Any) -> FeedbackLink:
    """The event's short feedback link, made the first time staff ask for it."""
    raise_if_not_local(event)
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    link = FeedbackLink.objects.filter(event=event).first()
    for _attempt in range(LINK_ATTEMPTS):
        if link is not None:
            return link
        try:
            with transaction.atomic():
                link = FeedbackLink.objects.create(event=event)
        except IntegrityError:  # the code was taken, or another request made the link a moment ago
            link = FeedbackLink.objects.filter(event=event).first()
    raise RuntimeError("no free feedback code after several attempts")


def feedback_invite(*, now: datetime) -> int:
    """Queue the feedback mail of everyone who had a seat at an event that ended a while ago; each once.

    When the event's staff checked people in, only those checked in are asked; events that ended
    more than ``FEEDBACK_DAYS`` ago are left alone (their feedback is closed).
    """
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, feedback_invited_at__isnull=True, feedback_given=False,
        event__end__lte=now - INVITE_AFTER, event__end__gt=now - timedelta(days=FEEDBACK_DAYS),
    ).filter(Q(checked_in_at__isnull=False) | Q(event__checked_in_count=0)).exclude(email="").exclude(
        event__status=EventStatus.CANCELLED)
    return mail_each_once(due, MailKind.FEEDBACK, stamp="feedback_invited_at", now=now)
