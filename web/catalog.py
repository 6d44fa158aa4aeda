"""The method catalog: search, filters with counts, and the page of results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import django_filters as filters
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from experience.filters import MethodExperienceFilters
from hub.choices import Difficulty, Phase, TargetGroup
from hub.selectors import labs_visible
from methods.filters import MethodFilterSet
from methods.selectors import methods_listed
from web.facets import Facet, FacetSpec, Row, facets_count, listed, scalar
from web.paging import page_of

DURATIONS = (
    ("30", _("up to 30 minutes")),
    ("60", _("up to 1 hour")),
    ("120", _("up to 2 hours")),
    ("240", _("up to 4 hours")),
    ("480", _("up to a day")),
)
GROUP_SIZES = {
    "1-5": (1, 5),
    "6-15": (6, 15),
    "16-30": (16, 30),
    "31-": (31, None),
}
GROUP_SIZE_CHOICES = (
    ("1-5", _("1 to 5 people")),
    ("6-15", _("6 to 15 people")),
    ("16-30", _("16 to 30 people")),
    ("31-", _("more than 30 people")),
)
ORDERINGS = (("title", _("Title")), ("-date_modified", _("Recently changed")), ("duration_min", _("Shortest first")),
             ("-experience_reports", _("Most tried")))
TRIED_IN_LABS = (
    ("1", _("in at least 1 lab")),
    ("2", _("in at least 2 labs")),
    ("3", _("in at least 3 labs")),
    ("5", _("in at least 5 labs")),
)


class CatalogFilterSet(MethodExperienceFilters, MethodFilterSet):
    """The API's method filters (with the network's experience) plus the group size a method suits."""

    group_size = filters.ChoiceFilter(method="filter_group_size", choices=GROUP_SIZE_CHOICES)

    class Meta(MethodFilterSet.Meta):
        pass

    def filter_group_size(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Methods whose group size range overlaps the chosen one (an open end fits everything)."""
        low, high = GROUP_SIZES[value]
        condition = Q(group_size_max__isnull=True) | Q(group_size_max__gte=low)
        if high is not None:
            condition &= Q(group_size_min__isnull=True) | Q(group_size_min__lte=high)
        return queryset.filter(condition)


def catalog_filterset(*, include_network: bool) -> type[CatalogFilterSet]:
    """The catalog's filters counting the reports the reader may see (the facets make their own filter sets)."""
    return type("CatalogFilterSet", (CatalogFilterSet,), {"include_network_default": include_network})


def _tried_in_labs(row: Row) -> Iterable[str]:
    labs = row[0] or 0
    return [value for value, _label in TRIED_IN_LABS if labs >= int(value)]


def _fitting_durations(row: Row) -> Iterable[str]:
    shortest = row[0]
    return [] if shortest is None else [value for value, _label in DURATIONS if shortest <= int(value)]


def _fitting_group_sizes(row: Row) -> Iterable[str]:
    smallest, largest = row
    return [
        value for value, (low, high) in GROUP_SIZES.items()
        if (largest is None or largest >= low) and (high is None or smallest is None or smallest <= high)
    ]


FACETS = (
    FacetSpec("phase", _("Phase"), ("phase",), scalar, Phase.choices),
    FacetSpec("target_group", _("Target group"), ("target_groups",), listed, TargetGroup.choices),
    FacetSpec("duration_max", _("Duration"), ("duration_min",), _fitting_durations, DURATIONS),
    FacetSpec("difficulty", _("Difficulty"), ("difficulty",), scalar, Difficulty.choices),
    FacetSpec("group_size", _("Group size"), ("group_size_min", "group_size_max"), _fitting_group_sizes, GROUP_SIZE_CHOICES),
    FacetSpec("language", _("Language"), ("language",), scalar),
    FacetSpec("city", _("City"), ("lab__city",), scalar),
    FacetSpec("lab", _("Lab"), ("lab_id",), scalar),
    FacetSpec("tried_in_labs", _("Tried"), ("experience_labs",), _tried_in_labs, TRIED_IN_LABS),
    FacetSpec("worked_with", _("Worked with"), ("experience_worked",), listed, TargetGroup.choices),
)


@dataclass(frozen=True)
class Catalog:
    """What the catalog page shows: the facets, the page of methods and how many there are."""

    facets: list[Facet]
    page: Page
    query: str
    ordering: str

    @property
    def active(self) -> bool:
        """Whether a search or any filter is chosen."""
        return bool(self.query) or any(facet.selected for facet in self.facets)


def catalog_methods(*, data: QueryDict, include_network: bool) -> Catalog:
    """The catalog for the reader's filters, in a bounded number of queries whatever the page size."""
    base = methods_listed(include_network=include_network).prefetch_related(None)
    ordering = data.get("ordering") if data.get("ordering") in dict(ORDERINGS) else "title"
    filterset_class = catalog_filterset(include_network=include_network)
    methods = filterset_class(data, queryset=base).qs.order_by(ordering, "pk")
    labels = {"lab": lab_labels(include_network=include_network), "language": LanguageNames()}
    facets = facets_count(filterset_class, data, base, FACETS, labels)
    return Catalog(facets=facets, page=page_of(methods, data), query=data.get("q", ""), ordering=ordering)


def lab_labels(*, include_network: bool) -> dict[str, str]:
    """The IRI, name and city of every lab the reader may see, for the lab filter (others show as their IRI)."""
    labs = labs_visible(include_network=include_network).order_by()
    return {iri: f"{name} ({city})" for iri, name, city in labs.values_list("iri", "name", "city")}


class LanguageNames(dict):
    """Looks up a language's translated name by its code, falling back to the code."""

    def get(self, code: str, default: str | None = None) -> str:
        try:
            return str(get_language_info(code)["name_translated"])
        except KeyError:
            return default if default is not None else code
