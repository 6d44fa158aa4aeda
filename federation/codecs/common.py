"""What every item document shares: the context, identity, version, visibility, origin and dates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from federation.codecs.shape import DocumentError, Reader, allowed_values
from hub.choices import PUBLISHED
from hub.models import FederatedItem

VOCABULARY = "https://w3id.org/stadtlabor/v1"
DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
MULTIKEY = "https://w3id.org/security/multikey/v1"
ITEM_CONTEXT = [VOCABULARY, DATA_INTEGRITY]
DESCRIPTOR_CONTEXT = [VOCABULARY, DATA_INTEGRITY, MULTIKEY]


@dataclass
class Decoded:
    """A received document turned into model fields, ready for the mirror to store."""

    type: str
    iri: str
    origin_iri: str
    version: int
    fields: dict[str, Any] = field(default_factory=dict)
    related: dict[str, Any] = field(default_factory=dict)


def instant(value: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with offset."""
    return value.astimezone(UTC).isoformat()


def item_header(item: FederatedItem, type_name: str) -> dict[str, Any]:
    """The properties every item document starts with."""
    return {
        "@context": list(ITEM_CONTEXT),
        "id": item.iri,
        "type": type_name,
        "version": item.version,
        "visibility": item.visibility,
        "origin": item.origin.iri,
        "dateCreated": instant(item.date_created),
        "dateModified": instant(item.date_modified),
    }


def raise_if_context_wrong(document: dict[str, Any], expected: list[str]) -> None:
    """Refuse a document whose @context is not exactly the network's list of bundled contexts."""
    if document.get("@context") != expected:
        raise DocumentError(f"@context must be {expected}; got {document.get('@context')!r}")


PATHS = {"Lab": "labs/", "Event": "events/", "MethodCard": "methods/", "Idea": "ideas/", "ExperienceReport": "reports/"}
VISIBILITIES = allowed_values(PUBLISHED)


def read_header(reader: Reader, type_name: str) -> Decoded:
    """Read and check the shared properties; the id must be ``{origin}{labs|events|methods|ideas|reports}/…``."""
    raise_if_context_wrong(reader.value, ITEM_CONTEXT)
    reader.allow("@context", "proof", "type")
    iri = reader.iri("id", required=True)
    origin = reader.iri("origin", required=True)
    if not origin.endswith("/") or not iri.startswith(origin) or iri == origin:
        raise DocumentError(f"id {iri} does not lie under its origin {origin}")
    rest = iri[len(origin):]
    if not rest.startswith(PATHS[type_name]) or "/" in rest[len(PATHS[type_name]):]:
        raise DocumentError(f"the id of a {type_name} must be {origin}{PATHS[type_name]}…; got {iri}")
    decoded = Decoded(
        type=type_name,
        iri=iri,
        origin_iri=origin,
        version=reader.integer("version", required=True, minimum=1),
    )
    decoded.fields = {
        "visibility": reader.choice("visibility", VISIBILITIES, required=True),
        "date_created": reader.datetime("dateCreated") or reader.datetime("dateModified", required=True),
        "date_modified": reader.datetime("dateModified", required=True),
    }
    return decoded


def read_lab(reader: Reader, key: str, origin: str) -> str:
    """The IRI of the lab an item belongs to, which must be a lab of the item's origin (§6.2)."""
    iri = reader.iri(key, required=True)
    slug = iri[len(origin) + len(PATHS["Lab"]):] if iri.startswith(origin + PATHS["Lab"]) else ""
    if not slug or "/" in slug:
        raise DocumentError(
            f"{key} {iri} is not a lab of the item's origin {origin}: an item belongs to a lab of the node that made it"
        )
    return iri


def last_segment(iri: str) -> str:
    """The last path segment of an IRI: a lab's slug, an item's uuid."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def uuid_of(iri: str) -> uuid.UUID:
    """The uuid that ends an event's, method's, idea's or report's IRI."""
    try:
        return uuid.UUID(last_segment(iri))
    except ValueError:
        raise DocumentError(f"the id {iri} must end in a UUID") from None
