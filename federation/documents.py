"""This node's signed documents: items, tombstones and the node descriptor, as JSON text to store and serve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from federation.codecs import key_id, node_to_document, to_document, tombstone_to_document
from federation.proofs import sign_jcs
from hub.identity import key_load
from hub.models import FederatedItem, Node


def signed(document: dict[str, Any], *, signer: Node) -> str:
    """The document with an eddsa-jcs-2022 proof by this node's key, as compact JSON text."""
    return orjson.dumps(sign_jcs(document, key_load(), key_id(signer.iri))).decode()


def item_signed_document(item: FederatedItem) -> str:
    """A local item's current document, signed."""
    return signed(to_document(item), signer=item.origin)


def tombstone_signed_document(item: FederatedItem, *, version: int, deleted: datetime) -> str:
    """The signed tombstone of a local item deleted now."""
    document = tombstone_to_document(iri=item.iri, former_type=type(item).__name__, version=version, deleted=deleted)
    return signed(document, signer=item.origin)


def descriptor_signed_document(node: Node, lab_iris: list[str]) -> str:
    """This node's descriptor, signed: the controller document of its key."""
    return signed(node_to_document(node, lab_iris), signer=node)
