"""The kernel's publisher (``hub.publishing``): signed documents from the codecs, nudges after commit."""

from __future__ import annotations

from datetime import datetime

from federation import documents
from federation.nudges import peers_nudge_soon
from hub.models import FederatedItem, Node


class NetworkPublisher:
    """Signs items, tombstones and the descriptor with this node's key, and nudges the peers."""

    def item_document(self, item: FederatedItem) -> str:
        """A local item's current document, signed."""
        return documents.item_signed_document(item)

    def tombstone_document(self, item: FederatedItem, *, version: int, deleted: datetime) -> str:
        """The signed tombstone of a local item deleted now."""
        return documents.tombstone_signed_document(item, version=version, deleted=deleted)

    def descriptor_document(self, node: Node, lab_iris: list[str]) -> str:
        """This node's descriptor, signed."""
        return documents.descriptor_signed_document(node, lab_iris)

    def changes_committed(self) -> None:
        """Nudge the peers soon (debounced)."""
        peers_nudge_soon()
