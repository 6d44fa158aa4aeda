"""Applying one page of a peer's feed: the mirroring rules of the protocol, section 6, in order.

Every document passes, before anything is written: the size and depth limits, the exact context and
shape (the codecs), the version rule against what this node holds (cheap, so unchanged documents cost
no signature check), and the proof against the pinned key of the node whose IRI prefixes its id. What
survives is written in one transaction together with the peer's new cursor; every refusal is
reported with its reason and never stops the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.db.models import F

from events.models import Event
from federation.blocks import origin_policy
from federation.codecs import Decoded, DocumentError, from_document, key_id
from federation.models import Peer
from federation.nudges import peers_nudge_soon
from federation.proofs import ProofError, verify
from federation.sync.limits import raise_if_too_deep, raise_if_too_large
from federation.sync.rows import as_uuid, rows_insert, select_in
from hub.models import ChangeLogEntry, Lab, Node
from hub.multikey import MultikeyError, decode_public_key
from hub.services.changelog import Change, changelog_lock, changelog_record_bulk
from methods.models import MethodCard, MethodStep

ITEM_MODELS = {"Lab": Lab, "Event": Event, "MethodCard": MethodCard}
DescriptorFetch = Callable[[str], Any]


@dataclass
class Received:
    """A document that passed the shape checks, with its compact JSON text as it will be stored."""

    document: dict[str, Any]
    text: str
    decoded: Decoded

    @property
    def iri(self) -> str:
        return self.decoded.iri

    @property
    def is_tombstone(self) -> bool:
        return self.decoded.type == "Tombstone"


@dataclass
class PageResult:
    """What applying a page did."""

    applied: int = 0
    skipped: int = 0
    rejections: list[dict[str, str]] = field(default_factory=list)

    def reject(self, iri: object, reason: str) -> None:
        """Count a refused document with the reason, both cut short: a refusal never stores the document."""
        shown = iri if isinstance(iri, str) else repr(iri)
        self.rejections.append({"id": _short(shown, 300), "reason": _short(reason, 500)})


def _short(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters, NUL shown as \\0 (PostgreSQL's JSON cannot hold it)."""
    text = text.replace("\x00", "\\0")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def origin_of(iri: str) -> str:
    """The node IRI that prefixes an item's id: ``scheme://host[:port]/``."""
    parts = urlsplit(iri)
    return f"{parts.scheme}://{parts.netloc}/"


def feed_apply_page(
    *, peer: Peer, documents: list[Any], cursor: str, fetch_descriptor: DescriptorFetch | None = None
) -> PageResult:
    """Apply the documents of one feed page from ``peer`` and move its cursor, atomically."""
    result = PageResult()
    received = _newest_per_iri(_without_blocked(_decoded(documents, result), result))
    received = _unheld(received)
    result.skipped = len(documents) - len(result.rejections) - len(received)
    keys = _Keys.for_page(received, result, fetch_descriptor)
    received += keys.fetched
    verified = _without_uuid_clashes([item for item in received if keys.verify(item, result)], result)
    with transaction.atomic():
        changelog_lock()
        unheld = _unheld(verified)
        fresh = _without_blocked(unheld, result)  # again under the lock: a block made meanwhile wins
        _store(keys.to_pin(fresh), fresh)
        Peer.objects.filter(pk=peer.pk).update(cursor=cursor, items_applied=F("items_applied") + len(fresh))
        if fresh:
            transaction.on_commit(peers_nudge_soon)
    result.applied = len(fresh)
    result.skipped += len(verified) - len(unheld)
    return result


def _decoded(documents: Iterable[Any], result: PageResult) -> list[Received]:
    """Documents that pass the limits and the shape checks; the rest are rejected with the reason."""
    accepted = []
    for document in documents:
        try:
            text = raise_if_too_large(document)
            raise_if_too_deep(document)
            decoded = from_document(document)
            _raise_if_foreign_origin(decoded)
        except DocumentError as error:
            result.reject(document.get("id") if isinstance(document, dict) else document, str(error))
            continue
        accepted.append(Received(document=document, text=text.decode(), decoded=decoded))
    return accepted


def _raise_if_foreign_origin(decoded: Decoded) -> None:
    root = origin_of(decoded.iri)
    if decoded.type == "Node" and decoded.iri == settings.HUB_BASE_URL + "/":
        own_key = Node.objects.filter(is_local=True).values_list("public_key_multibase", flat=True).first()
        if decoded.fields["public_key_multibase"] != own_key:
            raise DocumentError("a descriptor claims to be this node with another key")
    if decoded.type == "Tombstone":
        decoded.origin_iri = root
    elif decoded.origin_iri != root:
        raise DocumentError(f"origin {decoded.origin_iri} is not the node {root} whose IRI prefixes the id")


def _without_blocked(received: list[Received], result: PageResult) -> list[Received]:
    """Refuse the documents of origins this node blocks or, in allow-list mode, does not allow (§8)."""
    policy = origin_policy()
    kept = []
    for item in received:
        refusal = policy.refusal(item.decoded.origin_iri)
        if refusal:
            result.reject(item.iri, refusal)
            continue
        kept.append(item)
    return kept


def _newest_per_iri(received: list[Received]) -> list[Received]:
    newest: dict[str, Received] = {}
    for item in received:
        held = newest.get(item.iri)
        if held is None or item.decoded.version > held.decoded.version:
            newest[item.iri] = item
    return list(newest.values())


def _unheld(received: list[Received]) -> list[Received]:
    """Documents newer than what this node holds; a tombstone is never undone by an item."""
    entries = select_in(ChangeLogEntry, ("iri", "version", "deleted"), "iri", [item.iri for item in received])
    held = {iri: (version, bool(deleted)) for iri, version, deleted in entries}
    own = settings.HUB_BASE_URL + "/"
    fresh = []
    for item in received:
        version, deleted = held.get(item.iri, (0, False))
        if item.decoded.origin_iri == own or item.decoded.version <= version or (deleted and not item.is_tombstone):
            continue
        fresh.append(item)
    return fresh


def _without_uuid_clashes(received: list[Received], result: PageResult) -> list[Received]:
    """Refuse an event or method whose uuid another item already has (uuids name local pages)."""
    kept, seen = [], {}
    for type_name in ("Event", "MethodCard"):
        items = [item for item in received if item.decoded.type == type_name]
        uuids = {item.decoded.fields["uuid"]: item.iri for item in items}
        taken = {as_uuid(value): iri for value, iri in select_in(ITEM_MODELS[type_name], ("uuid", "iri"), "uuid", uuids)}
        for item in items:
            uid = item.decoded.fields["uuid"]
            owner = taken.get(uid) or seen.setdefault(uid, item.iri)
            if owner != item.iri:
                result.reject(item.iri, f"its uuid is already used by {owner}")
                continue
            kept.append(item)
    return kept + [item for item in received if item.decoded.type not in ("Event", "MethodCard")]


class _Keys:
    """The pinned keys a page's proofs are checked against, and the descriptors it pins."""

    def __init__(self, pinned: dict[str, Node]) -> None:
        self.pinned = pinned
        self.new: dict[str, Received] = {}
        self.fetched: list[Received] = []
        self.decoded: dict[str, Ed25519PublicKey] = {}

    @classmethod
    def for_page(cls, received: list[Received], result: PageResult, fetch: DescriptorFetch | None) -> _Keys:
        """Load the pinned keys of the page's origins; learn unknown ones from descriptors."""
        origins = {item.decoded.origin_iri for item in received}
        keys = cls({node.iri: node for node in Node.objects.filter(iri__in=origins)})
        for item in received:
            if item.decoded.type == "Node":
                keys.learn(item, result)
        for origin in sorted(origins - set(keys.pinned) - set(keys.new)):
            keys.fetch(origin, fetch, result)
        return keys

    def learn(self, descriptor: Received, result: PageResult) -> None:
        """Check a descriptor's self-signature and remember its key, unless it conflicts with the pinned one."""
        key_text = descriptor.decoded.fields["public_key_multibase"]
        pinned = self.pinned.get(descriptor.iri)
        if pinned is not None and pinned.public_key_multibase != key_text:
            result.reject(
                descriptor.iri,
                f"its key {key_text[:16]}… conflicts with the key pinned for this node since "
                f"{pinned.pinned_at:%Y-%m-%d}; the pinned key is kept",
            )
            descriptor.decoded.fields["conflict"] = True
            return
        try:
            public = decode_public_key(key_text)
            verify(descriptor.document, lambda url: _only(url, key_id(descriptor.iri), public))
        except (ProofError, MultikeyError) as error:
            result.reject(descriptor.iri, f"descriptor not verified: {error}")
            descriptor.decoded.fields["conflict"] = True
            return
        if pinned is None:
            self.new[descriptor.iri] = descriptor

    def fetch(self, origin: str, fetch: DescriptorFetch | None, result: PageResult) -> None:
        """Ask the peer for the descriptor of an origin it relays and this node has not seen."""
        document = fetch(origin) if fetch else None
        if document is None:
            return
        try:
            raise_if_too_large(document)
            decoded = from_document(document)
        except DocumentError as error:
            result.reject(origin, f"descriptor from the peer refused: {error}")
            return
        if decoded.type != "Node" or decoded.iri != origin:
            result.reject(origin, "the peer answered with a document that is not this origin's descriptor")
            return
        descriptor = Received(document=document, text=raise_if_too_large(document).decode(), decoded=decoded)
        self.learn(descriptor, result)
        if descriptor.iri in self.new:
            self.fetched.append(descriptor)

    def key_of(self, origin: str) -> str | None:
        """The key text an origin signs with, pinned or learnt from this page."""
        if origin in self.pinned:
            return self.pinned[origin].public_key_multibase
        if origin in self.new:
            return self.new[origin].decoded.fields["public_key_multibase"]
        return None

    def verify(self, item: Received, result: PageResult) -> bool:
        """Whether the item's proof verifies against its origin's key (descriptors were checked already)."""
        if item.decoded.type == "Node":
            return not item.decoded.fields.get("conflict")
        origin = item.decoded.origin_iri
        key_text = self.key_of(origin)
        if key_text is None:
            result.reject(item.iri, f"no key is known for its origin {origin}: its descriptor has not been received")
            return False
        try:
            verify(item.document, lambda url: _only(url, key_id(origin), self.public_key(key_text)))
        except ProofError as error:
            result.reject(item.iri, f"proof not verified against the key of {origin}: {error}")
            return False
        return True

    def public_key(self, key_text: str) -> Ed25519PublicKey:
        """The key an origin signs with, decoded once a page rather than once a document."""
        if key_text not in self.decoded:
            self.decoded[key_text] = decode_public_key(key_text)
        return self.decoded[key_text]

    def to_pin(self, fresh: list[Received]) -> list[Received]:
        """The descriptors to pin: those learnt here, whether or not they are new to the change log."""
        fresh_iris = {item.iri for item in fresh}
        return [descriptor for iri, descriptor in self.new.items() if iri not in fresh_iris]


def _only(url: str, expected: str, public):
    if url != expected:
        raise LookupError(f"{url} is not the origin's key {expected}")
    return public


def _store(pins: list[Received], fresh: list[Received]) -> None:
    """Write nodes, items and tombstones, then record every change in the change log in page order."""
    nodes = _nodes_store(pins + [item for item in fresh if item.decoded.type == "Node"])
    origin_ids = {iri: node.pk for iri, node in nodes.items()}
    origin_ids |= dict(select_in(Node, ("iri", "id"), "iri", {item.decoded.origin_iri for item in fresh}))
    for type_name, model in ITEM_MODELS.items():
        items_store(model, [item for item in fresh if item.decoded.type == type_name], origin_ids)
    _tombstones_store([item for item in fresh if item.is_tombstone])
    changelog_record_bulk([received_change(item, origin_ids) for item in fresh])


def _nodes_store(descriptors: list[Received]) -> dict[str, Node]:
    if not descriptors:
        return {}
    existing = {node.iri: node for node in Node.objects.filter(iri__in=[d.iri for d in descriptors])}
    for descriptor in descriptors:
        fields = descriptor.decoded.fields
        node = existing.get(descriptor.iri) or Node(iri=descriptor.iri, public_key_multibase=fields["public_key_multibase"])
        node.name, node.city, node.date_modified = fields["name"], fields["city"], fields["date_modified"]
        node.version = max(node.version, descriptor.decoded.version) if node.pk else descriptor.decoded.version
        node.save()
        existing[node.iri] = node
    return existing


def items_store(model: type, items: list[Received], origin_ids: dict[str, int]) -> None:
    """Replace the mirrored rows of these IRIs with the received state."""
    if not items:
        return
    held = [iri for (iri,) in select_in(model, ("iri",), "iri", [item.iri for item in items])]
    if held:  # the ORM's delete, which also removes what depends on the rows (a card's steps)
        model.objects.filter(iri__in=held).delete()
    rows_insert(model, [
        {"iri": item.iri, "origin_id": origin_ids[item.decoded.origin_iri], "version": item.decoded.version,
         **item.decoded.fields}
        for item in items
    ])
    if model is MethodCard:
        ids = dict(select_in(MethodCard, ("iri", "id"), "iri", [item.iri for item in items]))
        rows_insert(MethodStep, [
            {"method_id": ids[item.iri], "position": number, "title": step["title"], "text": step["text"]}
            for item in items
            for number, step in enumerate(item.decoded.related["steps"], start=1)
        ])


def _tombstones_store(tombstones: list[Received]) -> None:
    for type_name, model in ITEM_MODELS.items():
        iris = [t.iri for t in tombstones if t.decoded.fields["former_type"] == type_name]
        if iris:
            model.objects.filter(iri__in=iris).delete()


def received_change(item: Received, origin_ids: dict[str, int]) -> Change:
    """The change-log record of a received item or tombstone (the mirror and the bundle import write them)."""
    decoded = item.decoded
    item_type = decoded.fields["former_type"] if item.is_tombstone else decoded.type
    return Change(
        iri=item.iri,
        item_type=item_type,
        origin_id=origin_ids[decoded.origin_iri],
        version=decoded.version,
        visibility=decoded.fields.get("visibility", "public"),
        deleted=item.is_tombstone,
        document=item.text,
    )
