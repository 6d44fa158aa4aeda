"""Reading the node and its labs."""

from __future__ import annotations

from django.db.models import QuerySet

from hub.choices import Visibility
from hub.models import Lab, Node


class NodeNotInitialised(Exception):
    """The node has no identity yet."""

    def __init__(self) -> None:
        super().__init__("This node has no identity yet: run `manage.py init_node --name NAME --city CITY`.")


def local_node() -> Node:
    """This node's own record."""
    node = Node.objects.filter(is_local=True).first()
    if node is None:
        raise NodeNotInitialised()
    return node


def visible_visibilities(*, include_network: bool) -> list[str]:
    """The visibilities a reader may see: public, and network for peers and staff."""
    return [Visibility.PUBLIC, Visibility.NETWORK] if include_network else [Visibility.PUBLIC]


def labs_visible(*, include_network: bool = False) -> QuerySet[Lab]:
    """Labs, local and mirrored, that the reader may see."""
    return (
        Lab.objects.filter(visibility__in=visible_visibilities(include_network=include_network))
        .select_related("origin")
        .order_by("city", "name")
    )


def labs_local() -> QuerySet[Lab]:
    """This node's own labs, drafts included (for staff)."""
    return Lab.objects.filter(origin__is_local=True).order_by("name")


def lab_for_reader(*, iri: str, include_network: bool, include_drafts: bool) -> Lab | None:
    """One lab by its IRI, if the reader may see it."""
    labs = Lab.objects.all() if include_drafts else labs_visible(include_network=include_network)
    return labs.select_related("origin").filter(iri=iri).first()
