"""Pinned keys: how this node came to trust each other node's key, and the only ways a pin changes (protocol §3).

A key is pinned from its origin only: from the descriptor fetched at ``{origin}/.well-known/stadtlabor``
when peering or during a sync, or as an operator confirms it by hand after an out-of-band check. Older
versions also pinned keys from descriptors that peers relayed; such a pin gives way to the origin's own
descriptor. When a pin changes, the items that verified with the old key are removed and every peer's
feed is read again from the start, so that the genuine items return through the usual checks.

A pinned key changes without an operator only through a rotation: a descriptor whose proof chain the
pinned key signed (``federation.keyring``). Every trusted descriptor also states the node's earlier
keys (retired, revoked); ``keys_record`` keeps that history in ``NodeKey`` rows, and what a revocation
no longer admits is removed (``held_reverify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy

from federation.blocks import actor_name, origin_remove_held, peers_rewind
from federation.codecs import Decoded, DescribedKey, DocumentError, from_document
from federation.key_history import held_reverify, key_set, keyrings_of, keys_record
from federation.keyring import descriptor_chain, fingerprint, rotation_refusal
from federation.models import HeldDocument, KeyPin, NodeKey
from hub.models import ChangeLogEntry, Node
from hub.multikey import MultikeyError, decode_public_key
from hub.roles import raise_unless_node_admin
from hub.services.changelog import changelog_lock

Source = KeyPin.Source
Status = NodeKey.Status
PINNING_KEYS = gettext_lazy("pin another node's key by hand")


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
    offered: bool = False  # the key of the descriptor the node offered: its earlier keys kept as it lists them


def pin_record(*, node: Node, source: str, note: str = "", by: str = "") -> KeyPin:
    """Record how the key now held for ``node`` was pinned; what waited for the key is due at once."""
    pin, _ = KeyPin.objects.update_or_create(
        node=node, defaults={"source": source, "note": note[:300], "pinned_by": by[:200], "pinned_at": timezone.now(),
                             "attempts": 0, "next_check_at": None, "offered_document": "", "offered_at": None},
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

    On first sight the key is pinned; the same key is confirmed; a rotation signed by the pinned key
    moves the pin to the new key; a different key replaces a key learnt from a relay (its items are
    removed); any other key for a key pinned from the origin itself or by an operator raises
    PinConflict and changes nothing.
    """
    decoded = from_document(descriptor)
    key = decoded.fields["public_key_multibase"]
    changelog_lock()
    node = Node.objects.filter(iri=decoded.iri).first()
    change = PinChange(node=node) if node is not None else None
    if node is None:
        node = Node(iri=decoded.iri, public_key_multibase=key, key_id=decoded.fields["key_id"])
    elif node.public_key_multibase != key:
        if _trusted(node):
            refusal = _rotation_refusal(descriptor, decoded, node)
            if refusal:
                raise PinConflict(refusal)
            source = Source.ROTATION
        else:
            change = _key_replace(node, key)
    node.name, node.city, node.version = decoded.fields["name"], decoded.fields["city"], decoded.version
    node.save()
    pin_record(node=node, source=source)
    keys_record(node=node, decoded=decoded, source=source)
    return change or PinChange(node=node)


def _rotation_refusal(descriptor: dict[str, Any], decoded: Decoded, node: Node) -> str | None:
    try:
        signers = descriptor_chain(descriptor, decoded)
    except DocumentError as error:
        return str(error)
    return rotation_refusal(decoded, signers, keyrings_of([node])[node.iri])


@transaction.atomic
def origin_repin(*, origin: str, key: str, actor, note: str = "", by: str = "") -> PinChange:
    """Pin ``key`` for ``origin`` as a node administrator (``actor``; ``by`` names who ran the command
    line) confirmed it out of band, replacing any other key."""
    raise_unless_node_admin(actor=actor, action=PINNING_KEYS)
    origin = origin_iri(origin)
    key = key.strip()
    raise_if_not_a_key(key)
    changelog_lock()
    node = Node.objects.filter(iri=origin).first()
    if node is not None and node.is_local:
        raise PinRefused(f"{origin} is this node itself; its key is the key file's (manage.py init_node).")
    offered = offered_descriptor(node, key) if node is not None else None
    if node is None:
        node = Node.objects.create(iri=origin, name=urlsplit(origin).netloc, city="", public_key_multibase=key)
        change = PinChange(node=node)
    elif offered is not None:
        change = _offered_pin(node, offered)
    elif node.public_key_multibase != key:
        change = _key_replace(node, key)
        node.save()
    else:
        change = PinChange(node=node)
    pin_record(node=node, source=Source.OPERATOR, note=note, by=actor_name(actor, by))
    if offered is None:
        key_set(node, key=key, key_id=node.key_id if node.public_key_multibase == key and not change.replaced else "",
                 source=NodeKey.Source.OPERATOR)
    return change


def offered_descriptor(node: Node, key: str) -> tuple[dict[str, Any], Decoded] | None:
    """The descriptor the origin offered with ``key`` as its current key, checked against the keys it lists."""
    text = KeyPin.objects.filter(node=node).values_list("offered_document", flat=True).first()
    if not text:
        return None
    try:
        document = orjson.loads(text)
        decoded = from_document(document)
        if decoded.fields["public_key_multibase"] != key:
            return None
        descriptor_chain(document, decoded)
    except (orjson.JSONDecodeError, DocumentError):
        return None
    return document, decoded


def _offered_pin(node: Node, offered: tuple[dict[str, Any], Decoded]) -> PinChange:
    """Pin the key of the descriptor the origin offered: keep what its earlier keys still admit, remove the rest."""
    previous = node.public_key_multibase
    _document, decoded = offered
    node.public_key_multibase, node.key_id = decoded.fields["public_key_multibase"], decoded.fields["key_id"]
    node.pinned_at = timezone.now()
    node.save()
    keys_record(node=node, decoded=decoded, source=NodeKey.Source.OPERATOR)
    removed = held_reverify(node)
    peers_rewind()  # what the new key signed was refused until now; it comes back through the usual checks
    return PinChange(node=node, replaced=True, removed=len(removed), previous_key=previous, offered=True)


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
    node.public_key_multibase, node.pinned_at, node.key_id = key, timezone.now(), ""
    NodeKey.objects.filter(node=node).exclude(public_key_multibase=key).update(
        status=Status.SET_ASIDE, changed_at=timezone.now())
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
    key_id: str = ""
    history: tuple[NodeKey, ...] = ()  # the node's other keys, newest first
    offered: OfferedKey | None = None


@dataclass(frozen=True)
class OfferedKey:
    """The key a pinned node's own descriptor names without a rotation signed by the pinned key."""

    key: str
    key_id: str
    fingerprint: str
    at: datetime
    revokes: DescribedKey | None  # the pinned key, if the descriptor says it was revoked


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
    """This node's key, then every pinned key with how it was pinned, the node's earlier keys and a key it offers."""
    rows = []
    nodes = list(Node.objects.select_related("pin").order_by("-is_local", "iri"))
    history: dict[int, list[NodeKey]] = {}
    for key in NodeKey.objects.filter(node__in=nodes).order_by("-since", "-pk"):
        history.setdefault(key.node_id, []).append(key)
    for node in nodes:
        pin = node.pin if _has_pin(node) else None
        source = "local" if node.is_local else (pin.source if pin else "")
        rows.append(PinnedKey(
            iri=node.iri, name=node.name, city=node.city, key=node.public_key_multibase,
            fingerprint=fingerprint(node.public_key_multibase), source=source,
            pinned_at=pin.pinned_at if pin else node.pinned_at, pinned_by=pin.pinned_by if pin else "",
            note=pin.note if pin else "", is_local=node.is_local, key_id=node.key_id,
            history=tuple(key for key in history.get(node.pk, []) if key.public_key_multibase != node.public_key_multibase),
            offered=_offered(node, pin),
        ))
    return rows


def _offered(node: Node, pin: KeyPin | None) -> OfferedKey | None:
    if pin is None or not pin.offered_document:
        return None
    try:
        decoded = from_document(orjson.loads(pin.offered_document))
    except (DocumentError, orjson.JSONDecodeError):
        return None
    new = decoded.related["keys"][0]
    revokes = next((key for key in decoded.related["keys"] if key.key == node.public_key_multibase and key.revoked), None)
    return OfferedKey(key=new.key, key_id=new.id, fingerprint=fingerprint(new.key), at=pin.offered_at, revokes=revokes)


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
