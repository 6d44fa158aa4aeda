"""Registering for an event from its page: what the page says about the seats, the form, and its throttle.

The form asks only what the event needs (companions, the "I need …" boxes, the lab's question are
left out when the event asks none of them); ``events.registrations.services.registration_request``
checks everything again. ``website`` is a honeypot for robots: hidden from people, and a form that
fills it in is thanked like any other and thrown away.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events.models import LANGUAGES, Event
from events.registrations.services import MAX_NAME, MAX_TEXT, raise_unless_open
from hub.choices import PUBLISHED, AccessibilityFeature, EventStatus
from hub.privacy import privacy_notice_current
from hub.problems import Conflict
from web.text import safe_url

HONEYPOT = "website"
# The scopes the API counts its registrations in, so that a person's pages and API requests count together.

# What a person may need, phrased to follow “I need …”, for each accessibility feature an event offers.
NEEDS = {
    AccessibilityFeature.STEP_FREE_ACCESS: _("step-free access (for example for a wheelchair)"),
    AccessibilityFeature.ACCESSIBLE_TOILET: _("an accessible toilet"),
    AccessibilityFeature.HEARING_LOOP: _("a hearing loop"),
    AccessibilityFeature.SIGN_LANGUAGE: _("sign language interpretation"),
    AccessibilityFeature.EASY_LANGUAGE: _("easy language (Leichte Sprache)"),
    AccessibilityFeature.LIVE_CAPTIONS: _("live captions"),
    AccessibilityFeature.QUIET_ROOM: _("a quiet room"),
    AccessibilityFeature.SEATING: _("a seat all the time"),
    AccessibilityFeature.CHILDCARE: _("childcare"),
    AccessibilityFeature.ASSISTANCE_DOGS: _("room for my assistance dog"),
}


@dataclass(frozen=True)
class Seats:
    """What an event's page says about its seats: ``state`` (open, waiting, full, not-yet, closed, elsewhere) and words."""

    state: str
    text: str
    detail: str = ""

    @property
    def takes_registrations(self) -> bool:
        """Whether people can register now: for a seat, or for a place on the waiting list."""
        return self.state in ("open", "waiting")


def seats_of(event: Event) -> Seats:
    """The seats of an event people register for on its node, as the page tells them."""
    if not event.is_local:
        return _seats_elsewhere(event)
    try:
        raise_unless_open(event)
    except Conflict as refusal:
        return _seats_refused(event, refusal)
    detail = _closes(event)
    if event.waiting_count == 0 and event.seats_left > 0:
        count = event.seats_left
        return Seats("open", ngettext("%(count)d seat left.", "%(count)d seats left.", count) % {"count": count}, detail)
    return Seats("waiting", gettext("All seats are taken; the waiting list is open."), detail)


def _seats_refused(event: Event, refusal: Conflict) -> Seats:
    if refusal.field == "registration_opens":
        return Seats("not-yet", gettext("Registration begins on %(moment)s.") % {"moment": moment(event, event.registration_opens)})
    if refusal.field == "capacity":
        return Seats("full", gettext("Fully booked."))
    return _seats_over(event) or Seats("closed", gettext("Registration is closed."))


def _seats_over(event: Event) -> Seats | None:
    """Closed for good, saying why: the event was cancelled or is over."""
    if event.status == EventStatus.CANCELLED:
        return Seats("closed", gettext("Registration is closed: the event was cancelled."))
    if event.end <= timezone.now():
        return Seats("closed", gettext("Registration is closed: the event is over."))
    return None


def _seats_elsewhere(event: Event) -> Seats:
    over = _seats_over(event)
    if over is not None:
        return over
    node, left = event.origin.name, event.seats_left
    if left is None:
        text = gettext("People register at %(node)s.") % {"node": node}
    elif left:
        text = ngettext("%(count)d seat left, as %(node)s last told us.", "%(count)d seats left, as %(node)s last told us.",
                        left) % {"count": left, "node": node}
    else:
        text = gettext("All seats are taken, as %(node)s last told us; it may have a waiting list.") % {"node": node}
    return Seats("elsewhere", text)


def _closes(event: Event) -> str:
    if not event.registration_closes:
        return ""
    return gettext("You can register until %(moment)s.") % {"moment": moment(event, event.registration_closes)}


def moment(event: Event, value) -> str:
    """A time as the page shows it, in the event's own time zone: “Monday, 7 December 2026, 18:00”."""
    local = timezone.localtime(value, zoneinfo.ZoneInfo(event.timezone))
    return f"{formats.date_format(local, 'l')}, {formats.date_format(local, 'DATE_FORMAT')}, {formats.time_format(local, 'TIME_FORMAT')}"


def page_language() -> str:
    """The language of the page, if the mails speak it (German otherwise)."""
    language = (translation.get_language() or "de")[:2]
    return language if language in dict(LANGUAGES) else "de"


class RegistrationForm(forms.Form):
    """What a person gives to register for ``event``: only the questions the event asks, and their consent."""

    name = forms.CharField(
        label=_("Your name"), max_length=MAX_NAME, help_text=_("A first name or a pseudonym is enough."),
        error_messages={
            "required": _("Please give your name; a first name or a pseudonym is enough."),
            "max_length": _("Please shorten your name to at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("We send you a link there. You open it to confirm your registration."),
        error_messages={
            "required": _("Please give your e-mail address: we send the link to confirm there."),
            "invalid": _("Please give an e-mail address such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    companions = forms.TypedChoiceField(label=_("People you bring along"), coerce=int, empty_value=0, required=False)
    needs = forms.MultipleChoiceField(
        label=_("I need …"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("So that the lab can prepare. You do not have to tick anything."),
        error_messages={"invalid_choice": _("Please tick only what this list offers.")},
    )
    answer = forms.CharField(
        required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please shorten your answer to at most %(limit_value)d characters.")},
    )
    language = forms.ChoiceField(label=_("Language of our e-mails"), choices=LANGUAGES, widget=forms.RadioSelect)
    consent = forms.BooleanField(
        label=_("Your consent"),
        error_messages={"required": _("Please tick this box to agree. Without your agreement we cannot register you.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"language": page_language(), "companions": 0})
        super().__init__(*args, **kwargs)
        self.event = event
        self._fit_to_event(event)
        self.fields["consent"].help_text = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a> {}', privacy_notice_current().consent(page_language()),
            reverse("privacy"), gettext("Read the privacy notice"), gettext("(opens in a new tab)"),
        )

    def _fit_to_event(self, event: Event) -> None:
        """Leave out what the event does not ask: companions, needs, its question."""
        if event.max_companions:
            self.fields["companions"].choices = [(0, gettext("No one, only me"))] + [
                (count, ngettext("%(count)d person", "%(count)d people", count) % {"count": count})
                for count in range(1, event.max_companions + 1)
            ]
            self.fields["companions"].error_messages["invalid_choice"] = ngettext(
                "You can bring at most %(count)d person.", "You can bring at most %(count)d people.", event.max_companions,
            ) % {"count": event.max_companions}
        else:
            del self.fields["companions"]
        offered = [feature for feature in AccessibilityFeature if feature in event.accessibility_features]
        if offered:
            self.fields["needs"].choices = [(feature.value, NEEDS.get(feature, feature.label)) for feature in offered]
        else:
            del self.fields["needs"]
        if event.question:
            self.fields["answer"].label = event.question
        else:
            del self.fields["answer"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if any(character in name for character in "\r\n\t\v\f\x85\u2028\u2029") or not name.isprintable():
            raise forms.ValidationError(_("Please write your name on one line."))
        return name

    @property
    def is_robot(self) -> bool:
        """Whether the honeypot was filled in: no person sees it."""
        return bool(str(self.data.get(self.add_prefix(HONEYPOT)) or "").strip())

    def person_fields(self) -> list[forms.BoundField]:
        """The fields about the person and what they need, in order (the language, consent and honeypot come apart)."""
        return [self[name] for name in ("name", "email", "companions", "needs", "answer") if name in self.fields]

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as ``registration_request`` takes them."""
        data = self.cleaned_data
        return {
            "name": data["name"], "email": data["email"], "consent": data["consent"], "language": data["language"],
            "companions": data.get("companions") or 0, "needs": data.get("needs") or [], "answer": data.get("answer") or "",
        }


@dataclass(frozen=True)
class RegistrationOffer:
    """What an event's page offers people who want to come: the seats, and the form or the origin's page."""

    event: Event
    seats: Seats
    form: RegistrationForm | None = None
    origin_url: str = ""
    draft: bool = False


def registration_offer(event: Event, *, data=None) -> RegistrationOffer | None:
    """The registration part of an event's page; None unless people register for it on its node."""
    if not event.registers_here:
        return None
    seats = seats_of(event)
    if not event.is_local:
        open_elsewhere = seats.state == "elsewhere"
        return RegistrationOffer(event, seats, origin_url=safe_url(event.iri) if open_elsewhere else "")
    if event.visibility not in PUBLISHED:
        return RegistrationOffer(event, seats, draft=True)
    form = RegistrationForm(data, event=event) if seats.takes_registrations else None
    return RegistrationOffer(event, seats, form=form)
