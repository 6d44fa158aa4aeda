"""The querysets behind the API: what a reader may list, and what the write paths look up."""

from __future__ import annotations

from django.db.models import QuerySet

from events.models import Event
from events.selectors import events_visible
from hub.models import Lab, Node
from hub.selectors import labs_visible
from methods.models import MethodCard
from methods.selectors import methods_visible


def methods_listed(*, include_network: bool) -> QuerySet[MethodCard]:
    """Published method cards the reader may see, with lab, origin and ordered steps loaded, by title."""
    return methods_visible(include_network=include_network).prefetch_related("steps").order_by("title", "pk")


def methods_writable() -> QuerySet[MethodCard]:
    """Every method card, drafts and mirrored ones included, for the write paths to find and guard."""
    return MethodCard.objects.select_related("lab", "origin")


def events_listed(*, include_network: bool) -> QuerySet[Event]:
    """Published events the reader may see, with lab and origin loaded, soonest first."""
    return events_visible(include_network=include_network).order_by("start", "pk")


def events_writable() -> QuerySet[Event]:
    """Every event, drafts and mirrored ones included, for the write paths to find and guard."""
    return Event.objects.select_related("lab", "origin")


def labs_listed(*, include_network: bool) -> QuerySet[Lab]:
    """Published labs the reader may see, with their origin loaded, by city and name."""
    return labs_visible(include_network=include_network).order_by("city", "name", "pk")


def nodes_listed() -> QuerySet[Node]:
    """This node and every node whose key it has pinned, by name."""
    return Node.objects.order_by("name", "pk")
