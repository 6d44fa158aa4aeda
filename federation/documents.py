"""This node's signed documents: items, tombstones and the node descriptor, as JSON text to store and serve.

Items and tombstones carry one proof by the node's current key. The descriptor lists every key the node
has had and carries a proof chain (protocol section 3): each key retired since the node's last
revocation signs, oldest first, then the current key, so that a peer which pinned any of them follows
the rotations it missed.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import orjson

from federation.codecs import (
    DescribedKey,
    key_id,
    node_to_document,
    to_document,
    tombstone_to_document,
)
from federation.models import NodeKey
from federation.proofs import Signer, sign_jcs, sign_jcs_chain
from hub.identity import KeyFileError, key_for
from hub.models import FederatedItem, Node

logger = logging.getLogger(__name__)


def signed(document: dict[str, Any], *, signer: Node) -> str:
    """The document with an eddsa-jcs-2022 proof by this node's current key, as compact JSON text."""
    method = signer.key_id or key_id(signer.iri)
    private = key_for(signer.public_key_multibase, _fragment(method))
    return orjson.dumps(sign_jcs(document, private, method)).decode()


def item_signed_document(item: FederatedItem) -> str:
    """A local item's current document, signed."""
    return signed(to_document(item), signer=item.origin)


def tombstone_signed_document(item: FederatedItem, *, version: int, deleted: datetime) -> str:
    """The signed tombstone of a local item deleted now."""
    document = tombstone_to_document(iri=item.iri, former_type=type(item).__name__, version=version, deleted=deleted)
    return signed(document, signer=item.origin)


def descriptor_signed_document(node: Node, lab_iris: list[str]) -> str:
    """This node's descriptor, signed by its chain of keys: the controller document of its keys."""
    history = local_keys(node)
    document = node_to_document(node, lab_iris, [_described(row) for row in history])
    return orjson.dumps(sign_jcs_chain(document, _chain_signers(node, history))).decode()


def local_keys(node: Node) -> list[NodeKey]:
    """This node's keys, the current one first, then the others from the newest to the oldest."""
    rows = list(NodeKey.objects.filter(node=node).exclude(status=NodeKey.Status.SET_ASIDE).order_by("-since", "-pk"))
    current = [row for row in rows if row.public_key_multibase == node.public_key_multibase]
    if not current:  # a node made before key histories were kept, or by hand
        current = [NodeKey(node=node, key_id=node.key_id or key_id(node.iri),
                           public_key_multibase=node.public_key_multibase, status=NodeKey.Status.CURRENT)]
    return current + [row for row in rows if row.public_key_multibase != node.public_key_multibase]


def _described(row: NodeKey) -> DescribedKey:
    if row.status == NodeKey.Status.CURRENT:
        return DescribedKey(id=row.key_id, key=row.public_key_multibase)
    if row.status == NodeKey.Status.REVOKED:
        return DescribedKey(id=row.key_id, key=row.public_key_multibase, revoked=row.revoked_at)
    return DescribedKey(id=row.key_id, key=row.public_key_multibase, retired=row.retired_at)


def _chain_signers(node: Node, history: list[NodeKey]) -> list[Signer]:
    """The keys retired since the last revocation, oldest first, whose files are at hand, then the current key."""
    current = history[0]
    signers: list[Signer] = [(key_for(current.public_key_multibase, current.fragment), current.key_id)]
    for row in history[1:]:
        if row.status != NodeKey.Status.RETIRED:
            break  # a revoked key vouches for nothing, nor do the keys before it
        try:
            signers.append((key_for(row.public_key_multibase, row.fragment), row.key_id))
        except KeyFileError as error:
            logger.warning("The descriptor's chain stops before %s: %s", row.key_id, error)
            break
    return list(reversed(signers))


def _fragment(method: str) -> str:
    return method.rpartition("#")[2]
