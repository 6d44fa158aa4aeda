"""The query parameters of the API's lists.

The search ``q`` of method cards and events is a word search with the database's full-text index
(``hub.search``: PostgreSQL's text search with German or English stemming by the item's language,
SQLite's FTS5 with word prefixes); every word must occur. Labs, a short list, are searched for a
case-insensitive substring. List fields match through the lookups of ``hub.lookups``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters

from events.models import Event
from hub.choices import AccessibilityFeature, AttendanceMode, Difficulty, Phase, TargetGroup
from hub.models import Lab
from hub.search import search_items
from methods.models import MethodCard


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Method cards or events whose indexed text holds every word of the search text."""
    return search_items(queryset, text)


def contains(queryset: QuerySet, text: str, *lookups: str) -> QuerySet:
    """Rows in which any of the lookups finds the text."""
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: text})
    return queryset.filter(condition)


def day_start(day: date) -> datetime:
    """The first instant of a day in the node's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class StableOrderingFilter(filters.OrderingFilter):
    """Ordering by the chosen fields, then by primary key, so that pages never overlap."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        """Sort by the requested fields and the key as a tie-breaker."""
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class OriginFilterSet(filters.FilterSet):
    """The filter every item type shares: its origin node, by IRI with or without the final slash."""

    origin = filters.CharFilter(method="filter_origin", label="origin node IRI")

    def filter_origin(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Items created by the node with this IRI."""
        return queryset.filter(origin__iri=value.rstrip("/") + "/")


class LabListedFilterSet(OriginFilterSet):
    """What method cards and events share beyond the origin: lab, city, keyword and target group."""

    lab = filters.CharFilter(field_name="lab_id", label="lab IRI")
    city = filters.CharFilter(field_name="lab__city", lookup_expr="iexact", label="city of the lab")
    keyword = filters.CharFilter(field_name="keywords", lookup_expr="has", label="keyword")
    target_group = filters.ChoiceFilter(
        field_name="target_groups", lookup_expr="has", choices=TargetGroup.choices, label="target group"
    )


class MethodFilterSet(LabListedFilterSet):
    """Filters of the method cards."""

    q = filters.CharFilter(method="filter_q", label="search in title, summary, description and keywords")
    phase = filters.ChoiceFilter(choices=Phase.choices)
    difficulty = filters.ChoiceFilter(choices=Difficulty.choices)
    duration_max = filters.NumberFilter(
        field_name="duration_min", lookup_expr="lte", label="fits into this many minutes"
    )
    language = filters.CharFilter(field_name="language", label="language tag")
    ordering = StableOrderingFilter(fields=("title", "date_modified", "date_created", "duration_min"))

    class Meta:
        model = MethodCard
        fields = ()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Method cards whose title, summary, description and keywords hold the words of the text."""
        return search(queryset, value)


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
    free = filters.BooleanFilter(field_name="is_free", label="free of charge")
    upcoming = filters.BooleanFilter(method="filter_upcoming", label="not ended yet (true) or ended (false)")
    ordering = StableOrderingFilter(fields=("start", "title", "date_modified"))

    class Meta:
        model = Event
        fields = ()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Events whose title, description and place hold the words of the text."""
        return search(queryset, value)

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


class LabFilterSet(OriginFilterSet):
    """Filters of the labs."""

    q = filters.CharFilter(method="filter_q", label="search in name, city and description")
    iri = filters.CharFilter(field_name="iri", label="lab IRI")
    city = filters.CharFilter(field_name="city", lookup_expr="iexact")
    ordering = StableOrderingFilter(fields=("name", "city", "date_modified"))

    class Meta:
        model = Lab
        fields = ()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Labs whose name, city or description contain the text."""
        return contains(queryset, value, "name__icontains", "city__icontains", "description__icontains")
