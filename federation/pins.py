"""Pinned keys: how this node came to trust each other node's key, and the only ways a pin changes (protocol §3).

A key is pinned from its origin only: from the descriptor fetched at ``{origin}/.well-known/stadtlabor``
when peering or during a sync, or as an operator confirms it by hand after an out-of-band check. Older
versions also pinned keys from descriptors that peers relayed; such a pin gives way to the origin's own
descriptor. When a pin changes, the items that verified with the old key are removed and every peer's
feed is read again from the start, so that the genuine items return through the usual checks.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from federation.blocks import actor_name, origin_remove_held, peers_rewind
from federation.codecs import from_document
from federation.models import HeldDocument, KeyPin
from hub.models import ChangeLogEntry, Node
from hub.multikey import MultikeyError, decode_public_key
from hub.services.changelog import changelog_lock

Source = KeyPin.Source


class PinConflict(Exception):
    """A key fetched from an origin differs from a key pinned from that origin or by an operator."""


class PinRefused(ValueError):
    """An operator's pin that cannot be made; the message says why."""


@dataclass(frozen=True)
class PinChange:
    """What pinning did: the node, and whether it replaced another key and removed what that key let in."""

    node: Node
    replaced: bool = False
    removed: int = 0
    previous_key: str = ""


def fingerprint(key_text: str) -> str:
    """A short fingerprint of a Multikey for comparing by voice or mail: SHA256 of the raw key, base64."""
    try:
        raw = decode_public_key(key_text).public_bytes_raw()
    except MultikeyError:
        return "(unreadable key)"
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def pin_record(*, node: Node, source: str, note: str = "", by: str = "") -> KeyPin:
    """Record how the key now held for ``node`` was pinned; what waited for the key is due at once."""
    pin, _ = KeyPin.objects.update_or_create(
        node=node, defaults={"source": source, "note": note[:300], "pinned_by": by[:200], "pinned_at": timezone.now(),
                             "attempts": 0, "next_check_at": None},
    )
    HeldDocument.objects.filter(origin=node.iri).update(next_attempt_at=timezone.now())
    return pin


def trusted_pins(iris: set[str]) -> dict[str, Node]:
    """The nodes among ``iris`` whose key came from the origin itself or an operator, by IRI."""
    nodes = Node.objects.filter(iri__in=iris, is_local=False).select_related("pin")
    return {node.iri: node for node in nodes if _trusted(node)}


def _trusted(node: Node) -> bool:
    # Every pin made since pins are recorded has a record, and the migration gave the older ones theirs.
    return not _has_pin(node) or node.pin.trusted


def _has_pin(node: Node) -> bool:
    try:
        node.pin  # noqa: B018 (the related row, or the exception saying there is none)
    except KeyPin.DoesNotExist:
        return False
    return True


@transaction.atomic
def origin_pin(*, descriptor: dict[str, Any], source: str) -> PinChange:
    """Pin the key of a checked descriptor fetched from its origin itself.

    On first sight the key is pinned; the same key is confirmed; a different key replaces a key learnt
    from a relay (its items are removed); a different key for a key pinned from the origin itself or
    by an operator raises PinConflict and changes nothing.
    """
    decoded = from_document(descriptor)
    key = decoded.fields["public_key_multibase"]
    changelog_lock()
    node = Node.objects.filter(iri=decoded.iri).first()
    change = PinChange(node=node) if node is not None else None
    if node is None:
        node = Node(iri=decoded.iri, public_key_multibase=key)
    elif node.public_key_multibase != key:
        if _trusted(node):
            raise PinConflict(
                f"{decoded.iri} shows the key {key[:16]}…, but the key pinned for it on "
                f"{node.pinned_at:%Y-%m-%d} came from that node itself or an operator; the pinned key is kept"
            )
        change = _key_replace(node, key)
    node.name, node.city, node.version = decoded.fields["name"], decoded.fields["city"], decoded.version
    node.save()
    pin_record(node=node, source=source)
    return change or PinChange(node=node)


@transaction.atomic
def origin_repin(*, origin: str, key: str, note: str = "", actor=None, by: str = "") -> PinChange:
    """Pin ``key`` for ``origin`` as an operator (``actor``, or ``by`` on the command line) confirmed it
    out of band, replacing any other key."""
    origin = origin_iri(origin)
    key = key.strip()
    raise_if_not_a_key(key)
    changelog_lock()
    node = Node.objects.filter(iri=origin).first()
    if node is not None and node.is_local:
        raise PinRefused(f"{origin} is this node itself; its key is the key file's (manage.py init_node).")
    if node is None:
        node = Node.objects.create(iri=origin, name=urlsplit(origin).netloc, city="", public_key_multibase=key)
        change = PinChange(node=node)
    elif node.public_key_multibase != key:
        change = _key_replace(node, key)
        node.save()
    else:
        change = PinChange(node=node)
    pin_record(node=node, source=Source.OPERATOR, note=note, by=actor_name(actor, by))
    return change


def origin_iri(text: str) -> str:
    """A node IRI from what an operator typed: an http(s) site root, ending in one slash."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query or parts.fragment:
        raise PinRefused(f"{text!r} is not a node's address: give its site root, such as https://hub.example.de/.")
    return f"{parts.scheme}://{parts.netloc}/"


def raise_if_not_a_key(key: str) -> None:
    """Refuse text that is not an Ed25519 Multikey (z6Mk…)."""
    try:
        decode_public_key(key)
    except MultikeyError as error:
        raise PinRefused(f"{key[:60]!r} is not an Ed25519 Multikey (z6Mk…): {error}") from None
    if not key.startswith("z6Mk"):
        raise PinRefused(f"{key[:60]!r} is not an Ed25519 Multikey (z6Mk…).")


def _key_replace(node: Node, key: str) -> PinChange:
    """Put ``key`` in place of the node's key; remove what the old key let in; read every feed again."""
    previous = node.public_key_multibase
    counts = origin_remove_held(node.iri)
    node.public_key_multibase, node.pinned_at = key, timezone.now()
    peers_rewind()  # the genuine items may lie behind any peer's cursor
    removed = sum(count for kind, count in counts.items() if kind != ChangeLogEntry.ItemType.NODE)
    return PinChange(node=node, replaced=True, removed=removed, previous_key=previous)


@dataclass(frozen=True)
class PinnedKey:
    """One line of ``manage.py peer keys``."""

    iri: str
    name: str
    city: str
    key: str
    fingerprint: str
    source: str
    pinned_at: datetime
    pinned_by: str
    note: str
    is_local: bool


@dataclass(frozen=True)
class WaitingOrigin:
    """An origin not pinned yet whose relayed documents are held."""

    iri: str
    held: int
    since: datetime
    attempts: int
    next_attempt_at: datetime
    reason: str


def pins_listing() -> list[PinnedKey]:
    """This node's key, then every pinned key with how it was pinned."""
    rows = []
    for node in Node.objects.select_related("pin").order_by("-is_local", "iri"):
        pin = node.pin if _has_pin(node) else None
        source = "local" if node.is_local else (pin.source if pin else "")
        rows.append(PinnedKey(
            iri=node.iri, name=node.name, city=node.city, key=node.public_key_multibase,
            fingerprint=fingerprint(node.public_key_multibase), source=source,
            pinned_at=pin.pinned_at if pin else node.pinned_at, pinned_by=pin.pinned_by if pin else "",
            note=pin.note if pin else "", is_local=node.is_local,
        ))
    return rows


def origin_items(iri: str) -> int:
    """How many items and tombstones of a node this node holds (what a new key for it would remove)."""
    return ChangeLogEntry.objects.filter(origin__iri=iri).exclude(iri=iri).count()


def origins_waiting() -> list[WaitingOrigin]:
    """The origins whose relayed documents are held until their own descriptor is fetched."""
    pinned = set(trusted_pins(set(HeldDocument.objects.values_list("origin", flat=True).distinct())))
    groups = (HeldDocument.objects.exclude(origin__in=pinned).values("origin")
              .annotate(held=Count("id"), since=Min("received_at"), attempts=Max("attempts"),
                        next_at=Min("next_attempt_at"), reason=Max("reason")).order_by("origin"))
    return [WaitingOrigin(iri=g["origin"], held=g["held"], since=g["since"], attempts=g["attempts"],
                          next_attempt_at=g["next_at"], reason=g["reason"]) for g in groups]
