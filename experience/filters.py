"""The query parameters of report listings, and the experience filters the method catalogs mix in.

The domains stay independent of each other (docs/architecture.md), so ``methods/filters.py`` knows
nothing of reports. ``MethodExperienceFilters`` filters and sorts any queryset of items with an
``iri`` by the figures kept for that IRI; the catalog page (``web/catalog.py``) and the API's method
list (``api/views.py``) combine it with ``methods.filters.MethodFilterSet``.
"""

from __future__ import annotations

import django_filters as filters
from django.db.models import IntegerField, JSONField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from experience.models import Audience, ExperienceReport, MethodExperience
from hub.choices import TargetGroup
from hub.filters import OriginFilterSet, StableOrderingFilter

MOST_LABS = 1000


def with_experience(queryset: QuerySet, *, include_network: bool) -> QuerySet:
    """Items annotated with the kept figures for their IRI: ``experience_reports`` and ``experience_labs`` (0
    without reports) and ``experience_worked`` (the target groups a report with fit 4 or 5 reached).

    Each is a subquery on the figures' unique index, computed only for the rows a query returns or sorts.
    """
    kept = MethodExperience.objects.filter(method_iri=OuterRef("iri"), audience=audience_for(include_network))
    return queryset.annotate(
        experience_reports=Coalesce(Subquery(kept.values("reports")[:1]), Value(0), output_field=IntegerField()),
        experience_labs=Coalesce(Subquery(kept.values("labs")[:1]), Value(0), output_field=IntegerField()),
        experience_worked=Subquery(kept.values("worked_groups")[:1], output_field=JSONField()),
    )


def audience_for(include_network: bool) -> str:
    """The audience whose figures a reader sees."""
    return Audience.NETWORK if include_network else Audience.PUBLIC


class MethodExperienceFilters(filters.FilterSet):
    """Filters by the network's experience with a method: tried in at least N labs, worked with a target group.

    A method "worked with" a target group when a report reaching that group gave it a fit of 4 or 5.
    Pass ``include_network`` (or set ``include_network_default`` on a subclass) so that a reader counts
    only the reports they may see.
    """

    include_network_default = False

    tried_in_labs = filters.NumberFilter(method="filter_tried_in_labs", min_value=1, max_value=MOST_LABS,
                                         label="tried in at least this many labs")
    worked_with = filters.ChoiceFilter(method="filter_worked_with", choices=TargetGroup.choices,
                                       label="worked with this target group (a report reaching it with fit 4 or 5)")

    def __init__(self, *args, include_network: bool | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.include_network = self.include_network_default if include_network is None else include_network

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Annotate the figures first, so that the ordering (most tried) and the facets can read them."""
        return super().filter_queryset(with_experience(queryset, include_network=self.include_network))

    def experience(self) -> QuerySet[MethodExperience]:
        return MethodExperience.objects.filter(audience=audience_for(self.include_network))

    def filter_tried_in_labs(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Methods that at least ``value`` labs reported on."""
        return queryset.filter(iri__in=self.experience().filter(labs__gte=int(value)).values("method_iri"))

    def filter_worked_with(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Methods that a report reaching this target group rated 4 or 5."""
        return queryset.filter(iri__in=self.experience().filter(worked_groups__has=value).values("method_iri"))


EXPERIENCE_ORDERINGS = ("experience_reports", "experience_labs")


class ReportFilterSet(OriginFilterSet):
    """Filters of the reports: the method and event they name, the lab, the city, the year."""

    method = filters.CharFilter(field_name="method_iri", label="method IRI")
    event = filters.CharFilter(field_name="event_iri", label="event IRI")
    lab = filters.CharFilter(field_name="lab_id", label="lab IRI")
    city = filters.CharFilter(field_name="lab__city", lookup_expr="iexact", label="city of the lab")
    target_group = filters.ChoiceFilter(field_name="target_groups", lookup_expr="has", choices=TargetGroup.choices,
                                        label="target group reached")
    ordering = StableOrderingFilter(fields=("date", "date_modified", "fit", "participants"))

    class Meta:
        model = ExperienceReport
        fields = ()
