"""Filters with counts: for every value of a filter, how many items the list would show if it were chosen.

Each facet counts over the items that match every *other* chosen filter, so choosing a value never
hides the alternatives. One query per facet reads only the columns it needs; the number of queries
depends on the number of facets, never on the number of items or the page size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django_filters import FilterSet

Row = tuple[Any, ...]


@dataclass(frozen=True)
class FacetOption:
    """One value of a filter, with its label and the number of items it would show."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """A filter shown with counts: its query parameter, label and options."""

    name: str
    label: str
    options: tuple[FacetOption, ...]

    @property
    def selected(self) -> FacetOption | None:
        """The chosen option, if any."""
        return next((option for option in self.options if option.selected), None)


@dataclass(frozen=True)
class FacetSpec:
    """How to count one facet: the columns it reads, the values a row has, the labels of the values."""

    name: str
    label: str
    columns: tuple[str, ...]
    keys: Callable[[Row], Iterable[str]]
    choices: Sequence[tuple[str, str]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def scalar(row: Row) -> Iterable[str]:
    """The one value of a single column, when set."""
    return [str(row[0])] if row[0] not in (None, "") else []


def listed(row: Row) -> Iterable[str]:
    """The values of a JSON list column, each once."""
    return set(row[0]) if isinstance(row[0], list) else []


def facets_count(
    filterset_class: type[FilterSet], data: QueryDict, queryset: QuerySet, specs: Sequence[FacetSpec],
    labels: dict[str, dict[str, str]] | None = None,
) -> list[Facet]:
    """The facets of a list filtered by ``data``, each counted without its own filter."""
    labels = labels or {}
    facets = []
    for spec in specs:
        counts = _count(filterset_class, data, queryset, spec)
        chosen = data.get(spec.name, "")
        choices = spec.choices
        if choices is None:
            choices = _dynamic_choices(counts, labels.get(spec.name, {}), chosen)
        options = tuple(
            FacetOption(value=value, label=str(label), count=counts.get(value, 0), selected=value == chosen)
            for value, label in choices
        )
        facets.append(Facet(name=spec.name, label=spec.label, options=options))
    return facets


def _count(filterset_class: type[FilterSet], data: QueryDict, queryset: QuerySet, spec: FacetSpec) -> Counter:
    others = data.copy()
    others.pop(spec.name, None)
    rows = filterset_class(others, queryset=queryset).qs.order_by().values_list(*spec.columns)
    counts: Counter = Counter()
    for row in rows:
        counts.update(spec.keys(row))
    return counts


def _dynamic_choices(counts: Counter, labels: dict[str, str], chosen: str) -> list[tuple[str, str]]:
    """The values found in the data and the chosen one, by label."""
    values = set(counts) | ({chosen} if chosen else set())
    return sorted(((value, labels.get(value, value)) for value in values), key=lambda choice: choice[1].casefold())
