"""The event list: upcoming or past events by day, with filters and counts."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.core.paginator import Page
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from events.filters import EventFilterSet
from events.models import Event
from events.selectors import events_listed
from hub.choices import AccessibilityFeature, AttendanceMode, TargetGroup
from web.catalog import lab_labels
from web.facets import Facet, FacetSpec, Row, facets_count, listed, scalar
from web.paging import page_of

FREE_CHOICES = (("true", _("Free of charge")), ("false", _("With a fee")))


def _free(row: Row) -> Iterable[str]:
    return ["true" if row[0] else "false"]


FACETS = (
    FacetSpec("city", _("City"), ("lab__city",), scalar),
    FacetSpec("lab", _("Lab"), ("lab_id",), scalar),
    FacetSpec("target_group", _("Target group"), ("target_groups",), listed, TargetGroup.choices),
    FacetSpec("attendance_mode", _("Attendance"), ("attendance_mode",), scalar, AttendanceMode.choices),
    FacetSpec("accessibility", _("Accessibility"), ("accessibility_features",), listed, AccessibilityFeature.choices),
    FacetSpec("free", _("Costs"), ("is_free",), _free, FREE_CHOICES),
)


@dataclass(frozen=True)
class Day:
    """The events of one day (in each event's own time zone) on the current page."""

    day: date
    events: list[Event]


@dataclass(frozen=True)
class Agenda:
    """What the event list shows: facets, the page, its events grouped by day, and whether they are past."""

    facets: list[Facet]
    page: Page
    days: list[Day]
    past: bool
    query: str
    data: QueryDict

    @property
    def active(self) -> bool:
        """Whether a search or any filter is chosen."""
        return bool(self.query) or any(facet.selected for facet in self.facets)


def agenda_events(*, data: QueryDict, include_network: bool) -> Agenda:
    """Upcoming (or, with ``upcoming=false``, past) events for the reader's filters, in bounded queries."""
    data = data.copy()
    past = data.get("upcoming") == "false"
    data["upcoming"] = "false" if past else "true"
    base = events_listed(include_network=include_network)
    events = EventFilterSet(data, queryset=base).qs.order_by("-start" if past else "start", "pk")
    facets = facets_count(EventFilterSet, data, base, FACETS, {"lab": lab_labels(include_network=include_network)})
    page = page_of(events, data)
    return Agenda(facets=facets, page=page, days=days_of(page.object_list), past=past, query=data.get("q", ""), data=data)


def local_day(event: Event) -> date:
    """The day an event starts on, in its own time zone."""
    return event.start.astimezone(zoneinfo.ZoneInfo(event.timezone)).date()


def days_of(events: Iterable[Event]) -> list[Day]:
    """Consecutive events grouped by the day they start on."""
    return [Day(day=day, events=list(group)) for day, group in groupby(events, key=local_day)]
