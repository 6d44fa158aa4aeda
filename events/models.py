"""Events: workshops, talks and tests that labs hold, in person or online."""

from __future__ import annotations

import functools
import secrets
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.choices import (
    ACTIVE_REGISTRATION,
    AccessibilityFeature,
    AttendanceMode,
    EventStatus,
    RegistrationStatus,
    StaircaseStep,
    TargetGroup,
)
from hub.choices import Registration as RegistrationMode
from hub.models import FederatedItem, Lab, coordinate_field
from hub.search import SearchIndex
from hub.validators import ChoiceList, MaxItems, TextList, http_url, http_url_list, language_list

DEFAULT_TIMEZONE = "Europe/Berlin"
# What a lab can mean by an event: it takes place in the years 2000 to 2100 (as instants in UTC) and lasts
# at most eight weeks. Anything else is a typing or generating error (a start in the year 17, an end in 2207),
# refused by ``Event.clean`` for every way in: the services, the API, the staff pages, the admin and the mirror.
EVENT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
EVENT_LATEST = datetime(2101, 1, 1, tzinfo=UTC)
EVENT_LONGEST = timedelta(weeks=8)
LARGEST_AUDIENCE = 100_000
MOST_COMPANIONS = 20  # people one registration may bring along, at most


@functools.cache
def iana_zones() -> frozenset[str]:
    """The IANA zone names, read once: ``available_timezones`` walks the zone files on every call."""
    return frozenset(zoneinfo.available_timezones())


def iana_timezone(value: str) -> None:
    """Accept an IANA time zone name such as Europe/Berlin."""
    if value not in iana_zones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone such as Europe/Berlin."),
            code="invalid",
            params={"value": value},
        )


class Event(FederatedItem):
    """An event with its time, place or link, audience, accessibility and registration."""

    # Must say exactly what the generated column of migration 0002_search says (the first language).
    search_index = SearchIndex(
        fts_table="events_event_fts",
        english_sql=(
            "(coalesce({alias}.\"languages\" ->> 0, '') = 'en'"
            " OR coalesce({alias}.\"languages\" ->> 0, '') LIKE 'en-%%')"
        ),
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIMEZONE, validators=[iana_timezone]
    )
    attendance_mode = models.CharField(
        _("attendance mode"), max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    place_address = models.TextField(_("address"), blank=True)
    latitude = coordinate_field(_("latitude"), limit=90)
    longitude = coordinate_field(_("longitude"), limit=180)
    online_url = models.URLField(_("online link"), max_length=500, blank=True, validators=[http_url])
    lab = models.ForeignKey(
        Lab,
        to_field="iri",
        db_column="lab_iri",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="events",
        verbose_name=_("organising lab"),
    )
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[ChoiceList(TargetGroup)]
    )
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[language_list])
    is_free = models.BooleanField(_("free of charge"), default=True)
    accessibility_features = models.JSONField(
        _("accessibility features"), default=list, blank=True, validators=[ChoiceList(AccessibilityFeature)]
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(LARGEST_AUDIENCE)]
    )
    registration = models.CharField(
        _("registration"), max_length=12, choices=RegistrationMode.choices, default=RegistrationMode.NONE
    )
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True, validators=[http_url])
    held_back_seats = models.PositiveIntegerField(
        _("seats held back"), default=0, validators=[MaxValueValidator(LARGEST_AUDIENCE)],
        help_text=_("Seats that staff give to people who call or come by; the others are open to registration."),
    )
    waiting_list = models.BooleanField(_("waiting list"), default=False)
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    max_companions = models.PositiveSmallIntegerField(
        _("companions per registration"), default=0, validators=[MaxValueValidator(MOST_COMPANIONS)]
    )
    question = models.CharField(_("question to registrants"), max_length=300, blank=True)
    # The seats left as the origin published them: mirrored events only (this node counts its own).
    remaining_capacity = models.PositiveIntegerField(_("seats left"), null=True, blank=True, editable=False)
    # This node's counts for its own events, kept when the registrations are erased (registration services).
    seats_confirmed = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    held_back_taken = models.PositiveIntegerField(_("held-back seats given"), default=0, editable=False)
    waiting_count = models.PositiveIntegerField(_("on the waiting list"), default=0, editable=False)
    checked_in_count = models.PositiveIntegerField(_("checked in"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=EventStatus.choices, default=EventStatus.SCHEDULED)
    keywords = models.JSONField(_("keywords"), default=list, blank=True, validators=[TextList(max_length=80)])
    method_iris = models.JSONField(
        _("method cards used (IRIs)"), default=list, blank=True, validators=[http_url_list]
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["start"], name="event_start"),
            # The calendar's pages: counting a visibility's events and reading them by start without a sort.
            models.Index(fields=["visibility", "start", "id"], name="event_listed"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Check what only the fields together can tell: time order and span, place or link, registration."""
        errors: dict[str, str] = self.time_errors()
        needs_place = self.attendance_mode in (AttendanceMode.IN_PERSON, AttendanceMode.HYBRID)
        needs_link = self.attendance_mode in (AttendanceMode.ONLINE, AttendanceMode.HYBRID)
        if needs_place and not (self.place_name or self.place_address):
            errors["place_name"] = _("An event held in person needs a place.")
        if needs_link and not self.online_url:
            errors["online_url"] = _("An online or hybrid event needs an online link.")
        if self.registration == RegistrationMode.REQUIRED and not self.registration_url:
            errors["registration_url"] = _("When registration is required, give the registration link.")
        errors |= self.registration_errors()
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        elif self.latitude is not None and not (self.place_name or self.place_address):
            errors["latitude"] = _("Coordinates belong to a place: give the place too.")
        if errors:
            raise ValidationError(errors)

    def registration_errors(self) -> dict[str, str]:
        """Seats, held-back seats and the registration period of an event people register for on this node."""
        errors: dict[str, str] = {}
        if self.registration == RegistrationMode.NODE and not self.capacity:
            errors["capacity"] = _("Registration on this node needs the number of seats.")
        elif self.capacity is not None and self.held_back_seats > self.capacity:
            errors["held_back_seats"] = _("More seats are held back than the event has.")
        opens, closes = self.registration_opens, self.registration_closes
        if isinstance(opens, datetime) and isinstance(closes, datetime) and closes <= opens:
            errors["registration_closes"] = _("Registration must close after it opens.")
        elif isinstance(closes, datetime) and isinstance(self.end, datetime) and closes > self.end:
            errors["registration_closes"] = _("Registration must close by the end of the event.")
        return errors

    @property
    def registers_here(self) -> bool:
        """Whether people register for this event on its node (this one, or the origin of a mirrored event)."""
        return self.registration == RegistrationMode.NODE and bool(self.capacity)

    @property
    def seats_left(self) -> int | None:
        """The seats open to registration that nobody holds yet; None unless people register on the node.

        Seats held back for staff are not counted; a held-back seat staff did not give stays theirs.
        For a mirrored event, the number its origin published.
        """
        if not self.registers_here:
            return None
        if not self.is_local:
            return self.remaining_capacity
        return max(0, self.capacity - self.held_back_seats - self.public_seats_taken)

    @property
    def held_back_left(self) -> int:
        """Held-back seats staff can still give."""
        return max(0, self.held_back_seats - min(self.held_back_taken, self.held_back_seats))

    @property
    def public_seats_taken(self) -> int:
        """Confirmed seats that count against the seats open to registration."""
        return self.seats_confirmed - min(self.held_back_taken, self.held_back_seats)

    def time_errors(self) -> dict[str, str]:
        """The start and end within the years 2000 to 2100, the end after the start and at most eight weeks later."""
        start = self.start if isinstance(self.start, datetime) else None
        end = self.end if isinstance(self.end, datetime) else None
        errors: dict[str, str] = {}
        if start and not is_within_bounds(start):
            errors["start"] = OUTSIDE_THE_YEARS % BOUND_YEARS
        if start and end and end <= start:
            errors["end"] = _("The end must lie after the start.")
        elif end and not is_within_bounds(end):
            errors["end"] = OUTSIDE_THE_YEARS % BOUND_YEARS
        elif start and end and "start" not in errors and end - start > EVENT_LONGEST:
            errors["end"] = TOO_LONG % {"weeks": EVENT_LONGEST.days // 7}
        return errors


BOUND_YEARS = {"first": EVENT_EARLIEST.year, "last": EVENT_LATEST.year - 1}
OUTSIDE_THE_YEARS = _("An event must take place between the years %(first)d and %(last)d.")
TOO_LONG = _("An event lasts at most %(weeks)d weeks; publish a longer series as single dates.")


def is_within_bounds(moment: datetime) -> bool:
    """Whether an aware time lies in the years an event may take place in."""
    return EVENT_EARLIEST <= moment <= EVENT_LATEST


def new_check_in_code() -> str:
    """A short code to check in with, unambiguous when read aloud or typed (no 0/O, 1/I/L)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
LANGUAGES = (("de", "Deutsch"), ("en", "English"))


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> RegistrationQuerySet:
        """Registrations that hold or may still take a seat or a place on the waiting list."""
        return self.filter(status__in=ACTIVE_REGISTRATION)


class Registration(models.Model):
    """One person's registration for an event on this node, with the people they bring; never leaves the node.

    ``token_hash`` is the SHA-256 of the secret in the registrant's links (``events.registrations.tokens``);
    ``code`` is what they show at the door. A pending registration expires at ``expires_at``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: the three below lead with the event. Every index is written again when a
    # registration changes its place, with the event's row locked (``events.registrations.seats``).
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"),
                              db_index=False)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    on_behalf = models.BooleanField(_("registered by staff"), default=False)
    note = models.TextField(_("note"), blank=True)
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="de")
    consent_text = models.TextField(_("consent"), blank=True)
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    from_held_back = models.BooleanField(_("on a held-back seat"), default=False)
    code = models.CharField(_("check-in code"), max_length=CODE_LENGTH, default=new_check_in_code)
    token_hash = models.CharField(max_length=64, editable=False)  # unique by a constraint: no LIKE index beside it
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # The feedback mail after the event, and whether its link was used: never which answer it gave (anonymous).
    feedback_invited_at = models.DateTimeField(_("asked for feedback"), null=True, blank=True)
    feedback_given = models.BooleanField(_("feedback given"), default=False)
    mail_failed_at = models.DateTimeField(_("a mail failed"), null=True, blank=True)
    mail_failure = models.CharField(_("failed mail"), max_length=300, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="registration_unique_code_per_event"),
            models.UniqueConstraint(fields=["token_hash"], name="registration_unique_token"),
            # One active registration per address and event: a second request finds the first (no enumeration).
            models.UniqueConstraint(
                fields=["event", "email"], condition=Q(status__in=ACTIVE_REGISTRATION) & ~Q(email=""),
                name="registration_unique_active_email",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "position"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def seats(self) -> int:
        """The seats this registration needs: the person and their companions."""
        return 1 + self.companions

    @property
    def is_expired(self) -> bool:
        """Whether this unconfirmed registration has passed its 48 hours."""
        return self.status == RegistrationStatus.PENDING and self.expires_at is not None and self.expires_at <= timezone.now()



class QueuedMail(models.Model):
    """A registration's mail that is to be sent: written in the same transaction as what it tells.

    The worker hands each to its own sending task (``events.tasks.queued_mails_send``) and deletes it,
    so a mail is neither lost when the broker cannot take it at the moment of the change nor sent for
    a change that was rolled back. It names the registration and the kind of mail, nothing personal.
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.registration_id}"


# --- closing reports and participants' feedback -----------------------------------------------------

REPORT_MAX, CONTRIBUTIONS_MAX, EVIDENCE_MAX = 5000, 2000, 300
FEEDBACK_TEXT_MAX = 2000
MOST_METHODS = 20  # methods one closing report names
MOST_QUOTES = 10  # feedback quotes one closing report publishes
FEEDBACK_CODE_LENGTH = 8


class ClosingReport(models.Model):
    """What came of an event, written by its lab after it; part of the event's signed document once published.

    A report of this node's event is written by its lab editors (``events.closing.services``); a
    mirrored event's report arrives in its document and is replaced with it. ``feedback_ratings``
    (five counts, the saddest face first) and ``quotes`` are what the report publishes of the
    participants' feedback: for this node's events the services keep them up to date.
    """

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="closing_report", verbose_name=_("event"))
    attendees = models.PositiveIntegerField(_("attendees"), validators=[MaxValueValidator(LARGEST_AUDIENCE)])
    target_groups_reached = models.JSONField(
        _("target groups reached"), default=list, blank=True, validators=[ChoiceList(TargetGroup)]
    )
    contributions_count = models.PositiveIntegerField(
        _("number of contributions"), default=0, validators=[MaxValueValidator(LARGEST_AUDIENCE)],
        help_text=_("Ideas, prototypes, statements … that came out of the event."),
    )
    contributions = models.TextField(
        _("contributions"), blank=True, validators=[MaxLengthValidator(CONTRIBUTIONS_MAX)],
        help_text=_("What they were, in a few lines."),
    )
    method_iris = models.JSONField(
        _("methods actually used (IRIs)"), default=list, blank=True, validators=[http_url_list, MaxItems(MOST_METHODS)]
    )
    report = models.TextField(_("short report"), blank=True, validators=[MaxLengthValidator(REPORT_MAX)])
    staircase_step = models.PositiveSmallIntegerField(
        _("highest step on the impact staircase"), choices=StaircaseStep.choices,
        validators=[MinValueValidator(StaircaseStep.TOOK_PLACE), MaxValueValidator(StaircaseStep.SOCIETY)],
    )
    staircase_evidence = models.CharField(_("evidence for the step"), max_length=EVIDENCE_MAX, blank=True)
    feedback_ratings = models.JSONField(_("feedback answers per face"), default=list, blank=True, editable=False)
    quotes = models.JSONField(_("published feedback quotes"), default=list, blank=True, editable=False)
    published = models.BooleanField(_("published with the event"), default=False)
    date_published = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    date_modified = models.DateTimeField(_("last modified"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("closing report")
        verbose_name_plural = _("closing reports")

    def __str__(self) -> str:
        return str(_("Closing report: %(event)s") % {"event": self.event.title})

    def clean(self) -> None:
        """A step above “the activity took place” names its evidence."""
        if self.staircase_step and self.staircase_step > StaircaseStep.TOOK_PLACE and not self.staircase_evidence.strip():
            raise ValidationError({"staircase_evidence": _("Say in a line what shows that this step was reached.")})

    @property
    def feedback_count(self) -> int:
        """How many participants answered, as the report publishes it."""
        return sum(self.feedback_ratings or [])


class FeedbackRating(models.IntegerChoices):
    """The five faces of the feedback question, the saddest first; the integer is stored, the label shown."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither nor")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class FeedbackAnswer(models.Model):
    """One participant's answer about an event: a face and, if they wrote one, what to do differently.

    Nothing about who gave it is kept: no registration, name, address, client or time. ``visit_hash``
    is the SHA-256 of the one-time number of a walk-in's visit to the short link (random, naming no
    one), so that a visit answers once. ``text`` is internal unless staff publish it as a quote
    (``quoted``); the rest of it is erased with the event's registrations (``events.closing.retention``).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback_answers", verbose_name=_("event"))
    rating = models.PositiveSmallIntegerField(_("answer"), choices=FeedbackRating.choices)
    text = models.TextField(_("what we should do differently"), blank=True)
    quoted = models.BooleanField(_("published as a quote"), default=False)
    visit_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}"


def new_feedback_code() -> str:
    """The short code of an event's feedback link, unambiguous when read aloud or typed."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(FEEDBACK_CODE_LENGTH))


class FeedbackLink(models.Model):
    """The short link (``/f/<code>``) and QR code that walk-in participants of an event answer with."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="feedback_link", verbose_name=_("event"))
    code = models.CharField(_("code"), max_length=FEEDBACK_CODE_LENGTH, unique=True, default=new_feedback_code)

    class Meta:
        verbose_name = _("feedback link")
        verbose_name_plural = _("feedback links")

    def __str__(self) -> str:
        return self.code
