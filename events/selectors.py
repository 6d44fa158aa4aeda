"""Reading events."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from events.models import Event
from hub.selectors import readable_with_lab


def events_visible(*, include_network: bool = False) -> QuerySet[Event]:
    """Events, local and mirrored, that the reader may see (never wider than their lab), with lab and origin joined."""
    return Event.objects.filter(readable_with_lab(include_network=include_network)).select_related("lab", "origin")


def events_upcoming(*, include_network: bool = False) -> QuerySet[Event]:
    """Events that have not ended yet, soonest first."""
    return events_visible(include_network=include_network).filter(end__gte=timezone.now()).order_by("start")


def events_past(*, include_network: bool = False) -> QuerySet[Event]:
    """Events that have ended, latest first."""
    return events_visible(include_network=include_network).filter(end__lt=timezone.now()).order_by("-start")


def event_for_reader(*, uuid, include_network: bool, include_drafts: bool) -> Event | None:
    """One event by its uuid, if the reader may see it."""
    events = Event.objects.all() if include_drafts else events_visible(include_network=include_network)
    return events.select_related("lab", "origin").filter(uuid=uuid).first()


def events_listed(*, include_network: bool) -> QuerySet[Event]:
    """Published events the reader may see, with lab and origin loaded, soonest first (the API's and the pages' lists)."""
    return events_visible(include_network=include_network).order_by("start", "pk")


def events_writable() -> QuerySet[Event]:
    """Every event, drafts and mirrored ones included, for the write paths to find and guard."""
    return Event.objects.select_related("lab", "origin")
