"""The query parameters of method-card listings, shared by the API and the catalog page.

The search ``q`` is a word search with the database's full-text index (``hub.search``: PostgreSQL's
text search with German or English stemming by the card's language, SQLite's FTS5 with word
prefixes); every word must occur.
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet

from hub.choices import Difficulty, Phase
from hub.filters import LabListedFilterSet, StableOrderingFilter
from hub.search import search_items
from methods.models import MethodCard


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
        return search_items(queryset, value)
