"""Each other node's key history, as this node keeps it (``federation.NodeKey``; protocol section 3).

A descriptor that a trusted key signed states its node's keys: the current one, and the earlier ones,
retired or revoked. ``keys_record`` keeps that statement; ``keyrings_of`` reads it back as the keys
every proof of the node is checked against; ``held_reverify`` removes what the keys, as now known, no
longer admit (what a revoked key signed from its revocation on, what a key set aside signed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
from django.utils import timezone

from federation.blocks import items_remove_held
from federation.codecs import Decoded
from federation.keyring import KeyEntry, Keyring, proof_created
from federation.models import KeyPin, NodeKey
from federation.proofs import ProofError, verify
from hub.models import ChangeLogEntry, Node

Status = NodeKey.Status


def keyrings_of(nodes: list[Node]) -> dict[str, Keyring]:
    """The keys this node holds for each of ``nodes``, the node's current key first, by IRI."""
    rows: dict[int, list[NodeKey]] = {}
    for row in NodeKey.objects.filter(node__in=[node.pk for node in nodes if node.pk]):
        rows.setdefault(row.node_id, []).append(row)
    rings = {}
    for node in nodes:
        current = KeyEntry(key_id=node.key_id, key=node.public_key_multibase)
        others = tuple(KeyEntry(key_id=row.key_id, key=row.public_key_multibase, status=row.status,
                                revoked_at=row.revoked_at)
                       for row in rows.get(node.pk, []) if row.public_key_multibase != current.key)
        rings[node.iri] = Keyring(origin=node.iri, entries=(current, *others))
    return rings


@dataclass(frozen=True)
class KeysRecorded:
    """What recording a descriptor's keys changed: keys that now admit less, or more, than before."""

    narrowed: bool = False
    widened: bool = False


def keys_record(*, node: Node, decoded: Decoded, source: str) -> KeysRecorded:
    """Keep the keys a trusted descriptor of ``node`` lists as its key history; a key it no longer lists that
    was current is set aside. Runs in the caller's transaction."""
    described = decoded.related.get("keys") or []
    now = timezone.now()
    rows = {row.public_key_multibase: row for row in NodeKey.objects.filter(node=node)}
    narrowed = widened = False
    for key in described:
        status = Status.REVOKED if key.revoked else Status.RETIRED if key.retired else Status.CURRENT
        row = rows.get(key.key)
        if row is None:
            row = NodeKey(node=node, public_key_multibase=key.key, since=now,
                          source=_source_of(source) if status == Status.CURRENT else NodeKey.Source.DESCRIBED)
        else:
            narrowed |= _narrows(row, status, key.revoked)
            widened |= _narrows(_as_row(status, key.revoked), row.status, row.revoked_at)
        if row.status != status:
            row.changed_at = now
        row.key_id, row.status, row.retired_at, row.revoked_at = key.id, status, key.retired, key.revoked
        if status == Status.CURRENT:
            NodeKey.objects.filter(node=node, status=Status.CURRENT).exclude(public_key_multibase=key.key).update(
                status=Status.SET_ASIDE, changed_at=now)
        row.save()
    listed = {key.key for key in described}
    for row in rows.values():
        if row.public_key_multibase not in listed and row.status == Status.CURRENT:
            row.status, row.changed_at, narrowed = Status.SET_ASIDE, now, True
            row.save(update_fields=["status", "changed_at"])
    if described and (node.public_key_multibase, node.key_id) != (described[0].key, described[0].id):
        Node.objects.filter(pk=node.pk).update(public_key_multibase=described[0].key, key_id=described[0].id)
        node.public_key_multibase, node.key_id = described[0].key, described[0].id
    return KeysRecorded(narrowed=narrowed, widened=widened)


def _source_of(pin_source: str) -> str:
    return {KeyPin.Source.ROTATION: NodeKey.Source.ROTATION, KeyPin.Source.OPERATOR: NodeKey.Source.OPERATOR,
            NodeKey.Source.OPERATOR: NodeKey.Source.OPERATOR, NodeKey.Source.LOCAL: NodeKey.Source.LOCAL,
            NodeKey.Source.ROTATION: NodeKey.Source.ROTATION}.get(pin_source, NodeKey.Source.PINNED)


def _as_row(status: str, revoked_at: datetime | None) -> NodeKey:
    return NodeKey(status=status, revoked_at=revoked_at)


def _narrows(row: NodeKey, status: str, revoked_at: datetime | None) -> bool:
    """Whether ``status`` (revoked at ``revoked_at``) admits less than the row does now."""
    rank = {Status.CURRENT: 2, Status.RETIRED: 2, Status.REVOKED: 1, Status.SET_ASIDE: 0}
    if rank[status] != rank[row.status]:
        return rank[status] < rank[row.status]
    return status == Status.REVOKED and revoked_at is not None and row.revoked_at is not None and revoked_at < row.revoked_at


def key_set(node: Node, *, key: str, key_id: str, source: str) -> None:
    """Make ``key`` the node's current key in its history (an operator's pin: its id is learnt later)."""
    now = timezone.now()
    NodeKey.objects.filter(node=node, status=Status.CURRENT).exclude(public_key_multibase=key).update(
        status=Status.SET_ASIDE, changed_at=now)
    NodeKey.objects.update_or_create(node=node, public_key_multibase=key, defaults={
        "key_id": key_id, "status": Status.CURRENT, "source": source, "changed_at": now})
    Node.objects.filter(pk=node.pk).update(key_id=key_id)
    node.key_id = key_id


def held_reverify(node: Node) -> list[str]:
    """Remove what this node holds of ``node`` whose proof its keys, as now known, no longer admit; return the ids."""
    failing = items_not_admitted(node, keyrings_of([node])[node.iri])
    if failing:
        items_remove_held(failing)
    return failing


def items_not_admitted(node: Node, ring: Keyring) -> list[str]:
    """The ids of what this node holds of ``node`` whose proof ``ring`` does not admit."""
    failing = []
    for iri, text in ChangeLogEntry.objects.filter(origin=node).exclude(iri=node.iri).values_list("iri", "document"):
        document = orjson.loads(text)
        try:
            verify(document, ring.lookup(proof_created(document)))
        except ProofError:
            failing.append(iri)
    return failing
