"""Reading the node and its labs."""

from __future__ import annotations

from django.db import connections, router
from django.db.models import Q, QuerySet

from hub.choices import Visibility
from hub.models import ChangeLogSequence, Lab, Node


class NodeNotInitialised(Exception):
    """The node has no identity yet."""

    def __init__(self) -> None:
        super().__init__("This node has no identity yet: run `manage.py init_node --name NAME --city CITY`.")


def local_node() -> Node:
    """This node's own record."""
    node = local_node_or_none()
    if node is None:
        raise NodeNotInitialised()
    return node


def local_node_or_none() -> Node | None:
    """This node's own record, or None before ``init_node`` (for the pages that must work even then)."""
    return Node.objects.filter(is_local=True).first()


def visible_visibilities(*, include_network: bool) -> list[str]:
    """The visibilities a reader may see: public, and network for peers and staff."""
    return [Visibility.PUBLIC, Visibility.NETWORK] if include_network else [Visibility.PUBLIC]


def readable_with_lab(*, include_network: bool) -> Q:
    """Items the reader may see both themselves and through their lab: never wider than the lab.

    A public event of a network-only lab reads as network-only, one of a draft lab as a draft. An
    item whose lab this node does not hold (not mirrored yet) shows, without a lab: nothing of the
    lab is here to leak.
    """
    visibilities = visible_visibilities(include_network=include_network)
    return Q(visibility__in=visibilities) & (Q(lab__visibility__in=visibilities) | Q(lab__pk__isnull=True))


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


def changelog_head() -> int:
    """The last position the change log has handed out and committed; 0 before the first change.

    Read with one plain statement: the API reads it for every list it serves from its cache, where
    compiling an ORM query would cost more than the rest of the answer.
    """
    connection = connections[router.db_for_read(ChangeLogSequence)]
    table = connection.ops.quote_name(ChangeLogSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_position FROM {table}")  # noqa: S608  (a model's own table name)
        row = cursor.fetchone()
    return row[0] if row else 0


def labs_listed(*, include_network: bool) -> QuerySet[Lab]:
    """Published labs the reader may see, with their origin loaded, by city and name."""
    return labs_visible(include_network=include_network).order_by("city", "name", "pk")


def nodes_listed() -> QuerySet[Node]:
    """This node and every node whose key it has pinned, by name."""
    return Node.objects.order_by("name", "pk")
