"""Rotating and revoking this node's own key (protocol section 3): ``manage.py rotate_key``, ``revoke_key``.

A rotation makes a new key ``{base}/#key-N``, keeps the old key's file as a retired key, and publishes
a new version of the descriptor that lists both and is signed by a proof chain, the old key first;
every later document is signed with the new key. Peers that pinned the old key follow the chain; what
the old key signed stays valid.

A revocation, after a key may have leaked, also makes a new key, but marks the current key and every
retired one revoked from ``since`` (by default now): the leaked keys sign nothing any more, so peers do
not follow automatically; their operators re-pin the new key after comparing its fingerprint out of
band (``manage.py peer repin``). This node's own items whose proofs were created from ``since`` on are
signed again with the new key (a new version), because peers refuse those proofs from then on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from events.models import Event
from experience.models import ExperienceReport
from federation.codecs import key_id
from federation.documents import local_keys, tombstone_signed_document
from federation.keyring import proof_created
from federation.models import NodeKey
from hub import identity
from hub.models import ChangeLogEntry, FederatedItem, Lab, Node
from hub.roles import raise_unless_node_admin
from hub.services.changelog import Change, changelog_lock, changelog_record
from hub.services.descriptor import node_descriptor_publish
from hub.services.items import item_record_change, item_touch
from ideas.models import Idea
from methods.models import MethodCard

ROTATING_KEYS = gettext_lazy("rotate or revoke this node's key")
ITEM_MODELS = {"Lab": Lab, "Event": Event, "MethodCard": MethodCard, "Idea": Idea, "ExperienceReport": ExperienceReport}
_NUMBERED = re.compile(r"key-(\d{1,6})")


class RotationError(Exception):
    """The key cannot be rotated or revoked now; the message says why, for people."""


@dataclass(frozen=True)
class Rotation:
    """What a rotation or revocation did."""

    node: Node
    old: NodeKey
    new: NodeKey
    revoked: list[NodeKey]
    resigned: int
    descriptor_version: int


def key_rotate(*, actor: Any) -> Rotation:
    """Replace this node's key by a new one, signed over by the old one (node administrators)."""
    raise_unless_node_admin(actor=actor, action=ROTATING_KEYS)
    return _rotate(revoke=False, since=None)


def key_revoke(*, actor: Any, since: datetime | None = None) -> Rotation:
    """Replace this node's key after a compromise: every key it had is revoked from ``since`` (node administrators)."""
    raise_unless_node_admin(actor=actor, action=ROTATING_KEYS)
    now = timezone.now()
    if since is not None and since > now:
        raise RotationError("The revocation time lies in the future; give the time the key may have leaked, or none.")
    return _rotate(revoke=True, since=(since or now).replace(microsecond=0))


@transaction.atomic
def _rotate(*, revoke: bool, since: datetime | None) -> Rotation:
    changelog_lock()
    node = Node.objects.select_for_update().get(is_local=True)
    _finish_interrupted(node)
    history = _persisted(node, local_keys(node))
    old = history[0]
    new_key = identity.key_next()
    new_public = identity.public_key_multibase(new_key)
    if any(row.public_key_multibase == new_public for row in history):
        raise RotationError(f"{identity.next_key_path()} holds a key this node had already; move it away and try again.")
    identity.key_keep(old.fragment)
    now = timezone.now()
    revoked = _revoke(history, since) if revoke else []
    if not revoke:
        old.status, old.retired_at, old.changed_at = NodeKey.Status.RETIRED, now.replace(microsecond=0), now
        old.save()
    new = NodeKey.objects.create(node=node, key_id=key_id(node.iri, _next_number(history)), public_key_multibase=new_public,
                                 status=NodeKey.Status.CURRENT, source=NodeKey.Source.LOCAL, since=now, changed_at=now)
    node.public_key_multibase, node.key_id = new.public_key_multibase, new.key_id
    node.save(update_fields=["public_key_multibase", "key_id"])
    node = node_descriptor_publish()
    resigned = _sign_again(node, revoked) if revoke else 0
    transaction.on_commit(lambda: identity.key_promote(new_public))
    return Rotation(node=node, old=old, new=new, revoked=revoked, resigned=resigned, descriptor_version=node.version)


def _finish_interrupted(node: Node) -> None:
    """Move the new key of a rotation that committed but stopped before its file moved into place."""
    identity.key_promote(node.public_key_multibase)
    current = identity.key_load()
    if identity.public_key_multibase(current) != node.public_key_multibase:
        raise RotationError(f"The key file {identity.key_path()} is not the key this node signs with; restore it "
                            "from your backup before rotating.")


def _persisted(node: Node, history: list[NodeKey]) -> list[NodeKey]:
    """The node's key history as rows (a node made before histories were kept has its first key recorded now)."""
    for row in history:
        if row.pk is None:
            row.source, row.since = NodeKey.Source.LOCAL, node.pinned_at
            row.save()
    return history


def _revoke(history: list[NodeKey], since: datetime) -> list[NodeKey]:
    """Mark every key that still signs (the current one and the retired ones) revoked from ``since``."""
    now = timezone.now()
    revoked = [row for row in history if row.status in (NodeKey.Status.CURRENT, NodeKey.Status.RETIRED)]
    for row in revoked:
        row.status, row.revoked_at, row.changed_at = NodeKey.Status.REVOKED, since, now
        row.save()
    return revoked


def _next_number(history: list[NodeKey]) -> int:
    numbers = [int(match.group(1)) for row in history if (match := _NUMBERED.fullmatch(row.fragment))]
    return max(numbers, default=len(history)) + 1


def _sign_again(node: Node, revoked: list[NodeKey]) -> int:
    """Sign again, as a new version, what this node signed with the revoked keys from their revocation on."""
    cutoff = {row.key_id: row.revoked_at for row in revoked}
    due = []
    for entry in ChangeLogEntry.objects.filter(origin=node).exclude(iri=node.iri):  # read whole before writing
        document = orjson.loads(entry.document)
        since = cutoff.get((document.get("proof") or {}).get("verificationMethod"))
        created = proof_created(document)
        if since is not None and (created is None or created >= since):
            due.append(entry)
    for entry in due:
        _sign_entry_again(node, entry)
    return len(due)


def _sign_entry_again(node: Node, entry: ChangeLogEntry) -> None:
    if entry.deleted:
        item = ITEM_MODELS[entry.item_type](iri=entry.iri, origin=node)
        document = tombstone_signed_document(item, version=entry.version + 1, deleted=timezone.now())
        changelog_record(Change(iri=entry.iri, item_type=entry.item_type, origin_id=node.pk, version=entry.version + 1,
                                visibility=entry.visibility, deleted=True, document=document))
        return
    item: FederatedItem = ITEM_MODELS[entry.item_type].objects.get(iri=entry.iri)
    item_touch(item)
    item.save(update_fields=["version", "date_modified"])
    item_record_change(item)
