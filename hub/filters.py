"""The query parameters every listing shares, and the labs' own: one filter set for the API and the pages.

Plain django-filter (no DRF), so that the domains' filter sets can build on it and both the REST API
(``api/``) and the web pages (``web/``) use the same ones. List fields match through the lookups of
``hub.lookups``; ``BooleanFilter`` reads ``true``/``false`` as the API documents it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from hub.choices import TargetGroup
from hub.models import Lab


class TrueOrFalseWidget(BooleanWidget):
    """django-filter's ``true``/``false`` widget, passing any other text on for the field to refuse."""

    def value_from_datadict(self, data: Mapping[str, Any], files: object, name: str) -> object:
        """True or False for the known words, the text itself for any other, None when absent."""
        value = super().value_from_datadict(data, files, name)
        return data.get(name) if value is None else value


class TrueOrFalseField(forms.NullBooleanField):
    """``true`` or ``false`` (also ``1``, ``0``), or nothing: another text is invalid, not nothing.

    The API answers an invalid value with 400 naming the parameter; the pages, which filter with
    the valid values only, go on ignoring it.
    """

    widget = TrueOrFalseWidget
    default_error_messages: ClassVar[dict[str, str]] = {"invalid": _("Give true or false.")}

    def to_python(self, value: object) -> bool | None:
        """The widget's True or False; None when absent; invalid for anything else."""
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: bool | None) -> None:
        """Any of True, False and None is valid."""


class BooleanFilter(filters.BooleanFilter):
    """A yes/no filter that reads ``true`` and ``false`` and calls any other value invalid."""

    field_class = TrueOrFalseField


def contains(queryset: QuerySet, text: str, *lookups: str) -> QuerySet:
    """Rows in which any of the lookups finds the text."""
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{lookup: text})
    return queryset.filter(condition)



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
