"""The query parameters of event listings, shared by the API and the event pages; dates are days in
the node's time zone, and ``q`` is the same word search as the method cards' (``hub.search``).
"""

from __future__ import annotations

from datetime import date, datetime, time

import django_filters as filters
from django.db.models import QuerySet
from django.utils import timezone

from events.models import Event
from hub.choices import AccessibilityFeature, AttendanceMode
from hub.filters import BooleanFilter, LabListedFilterSet, StableOrderingFilter
from hub.search import search_items


def day_start(day: date) -> datetime:
    """The first instant of a day in the node's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class EventFilterSet(LabListedFilterSet):
    """Filters of the events; dates are days in the node's time zone."""

    q = filters.CharFilter(method="filter_q", label="search in title, description and place")
    language = filters.CharFilter(field_name="languages", lookup_expr="has", label="language tag")
    start_after = filters.DateFilter(method="filter_start_after", label="starts on this day or later")
    start_before = filters.DateFilter(method="filter_start_before", label="starts before this day")
    attendance_mode = filters.ChoiceFilter(choices=AttendanceMode.choices)
    accessibility = filters.ChoiceFilter(
        field_name="accessibility_features", lookup_expr="has", choices=AccessibilityFeature.choices,
        label="accessibility feature",
    )
    free = BooleanFilter(field_name="is_free", label="free of charge")
    upcoming = BooleanFilter(method="filter_upcoming", label="not ended yet (true) or ended (false)")
    ordering = StableOrderingFilter(fields=("start", "title", "date_modified"))

    class Meta:
        model = Event
        fields = ()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Events whose title, description and place hold the words of the text."""
        return search_items(queryset, value)

    def filter_start_after(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        """Events starting on this day or later."""
        return queryset.filter(start__gte=day_start(value))

    def filter_start_before(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        """Events starting before this day."""
        return queryset.filter(start__lt=day_start(value))

    def filter_upcoming(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """Events that have not ended yet, or with ``false`` those that have."""
        now = timezone.now()
        return queryset.filter(end__gte=now) if value else queryset.filter(end__lt=now)
