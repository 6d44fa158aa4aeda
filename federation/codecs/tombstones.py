"""The Tombstone document (as:Tombstone) that replaces a deleted item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from federation.codecs.common import ITEM_CONTEXT, Decoded, instant, raise_if_context_wrong
from federation.codecs.shape import Reader
from federation.codecs.unknown import raise_if_not_understood

FORMER_TYPES = ("Lab", "Event", "MethodCard", "Idea", "ExperienceReport")


def tombstone_to_document(*, iri: str, former_type: str, version: int, deleted: datetime) -> dict[str, Any]:
    """A deleted item's tombstone (without proof)."""
    return {
        "@context": list(ITEM_CONTEXT),
        "id": iri,
        "type": "Tombstone",
        "formerType": former_type,
        "version": version,
        "deleted": instant(deleted),
    }


def tombstone_from_document(reader: Reader) -> Decoded:
    """A tombstone's id, former type and version; NotUnderstood for the tombstone of a type this node does not know."""
    raise_if_context_wrong(reader.value, ITEM_CONTEXT)
    reader.allow("@context", "proof", "type", "formerType")
    former_type = raise_if_not_understood(reader.value.get("formerType"), FORMER_TYPES, tombstone=True)
    decoded = Decoded(
        type="Tombstone",
        iri=reader.iri("id", required=True),
        origin_iri="",
        version=reader.integer("version", required=True, minimum=1),
    )
    decoded.fields = {
        "former_type": former_type,
        "deleted": reader.datetime("deleted", required=True),
    }
    reader.finish()
    return decoded
