"""Events: workshops, talks and tests that labs hold, in person or online."""

from __future__ import annotations

import functools
import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.choices import AccessibilityFeature, AttendanceMode, EventStatus, Registration, TargetGroup
from hub.models import FederatedItem, Lab, coordinate_field
from hub.search import SearchIndex
from hub.validators import ChoiceList, TextList, http_url, http_url_list, language_list

DEFAULT_TIMEZONE = "Europe/Berlin"
# What a lab can mean by an event: it takes place in the years 2000 to 2100 (as instants in UTC) and lasts
# at most eight weeks. Anything else is a typing or generating error (a start in the year 17, an end in 2207),
# refused by ``Event.clean`` for every way in: the services, the API, the staff pages, the admin and the mirror.
EVENT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
EVENT_LATEST = datetime(2101, 1, 1, tzinfo=UTC)
EVENT_LONGEST = timedelta(weeks=8)
LARGEST_AUDIENCE = 100_000


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
        _("registration"), max_length=12, choices=Registration.choices, default=Registration.NONE
    )
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True, validators=[http_url])
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
        if self.registration == Registration.REQUIRED and not self.registration_url:
            errors["registration_url"] = _("When registration is required, give the registration link.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        elif self.latitude is not None and not (self.place_name or self.place_address):
            errors["latitude"] = _("Coordinates belong to a place: give the place too.")
        if errors:
            raise ValidationError(errors)

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
