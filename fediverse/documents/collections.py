"""The lab's outbox (its public events and method cards, newest first, paged) and its followers' count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fediverse import iris
from fediverse.documents.activities import embedded
from fediverse.documents.context import CONTEXT
from fediverse.documents.objects import object_document
from hub.models import FederatedItem, Lab

PAGE_SIZE = 20


def outbox_document(lab: Lab, *, total: int) -> dict[str, Any]:
    """The outbox as an OrderedCollection pointing at its first and last page."""
    outbox = iris.outbox_iri(lab)
    return {
        "@context": CONTEXT,
        "id": outbox,
        "type": "OrderedCollection",
        "totalItems": total,
        "first": f"{outbox}?page=1",
        "last": f"{outbox}?page={last_page(total)}",
    }


def last_page(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def outbox_page(lab: Lab, *, page: int, items: Sequence[FederatedItem], total: int) -> dict[str, Any]:
    """One page of the outbox: a ``Create`` of each item, newest first."""
    outbox = iris.outbox_iri(lab)
    document = {
        "@context": CONTEXT,
        "id": f"{outbox}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": outbox,
        "totalItems": total,
        "orderedItems": [_created(lab, item) for item in items],
    }
    if page > 1:
        document["prev"] = f"{outbox}?page={page - 1}"
    if page < last_page(total):
        document["next"] = f"{outbox}?page={page + 1}"
    return document


def _created(lab: Lab, item: FederatedItem) -> dict[str, Any]:
    obj = object_document(item)
    return {
        "id": f"{obj['id']}#create",
        "type": "Create",
        "actor": iris.actor_iri(lab),
        "published": obj["published"],
        "to": obj["to"],
        "cc": obj["cc"],
        "object": embedded(obj),
    }


def followers_document(lab: Lab, *, total: int) -> dict[str, Any]:
    """The followers collection: how many, never who (a follower's account is theirs to show)."""
    return {"@context": CONTEXT, "id": iris.followers_iri(lab), "type": "OrderedCollection", "totalItems": total}
