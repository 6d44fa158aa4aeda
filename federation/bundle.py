"""A node's own signed documents as one bundle file: its backup, and the way to move it (docs/import.md).

The bundle is an ActivityStreams ``OrderedCollection`` signed (eddsa-jcs-2022) by the node's key: its
``node`` is the node's signed descriptor, its ``orderedItems`` the stored signed documents of the
node's own labs, method cards, events, published ideas, experience reports and tombstones in change-log order,
unchanged, and ``slugs``
the method cards' short names, which their documents do not carry. Importing it
verifies every proof against the descriptor's key and recreates the items with their versions and
dates exactly as the documents say, storing each document's text as it was signed, in one
transaction. IRIs cannot change, so a bundle only ever goes back to a node with the same base URL:
the same node after a reset, or the same ``HUB_BASE_URL`` on new hardware with the key file restored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from experience.services import method_experience_recount
from federation.codecs import DocumentError, from_document
from federation.codecs.common import DATA_INTEGRITY
from federation.documents import signed
from federation.feed import AS_CONTEXT
from federation.key_history import keys_record
from federation.keyring import Keyring, descriptor_chain, keyring_described, proof_created
from federation.models import NodeKey
from federation.nudges import peers_nudge_soon
from federation.proofs import ProofError, verify
from federation.sync.apply import (
    ITEM_MODELS,
    UUID_NAMED,
    Received,
    experience_touched,
    items_store,
    received_change,
)
from federation.sync.limits import raise_if_too_deep, raise_if_too_large
from hub import identity
from hub.choices import Visibility
from hub.models import ChangeLogEntry, ChangeLogSequence, Node
from hub.selectors import changelog_head, local_node
from hub.services.changelog import Change, changelog_lock, changelog_record_many
from hub.services.descriptor import node_descriptor_publish
from methods.models import MethodCard

BUNDLE_CONTEXT = [AS_CONTEXT, DATA_INTEGRITY]
BUNDLE_TYPE = "OrderedCollection"
BUNDLE_KEYS = {
    "@context", "type", "attributedTo", "published", "lastPosition", "totalItems", "node", "orderedItems", "slugs",
    "proof",
}
MAX_SLUG = 120
ITEM_TYPES = (*ITEM_MODELS, "Tombstone")


class BundleError(Exception):
    """A bundle that this node refuses to import, and why."""


@dataclass(frozen=True)
class BundleExport:
    """A written bundle and what it holds."""

    data: bytes
    counts: Counter
    drafts: int
    mirrored: int


@dataclass(frozen=True)
class BundleImport:
    """What an import recreated."""

    node: Node
    node_created: bool
    counts: Counter


@dataclass(frozen=True)
class _Bundle:
    """A bundle read and verified, ready to store."""

    descriptor: Received
    items: list[Received]
    last_position: int


def bundle_export() -> BundleExport:
    """This node's descriptor and the documents of its own items, in change-log order, signed as one bundle."""
    node = local_node()
    entries = _own_entries(node)
    envelope = _envelope_make(node, [document for _, document in entries])
    return BundleExport(
        data=signed(envelope, signer=node).encode(),
        counts=Counter(kind for kind, _ in entries),
        drafts=_drafts(node),
        mirrored=sum(model.objects.exclude(origin=node).count() for model in ITEM_MODELS.values()),
    )


def bundle_import(*, data: bytes) -> BundleImport:
    """Verify a bundle of this node and recreate its own items from it, all in one transaction."""
    bundle = _bundle_read(_envelope(data))
    with transaction.atomic():
        changelog_lock()
        node = Node.objects.filter(is_local=True).first()
        _raise_if_not_this_node(bundle.descriptor, node)
        _raise_if_content_held(bundle, node)
        # A node that signed a newer descriptor since the export keeps it and signs the next one.
        keeps_descriptor = node is not None and node.version > bundle.descriptor.decoded.version
        stored = node if keeps_descriptor else _node_store(bundle.descriptor, node)
        _items_and_changes_store(bundle, stored, record_descriptor=not keeps_descriptor)
        transaction.on_commit(peers_nudge_soon)
    counts = Counter(item.decoded.type for item in bundle.items)
    return BundleImport(node=Node.objects.get(pk=stored.pk), node_created=node is None, counts=counts)


def _own_entries(node: Node) -> list[tuple[str, str]]:
    """The type (Tombstone for a deleted item) and stored document of each own item, in change-log order."""
    entries = ChangeLogEntry.objects.filter(origin=node).exclude(iri=node.iri).exclude(document="")
    rows = entries.order_by("position").values_list("item_type", "deleted", "document")
    return [("Tombstone" if deleted else item_type, document) for item_type, deleted, document in rows]


def _envelope_make(node: Node, documents: list[str]) -> dict[str, Any]:
    """The unsigned bundle: the descriptor, the documents as stored, the method slugs, the last position."""
    slugs = MethodCard.objects.filter(origin=node).exclude(visibility=Visibility.DRAFT).values_list("iri", "slug")
    return {
        "@context": list(BUNDLE_CONTEXT),
        "type": BUNDLE_TYPE,
        "attributedTo": node.iri,
        "published": datetime.now(UTC).isoformat(),
        "lastPosition": changelog_head(),
        "totalItems": len(documents),
        "node": orjson.loads(_descriptor_text(node)),
        "orderedItems": [orjson.loads(document) for document in documents],
        "slugs": dict(slugs),
    }


def _descriptor_text(node: Node) -> str:
    """This node's signed descriptor as stored."""
    text = ChangeLogEntry.objects.filter(iri=node.iri).values_list("document", flat=True).first()
    if not text:
        raise BundleError("This node has not signed its descriptor yet; there is nothing to export.")
    return text


def _drafts(node: Node) -> int:
    """How many drafts a node holds: they are never signed, so no bundle holds them."""
    return sum(model.objects.filter(origin=node, visibility=Visibility.DRAFT).count() for model in ITEM_MODELS.values())


def _envelope(data: bytes) -> dict[str, Any]:
    """The bundle's JSON with the expected context, type and properties."""
    try:
        envelope = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BundleError(f"The file is not JSON: {error}") from None
    kind = (envelope.get("type"), envelope.get("@context")) if isinstance(envelope, dict) else None
    if kind != (BUNDLE_TYPE, BUNDLE_CONTEXT):
        raise BundleError("The file is not a Stadtlabor Hub bundle (an OrderedCollection from `manage.py export`).")
    unknown = set(envelope) - BUNDLE_KEYS
    if unknown or not isinstance(envelope.get("orderedItems"), list) or not isinstance(envelope.get("node"), dict):
        raise BundleError(f"The bundle's shape is wrong (unknown: {', '.join(sorted(unknown)) or 'none'}).")
    if envelope.get("totalItems") != len(envelope["orderedItems"]):
        raise BundleError("The bundle's totalItems does not match the number of its items.")
    return envelope


def _bundle_read(envelope: dict[str, Any]) -> _Bundle:
    """Decode the descriptor and the items and verify every proof against the descriptor's key."""
    descriptor = _received(envelope["node"], "the node descriptor")
    if descriptor.decoded.type != "Node" or envelope.get("attributedTo") != descriptor.iri:
        raise BundleError("The bundle's node is not the descriptor of the node it is attributed to.")
    try:
        descriptor_chain(descriptor.document, descriptor.decoded)
    except DocumentError as error:
        raise BundleError(f"The proof of the node descriptor does not verify: {error}") from None
    ring = keyring_described(descriptor.iri, descriptor.decoded.related["keys"])
    _raise_if_unverified(envelope, ring, "the bundle")
    items = [
        _item(document, number, descriptor.iri, ring)
        for number, document in enumerate(envelope["orderedItems"], start=1)
    ]
    _raise_if_listed_twice(items)
    _slugs_apply(items, envelope.get("slugs", {}))
    last_position = envelope.get("lastPosition", 0)
    if not isinstance(last_position, int) or isinstance(last_position, bool) or last_position < 0:
        raise BundleError("The bundle's lastPosition must be a whole number.")
    return _Bundle(descriptor=descriptor, items=items, last_position=last_position)


def _received(document: Any, what: str) -> Received:
    """A document of the bundle checked for size, depth and shape, with its compact JSON text."""
    try:
        text = raise_if_too_large(document)
        raise_if_too_deep(document)
        decoded = from_document(document)
    except DocumentError as error:
        raise BundleError(f"{what} is not a valid document: {error}") from None
    return Received(document=document, text=text.decode(), decoded=decoded)


def _raise_if_unverified(document: dict[str, Any], ring: Keyring, what: str) -> None:
    """Refuse a document whose proof was not made with a key of the bundle's node that admits it."""
    try:
        verify(document, ring.lookup(proof_created(document)))
    except ProofError as error:
        raise BundleError(f"The proof of {what} does not verify: {error}") from None


def _item(document: Any, number: int, node_iri: str, ring: Keyring) -> Received:
    """One item of the bundle: its shape, that it is the node's own, and its proof."""
    label = f"item {number} ({document.get('id') if isinstance(document, dict) else '?'})"
    item = _received(document, label)
    if item.decoded.type not in ITEM_TYPES:
        raise BundleError(f"{label} is a {item.decoded.type}; a bundle holds labs, method cards, events, ideas, "
                          "experience reports and tombstones")
    if item.decoded.type == "Tombstone":
        item.decoded.origin_iri = node_iri if item.iri.startswith(node_iri) else ""
    if item.decoded.origin_iri != node_iri:
        raise BundleError(f"{label} does not belong to the bundle's node {node_iri}")
    _raise_if_unverified(document, ring, label)
    return item


def _raise_if_listed_twice(items: list[Received]) -> None:
    """Refuse a bundle that names an item twice (each IRI has one current document)."""
    seen = Counter(item.iri for item in items)
    twice = [iri for iri, count in seen.items() if count > 1]
    if twice:
        raise BundleError(f"The bundle lists {twice[0]} more than once.")


def _slugs_apply(items: list[Received], slugs: Any) -> None:
    """Give method cards their short names back: a document names a method by its uuid only."""
    if not isinstance(slugs, dict):
        raise BundleError("The bundle's slugs must map method IRIs to short names.")
    for item in items:
        slug = slugs.get(item.iri)
        if item.decoded.type != "MethodCard" or slug is None:
            continue
        if not isinstance(slug, str) or slugify(slug) != slug or not 0 < len(slug) <= MAX_SLUG:
            raise BundleError(f"The short name {slug!r} of {item.iri} is not a valid slug.")
        item.decoded.fields["slug"] = slug
    taken = Counter(item.decoded.fields["slug"] for item in items if item.decoded.type == "MethodCard")
    if any(count > 1 for count in taken.values()):
        raise BundleError("Two method cards of the bundle have the same short name.")


def _raise_if_not_this_node(descriptor: Received, node: Node | None) -> None:
    """Refuse a bundle of another node: another base URL, another key, or a key file that does not match."""
    if descriptor.iri != settings.HUB_BASE_URL + "/":
        raise BundleError(
            f"The bundle belongs to the node {descriptor.iri}, but this node's HUB_BASE_URL is "
            f"{settings.HUB_BASE_URL}. IRIs never change: import it where HUB_BASE_URL is the bundle's."
        )
    key_text = descriptor.decoded.fields["public_key_multibase"]
    if node is not None and node.public_key_multibase != key_text:
        raise BundleError(f"The bundle is signed with the key {key_text[:16]}…, but this node's key is another one.")
    try:
        file_key = identity.public_key_multibase(identity.key_load())
    except identity.KeyFileError as error:
        raise BundleError(f"{error} The private key is never part of a bundle.") from None
    if file_key != key_text:
        raise BundleError(f"The key file {identity.key_path()} is not the key the bundle's node signs with.")


def _raise_if_content_held(bundle: _Bundle, node: Node | None) -> None:
    """Refuse to import over items: the node must hold none of its own, and no other item may share an id."""
    if node is None and Node.objects.filter(iri=bundle.descriptor.iri).exists():
        raise BundleError(f"This database knows {bundle.descriptor.iri} as another node; import into a fresh one.")
    held = _own_content(node) if node is not None else 0
    if held:
        raise BundleError(
            f"This node already holds {held} items or tombstones of its own. A bundle is imported into a node "
            "without content of its own: a fresh database (migrate, then import, without init_node)."
        )
    _raise_if_uuid_taken(bundle.items)


def _own_content(node: Node) -> int:
    """How many items and tombstones of its own a node holds (drafts included)."""
    return _drafts(node) + ChangeLogEntry.objects.filter(origin=node).exclude(iri=node.iri).count()


def _raise_if_uuid_taken(items: list[Received]) -> None:
    """Refuse a bundle whose event, method, idea or report uuid a mirrored item already has (uuids name pages)."""
    for type_name in UUID_NAMED:
        uuids = [item.decoded.fields["uuid"] for item in items if item.decoded.type == type_name]
        taken = ITEM_MODELS[type_name].objects.filter(uuid__in=uuids).values_list("iri", flat=True).first()
        if taken:
            raise BundleError(f"The mirrored item {taken} has the uuid of one of the bundle's items.")


def _node_store(descriptor: Received, node: Node | None) -> Node:
    """This node's record as the descriptor describes it, created on a fresh database."""
    fields = descriptor.decoded.fields
    if node is None:
        node = Node(iri=descriptor.iri, public_key_multibase=fields["public_key_multibase"], key_id=fields["key_id"],
                    is_local=True)
    node.name, node.city, node.date_modified = fields["name"], fields["city"], fields["date_modified"]
    node.version = descriptor.decoded.version
    node.save()
    keys_record(node=node, decoded=descriptor.decoded, source=NodeKey.Source.LOCAL)
    return node


def _items_and_changes_store(bundle: _Bundle, node: Node, *, record_descriptor: bool) -> None:
    """Write the rows and the change log; positions end after the exported last one, so peers' cursors stay valid."""
    origin_ids = {node.iri: node.pk}
    counted = experience_touched(bundle.items)
    for type_name, model in ITEM_MODELS.items():
        items_store(model, [item for item in bundle.items if item.decoded.type == type_name], origin_ids)
    method_experience_recount(method_iris=counted)
    _positions_reserve(bundle.last_position, len(bundle.items) + 1)
    changes = [received_change(item, origin_ids) for item in bundle.items]
    if record_descriptor:
        changes.append(
            Change(iri=node.iri, item_type="Node", origin_id=node.pk, version=node.version,
                   visibility=Visibility.PUBLIC, document=bundle.descriptor.text)
        )
    changelog_record_many(changes)
    if not record_descriptor:
        node_descriptor_publish()


def _positions_reserve(last_position: int, count: int) -> None:
    """Move the sequence so that the next ``count`` positions end after ``last_position``.

    Every item then gets a position at least as high as the one it had on export, so a peer whose
    cursor lies anywhere in the old log still reads each change it had not seen.
    """
    sequence, _ = ChangeLogSequence.objects.select_for_update().get_or_create(pk=1)
    floor = last_position + 1 - count
    if sequence.last_position < floor:
        sequence.last_position = floor
        sequence.save(update_fields=["last_position"])
