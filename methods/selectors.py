"""Reading method cards."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.selectors import readable_with_lab
from methods.models import MethodCard


def methods_visible(*, include_network: bool = False) -> QuerySet[MethodCard]:
    """Method cards, local and mirrored, that the reader may see (never wider than their lab), with lab and origin joined."""
    return MethodCard.objects.filter(readable_with_lab(include_network=include_network)).select_related("lab", "origin")


def methods_recent(*, include_network: bool = False) -> QuerySet[MethodCard]:
    """The most recently changed method cards first."""
    return methods_visible(include_network=include_network).order_by("-date_modified")


def method_for_reader(*, uuid, include_network: bool, include_drafts: bool) -> MethodCard | None:
    """One method card by its uuid, if the reader may see it, with its steps."""
    methods = MethodCard.objects.all() if include_drafts else methods_visible(include_network=include_network)
    return methods.select_related("lab", "origin").prefetch_related("steps").filter(uuid=uuid).first()


def methods_listed(*, include_network: bool) -> QuerySet[MethodCard]:
    """Published method cards the reader may see, with lab, origin and ordered steps loaded, by title."""
    return methods_visible(include_network=include_network).prefetch_related("steps").order_by("title", "pk")


def methods_writable() -> QuerySet[MethodCard]:
    """Every method card, drafts and mirrored ones included, for the write paths to find and guard."""
    return MethodCard.objects.select_related("lab", "origin")
