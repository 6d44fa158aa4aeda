"""The query parameters of idea listings, shared by the API and the network's idea page."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet

from hub.filters import OriginFilterSet, StableOrderingFilter
from hub.search import search_items
from ideas.models import TRAVELLING, Idea, IdeaStatus


class IdeaFilterSet(OriginFilterSet):
    """Filters of the published ideas: lab, city, status and a text search."""

    q = filters.CharFilter(method="filter_q", label="search in title, text, district and answer (words)")
    lab = filters.CharFilter(field_name="lab_id", label="lab IRI")
    city = filters.CharFilter(field_name="lab__city", lookup_expr="iexact", label="city of the lab")
    status = filters.ChoiceFilter(choices=[(value, label) for value, label in IdeaStatus.choices if value in TRAVELLING])
    ordering = StableOrderingFilter(fields=("date_created", "date_modified", "title"))

    class Meta:
        model = Idea
        fields = ()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Ideas whose title, text, district and answer hold the words of the text (``hub.search``)."""
        return search_items(queryset, value)
