"""Where the kernel's writes meet the wire: the signer of the documents the change log records.

Every published change is stored with its signed document, in the same transaction as the write.
Making a document (codecs, proofs) is the federation's business, and federation sits above the
kernel and the domains (its codecs know every item type). So the kernel names here what it needs
and ``federation`` registers the implementation when Django starts (``FederationConfig.ready``):
the one place where a lower floor calls a higher one, through an interface it owns
(docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

if TYPE_CHECKING:
    from hub.models import FederatedItem, Node


class Publisher(Protocol):
    """Signs this node's documents and tells the peers when changes have committed."""

    def item_document(self, item: FederatedItem) -> str:
        """A local item's current document, signed, as JSON text."""

    def tombstone_document(self, item: FederatedItem, *, version: int, deleted: datetime) -> str:
        """The signed tombstone of a local item deleted now."""

    def descriptor_document(self, node: Node, lab_iris: list[str]) -> str:
        """This node's descriptor, signed."""

    def changes_committed(self) -> None:
        """Called after a transaction with published changes commits (peers are nudged)."""


_publisher: Publisher | None = None


def publisher_register(publisher: Publisher) -> None:
    """Make ``publisher`` the one that signs this node's documents."""
    global _publisher
    _publisher = publisher


def publisher() -> Publisher:
    """The registered publisher; the federation app registers it at start-up."""
    if _publisher is None:
        raise ImproperlyConfigured("No publisher is registered: the 'federation' app must be in INSTALLED_APPS.")
    return _publisher


@dataclass(frozen=True)
class ItemChange:
    """What a face above the kernel learns after a local item's published change commits: ids, no model."""

    item_type: str
    iri: str
    visibility: str
    deleted: bool = False


ItemChangeListener = Callable[[ItemChange], None]
_listeners: list[ItemChangeListener] = []


def item_change_listener_register(listener: ItemChangeListener) -> None:
    """Have ``listener`` told of every committed change of a published local item (the fediverse face
    registers one in its ``AppConfig.ready``); registering the same listener twice keeps one."""
    if listener not in _listeners:
        _listeners.append(listener)


def item_changed(change: ItemChange) -> None:
    """Tell the registered listeners of ``change`` once the writing transaction commits (never on rollback)."""
    for listener in _listeners:
        transaction.on_commit(partial(listener, change))
