"""Reading this node's change log as the feed peers pull (protocol section 5)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from hub.models import ChangeLogEntry

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


@dataclass(frozen=True)
class FeedPage:
    """Documents after a cursor, oldest change first, and the cursor after the last of them."""

    documents: list[str]
    after: int
    last: int | None


def feed_page(*, after: int, limit: int) -> FeedPage:
    """The current documents of the items whose latest change lies after ``after``."""
    rows = list(
        ChangeLogEntry.objects.filter(position__gt=after).exclude(document="")
        .order_by("position").values_list("position", "document")[:limit]
    )
    return FeedPage(documents=[document for _, document in rows], after=after, last=rows[-1][0] if rows else None)


def feed_page_json(page: FeedPage, *, feed_url: str, limit: int) -> bytes:
    """The page as an ActivityStreams OrderedCollectionPage, the stored documents spliced in unchanged.

    ``next`` is present whenever the page holds documents; the page after the last change is empty
    and has none, which tells the reader it has seen everything.
    """
    head = {
        "@context": AS_CONTEXT,
        "id": f"{feed_url}?after={page.after}&limit={limit}",
        "type": "OrderedCollectionPage",
        "partOf": feed_url,
    }
    if page.last is not None:
        head["next"] = f"{feed_url}?after={page.last}&limit={limit}"
    return collection_json(head, page.documents)


def collection_json(head: dict, documents: list[str]) -> bytes:
    """``head`` (a collection's own members) with ``orderedItems``: the stored, signed documents spliced in
    byte for byte, so that every one of them still verifies."""
    return orjson.dumps(head)[:-1] + b',"orderedItems":[' + ",".join(documents).encode() + b"]}"


def descriptor_document(iri: str) -> str | None:
    """The stored, signed descriptor of a node this node holds (its own or a relayed one)."""
    return (
        ChangeLogEntry.objects.filter(iri=iri, item_type=ChangeLogEntry.ItemType.NODE, deleted=False)
        .values_list("document", flat=True).first()
    )
