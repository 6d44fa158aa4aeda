"""Asking an origin itself, through the guarded client: its own descriptor, and the document of one of its items.

A peer's copy of another node's descriptor is a hint, never a pin (protocol section 3): the key of an
origin comes from ``{origin}/.well-known/stadtlabor``, and an item whose copies were refused is fetched
again from the item's own IRI (``Accept: application/ld+json``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from federation import http
from federation.paging import MAX_DOCUMENT_BYTES
from federation.peering import PeeringError, descriptor_fetch, raise_if_insecure

GONE = (404, 410)  # an item the origin does not have (or does not show to anyone) or has deleted


class OriginUnreachable(Exception):
    """The origin could not be asked, or did not answer with what was asked for; the message says why."""


def origin_descriptor(origin: str) -> dict[str, Any]:
    """The descriptor the origin serves itself, checked to be its own and signed by the key it names."""
    try:
        return descriptor_fetch(origin.rstrip("/"))
    except (PeeringError, http.PeerRequestError) as error:
        raise OriginUnreachable(str(error)) from None


def origin_document(iri: str) -> dict[str, Any] | None:
    """The document the origin serves for one of its items (public ones only), or None when it has none."""
    try:
        raise_if_insecure(iri)
        document = http.get_json(iri, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
                                 max_bytes=MAX_DOCUMENT_BYTES + 4096, headers={"Accept": "application/ld+json"})
    except http.PeerBadStatus as error:
        if error.status in GONE:
            return None
        raise OriginUnreachable(str(error)) from None
    except http.PeerRequestError as error:
        raise OriginUnreachable(str(error)) from None
    if not isinstance(document, dict) or document.get("id") != iri:
        raise OriginUnreachable(f"{iri} did not answer with its own document")
    return document
