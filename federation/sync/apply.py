"""Applying one page of a peer's feed: the mirroring rules of the protocol, section 6, in order.

Every document passes, before anything is written: the size and depth limits, the exact context and
shape (the codecs, which also check that an item's lab is a lab of its origin), the version rule
against what this node holds (cheap, so unchanged documents cost no signature check), and the proof
against the key pinned from the origin itself (``federation.sync.keys``). Documents of an origin
whose key is not pinned yet are held until it is. Every copy of an item is verified before the
newest verified one is chosen, so a bad copy never hides a good one. What survives is written in one
transaction together with the peer's new cursor; every refusal is reported with its reason and never
stops the rest of the page. Documents of a type this node does not understand pass the same checks
as far as they can without their type (``federation.codecs.unknown``) and are then kept, unapplied,
instead of written (``federation.sync.waiting``, protocol section 8).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from events.models import ClosingReport, Event
from experience.models import ExperienceReport
from experience.services import method_experience_recount
from federation.blocks import origin_policy, peers_rewind
from federation.codecs import Decoded, DocumentError, UnknownTerms, received_from_document
from federation.key_history import held_reverify, keys_record
from federation.models import KeyPin, NodeKey, Peer
from federation.nudges import peers_nudge_soon
from federation.pins import pin_record
from federation.sync.keys import DescriptorFetch, PageKeys
from federation.sync.limits import raise_if_too_deep, raise_if_too_large
from federation.sync.received import PageResult, Received
from federation.sync.rows import as_uuid, rows_insert, select_in
from federation.sync.waiting import (
    copies_record,
    held_store,
    skipped_keep,
    skipped_versions,
    unkept_record,
)
from hub.models import ChangeLogEntry, Lab, Node
from hub.services.changelog import Change, changelog_lock, changelog_record_bulk
from ideas.models import Idea
from methods.models import MethodCard, MethodStep

ITEM_MODELS = {"Lab": Lab, "Event": Event, "MethodCard": MethodCard, "Idea": Idea, "ExperienceReport": ExperienceReport}
LABBED = ("Event", "MethodCard", "Idea", "ExperienceReport")
UUID_NAMED = ("Event", "MethodCard", "Idea", "ExperienceReport")  # types whose uuid names their page on every node

__all__ = ["ITEM_MODELS", "DescriptorFetch", "PageResult", "Received", "documents_apply", "feed_apply_page",
           "items_store", "origin_of", "received_change"]


def origin_of(iri: str) -> str:
    """The node IRI that prefixes an item's id: ``scheme://host[:port]/``."""
    parts = urlsplit(iri)
    return f"{parts.scheme}://{parts.netloc}/"


def feed_apply_page(
    *, peer: Peer, documents: list[Any], cursor: str, fetch_descriptor: DescriptorFetch | None = None
) -> PageResult:
    """Apply the documents of one feed page from ``peer`` and move its cursor, atomically.

    ``fetch_descriptor(origin)`` asks an origin for its own descriptor (raising OriginUnreachable);
    without it, documents of origins whose key is not pinned are held.
    """
    return documents_apply(documents=documents, peer=peer, cursor=cursor, fetch_descriptor=fetch_descriptor)


def documents_apply(
    *, documents: list[Any], peer: Peer | None = None, cursor: str | None = None,
    fetch_descriptor: DescriptorFetch | None = None, ask_again: bool = True, source: str | None = None,
) -> PageResult:
    """Check, hold or apply received documents in one transaction (with ``peer``'s new cursor, if given).

    ``ask_again`` records refused copies so that their origin is asked for the item later; documents
    that came from their origin itself are not asked for again. ``source`` is the node that served
    the documents (by default the peer's).
    """
    result = PageResult()
    received = _without_blocked(_decoded(documents, result), result)
    candidates = _newer_than_stored(received)
    result.skipped = len(received) - len(candidates)
    source = source or (peer.node.iri if peer is not None else None)
    keys = PageKeys.for_page(candidates, result, fetch_descriptor, source)
    waiting = [item for item in candidates if keys.waits(item)]
    ready = keys.fetched + [item for item in candidates if keys.ready(item)]
    chosen = _without_uuid_clashes(_without_foreign_labs(_newest_verified(ready, keys, result), keys, result), result)
    with transaction.atomic():
        changelog_lock()
        unheld = _newer_than_stored(chosen)
        fresh = _without_blocked(unheld, result)  # again under the lock: a block made meanwhile wins
        kept = [item for item in fresh if not item.understood]
        fresh = [item for item in fresh if item.understood]
        _store(keys.to_pin(fresh), fresh)
        for origin in keys.new:
            pin_record(node=Node.objects.get(iri=origin), source=KeyPin.Source.FETCHED)
        _keys_store(keys, [item for item in keys.to_pin(fresh) + fresh if item.decoded.type == "Node"], result)
        result.held = held_store(peer=peer, documents=waiting, waits=keys.waiting, result=result)
        skipped_keep(peer=peer, documents=kept, result=result)
        unkept_record(result.unkept)
        if ask_again:
            copies_record(peer=peer, copies=result.copies)
        if peer is not None and cursor is not None:
            Peer.objects.filter(pk=peer.pk).update(cursor=cursor, items_applied=F("items_applied") + len(fresh))
        if fresh:
            transaction.on_commit(peers_nudge_soon)
    result.applied = len(fresh)
    result.skipped += sum(1 for item in chosen if not item.fetched) - sum(1 for item in unheld if not item.fetched)
    return result


def _keys_store(keys: PageKeys, descriptors: list[Received], result: PageResult) -> None:
    """Record the keys the stored descriptors list, the rotations among them, and what a revocation removes;
    remember the descriptors the origins offered with a key this node did not accept."""
    for descriptor in descriptors:
        node = Node.objects.get(iri=descriptor.iri)
        if descriptor.iri in keys.rotated:
            Node.objects.filter(pk=node.pk).update(pinned_at=timezone.now())
            pin_record(node=node, source=KeyPin.Source.ROTATION)
        recorded = keys_record(node=node, decoded=descriptor.decoded,
                               source=KeyPin.Source.ROTATION if descriptor.iri in keys.rotated else KeyPin.Source.FETCHED)
        removed = held_reverify(node) if recorded.narrowed else []
        if removed:
            result.removals.append({"origin": node.iri, "count": len(removed), "reason": (
                "its descriptor revokes a key (or drops the one pinned); what that key signed from the revocation "
                "on was removed, and every peer's feed is read again from the start")})
        if removed or recorded.widened:
            peers_rewind()
    now = timezone.now()
    for origin, descriptor in keys.offered.items():
        KeyPin.objects.filter(node__iri=origin).update(offered_document=descriptor.text, offered_at=now)
    if keys.to_check:
        KeyPin.objects.filter(node__iri__in=keys.to_check, next_check_at__isnull=True).update(next_check_at=now)


def _decoded(documents: Iterable[Any], result: PageResult) -> list[Received]:
    """Documents that pass the limits and the shape checks; the rest are rejected with the reason."""
    accepted = []
    for document in documents:
        try:
            text = raise_if_too_large(document)
            raise_if_too_deep(document)
            decoded = received_from_document(document)
            _raise_if_foreign_origin(decoded)
        except UnknownTerms as error:  # not kept (a term may carry what must not travel), read again after an upgrade
            result.reject(document.get("id"), f"{error} (a newer vocabulary may define them: every peer's feed is "
                                              "read again once this node knows more terms)")
            result.unkept += [f"term {term}" for term in error.terms]
            continue
        except DocumentError as error:
            result.reject(document.get("id") if isinstance(document, dict) else document, str(error))
            continue
        accepted.append(Received(document=document, text=text.decode(), decoded=decoded))
    return accepted


def _raise_if_foreign_origin(decoded: Decoded) -> None:
    root = origin_of(decoded.iri)
    if decoded.type == "Node" and decoded.iri == settings.HUB_BASE_URL + "/":
        own_keys = set(NodeKey.objects.filter(node__is_local=True).values_list("public_key_multibase", flat=True))
        own_keys |= set(Node.objects.filter(is_local=True).values_list("public_key_multibase", flat=True))
        if decoded.fields["public_key_multibase"] not in own_keys:
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


def _newer_than_stored(received: list[Received]) -> list[Received]:
    """Documents newer than what this node holds or keeps; a tombstone is never undone by an item."""
    entries = select_in(ChangeLogEntry, ("iri", "version", "deleted"), "iri", {item.iri for item in received})
    stored = {iri: (version, bool(deleted)) for iri, version, deleted in entries}
    for iri, (version, deleted) in skipped_versions([item.iri for item in received if not item.understood]).items():
        held, gone = stored.get(iri, (0, False))
        stored[iri] = (max(version, held), deleted or gone)
    own = settings.HUB_BASE_URL + "/"
    fresh = []
    for item in received:
        version, deleted = stored.get(item.iri, (0, False))
        if item.decoded.origin_iri == own or item.decoded.version <= version or (deleted and not item.is_tombstone):
            continue
        fresh.append(item)
    return fresh


def _newest_verified(received: list[Received], keys: PageKeys, result: PageResult) -> list[Received]:
    """Per item, the newest copy whose proof verifies: every copy is checked before one is chosen (§6.5)."""
    copies: dict[str, list[Received]] = {}
    for item in received:
        copies.setdefault(item.iri, []).append(item)
    chosen = []
    for group in copies.values():
        group.sort(key=lambda item: -item.decoded.version)  # stable: fetched descriptors, then page order
        for position, item in enumerate(group):
            if keys.verify(item, result):
                chosen.append(item)
                result.skipped += _others_checked(item, group[position + 1:], keys, result)
                break
    versions = {item.iri: item.decoded.version for item in chosen}
    result.copies = [copy for copy in result.copies if copy.version > versions.get(copy.iri, 0)]
    return chosen


def _others_checked(chosen: Received, others: list[Received], keys: PageKeys, result: PageResult) -> int:
    """Check the other copies of the chosen version too (only a dishonest peer sends two), so that a
    forgery is reported; older copies are not checked. Return how many copies count as unchanged."""
    unchanged = 0
    for other in others:
        same = other.decoded.version == chosen.decoded.version
        if not other.fetched and (not same or keys.verify(other, result)):
            unchanged += 1
    return unchanged


def _without_foreign_labs(received: list[Received], keys: PageKeys, result: PageResult) -> list[Received]:
    """Refuse an event, method, idea or report whose lab this node holds as a lab of another node (§6.2)."""
    labs = {item.decoded.fields["lab_id"] for item in received if item.decoded.type in LABBED}
    owners = dict(select_in(Lab, ("iri", "origin"), "iri", labs))
    if not owners:
        return received
    kept = []
    for item in received:
        owner = owners.get(item.decoded.fields.get("lab_id")) if item.decoded.type in LABBED else None
        origin = keys.nodes.get(item.decoded.origin_iri)
        if owner is not None and (origin is None or owner != origin.pk):
            holder = Node.objects.filter(pk=owner).values_list("iri", flat=True).first()
            result.reject(item.iri, f"its lab {item.decoded.fields['lab_id']} is held as a lab of {holder}, "
                                    f"not of the item's origin {item.decoded.origin_iri}")
            continue
        kept.append(item)
    return kept


def _without_uuid_clashes(received: list[Received], result: PageResult) -> list[Received]:
    """Refuse an event, method, idea or report whose uuid another item already has (uuids name local pages)."""
    kept, seen = [], {}
    for type_name in UUID_NAMED:
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
    return kept + [item for item in received if item.decoded.type not in UUID_NAMED]


def _store(pins: list[Received], fresh: list[Received]) -> None:
    """Write nodes, items and tombstones, then record every change in the change log in page order."""
    nodes = _nodes_store(pins + [item for item in fresh if item.decoded.type == "Node"])
    origin_ids = {iri: node.pk for iri, node in nodes.items()}
    origin_ids |= dict(select_in(Node, ("iri", "id"), "iri", {item.decoded.origin_iri for item in fresh}))
    counted = experience_touched(fresh)  # read before the rows change: a report may leave its method
    for type_name, model in ITEM_MODELS.items():
        items_store(model, [item for item in fresh if item.decoded.type == type_name], origin_ids)
    _tombstones_store([item for item in fresh if item.is_tombstone])
    changelog_record_bulk([received_change(item, origin_ids) for item in fresh])
    method_experience_recount(method_iris=counted)


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
    if model is Event:
        reported = [item for item in items if item.decoded.related.get("closing_report")]
        ids = dict(select_in(Event, ("iri", "id"), "iri", [item.iri for item in reported]))
        rows_insert(ClosingReport, [
            {"event_id": ids[item.iri], **item.decoded.related["closing_report"]} for item in reported
        ])


def experience_touched(received: list[Received]) -> set[str]:
    """The methods whose experience figures these documents change, by the reports as this node holds them now
    and as received: reports stored or removed, and labs (their visibility decides who sees a report)."""
    reports = [item.iri for item in received
               if item.decoded.type == "ExperienceReport" or (item.is_tombstone and item.decoded.fields["former_type"]
                                                               == "ExperienceReport")]
    labs = [item.iri for item in received if item.decoded.type == "Lab"]
    methods = {item.decoded.fields["method_iri"] for item in received if item.decoded.type == "ExperienceReport"}
    methods |= {iri for (iri,) in select_in(ExperienceReport, ("method_iri",), "iri", reports)}
    methods |= {iri for (iri,) in select_in(ExperienceReport, ("method_iri",), "lab", labs)}
    return methods


def _tombstones_store(tombstones: list[Received]) -> None:
    for type_name, model in ITEM_MODELS.items():
        iris = [t.iri for t in tombstones if t.decoded.fields["former_type"] == type_name]
        if iris:
            model.objects.filter(iri__in=iris).delete()


def received_change(item: Received, origin_ids: dict[str, int]) -> Change:
    """The change-log record of a received item or tombstone (the mirror and the bundle import write them)."""
    decoded = item.decoded
    return Change(
        iri=item.iri,
        item_type=item.item_type,
        origin_id=origin_ids[decoded.origin_iri],
        version=decoded.version,
        visibility=decoded.fields.get("visibility", "public"),
        deleted=item.is_tombstone,
        document=item.text,
    )
