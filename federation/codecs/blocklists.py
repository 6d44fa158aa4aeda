"""A node's block list (sl:BlockList): the origins it blocks, with reasons and dates, signed by the node.

Not an item: it never travels in the feed. A coordinator node serves it to its peers, and a node that
subscribes checks it here (shape) and against the coordinator's pinned key (``federation.blocklists``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from federation.codecs.common import ITEM_CONTEXT, instant, raise_if_context_wrong
from federation.codecs.shape import DocumentError, Reader, compact

MAX_ENTRIES = 10_000
MAX_REASON = 500


@dataclass(frozen=True)
class BlockListEntry:
    """One blocked origin as a list names it."""

    origin: str
    reason: str
    date: datetime


@dataclass(frozen=True)
class BlockListContent:
    """What a received block list says."""

    iri: str
    origin: str
    date_modified: datetime
    entries: list[BlockListEntry]


def blocklist_to_document(*, iri: str, origin: str, date_modified: datetime,
                          entries: list[BlockListEntry]) -> dict[str, Any]:
    """A block list document (without proof)."""
    return compact({
        "@context": list(ITEM_CONTEXT),
        "id": iri,
        "type": "BlockList",
        "origin": origin,
        "dateModified": instant(date_modified),
        "blockedOrigins": [
            {"type": "BlockedOrigin", "blockedNode": entry.origin, "reason": entry.reason, "dateCreated": instant(entry.date)}
            for entry in entries
        ],
    })


def blocklist_from_document(document: object) -> BlockListContent:
    """The checked content of a received block list; raises DocumentError saying what is wrong."""
    reader = Reader(document, "block list")
    raise_if_context_wrong(reader.value, ITEM_CONTEXT)
    reader.allow("@context", "proof")
    reader.choice("type", ["BlockList"], required=True)
    content = BlockListContent(
        iri=reader.iri("id", required=True),
        origin=_node_iri(reader, "origin"),
        date_modified=reader.datetime("dateModified", required=True),
        entries=[_entry(entry) for entry in reader.objects("blockedOrigins", max_items=MAX_ENTRIES)],
    )
    reader.finish()
    return content


def _entry(reader: Reader) -> BlockListEntry:
    reader.choice("type", ["BlockedOrigin"], required=True)
    entry = BlockListEntry(
        origin=_node_iri(reader, "blockedNode"),
        reason=reader.text("reason", required=True, max_length=MAX_REASON),
        date=reader.datetime("dateCreated", required=True),
    )
    reader.finish()
    return entry


def _node_iri(reader: Reader, key: str) -> str:
    """A node's IRI: ``scheme://host[:port]/``, nothing after the slash."""
    iri = reader.iri(key, required=True)
    parts = urlsplit(iri)
    if parts.path != "/" or parts.query or parts.fragment or parts.username or parts.password:
        raise DocumentError(f"{reader.where}.{key} must be a node's IRI such as https://hub.example.de/; got {iri}")
    return iri
