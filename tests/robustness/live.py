"""Helpers for the robustness tests on live nodes (``tests/network/harness.py``): bulk content, tokens, logs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from tests.network.harness import LiveNode

# Runs inside the node (``LiveNode.python``): signed method cards written in bulk, each with one step
# and its change log entry, a thousand per transaction, as fast as the database takes them.
FILL = """
import json, uuid
from django.db import transaction
from django.utils import timezone
from federation.codecs.methods import method_to_document
from federation.documents import signed
from hub.models import Lab
from hub.selectors import local_node
from hub.services.changelog import Change, changelog_record_many
from methods.models import MethodCard, MethodStep

node = local_node()
lab = Lab.objects.filter(origin=node).first()
base, now, sample = node.iri.rstrip("/"), timezone.now(), []
for first in range(0, {count}, 1000):
    cards, steps, changes = [], [], []
    for number in range(first, min(first + 1000, {count})):
        uid = uuid.uuid4()
        card = MethodCard(uuid=uid, iri=f"{{base}}/methods/{{uid}}", origin=node, lab_id=lab.iri,
                          slug=f"{prefix}-{{number}}", title=f"{title} {{number}}",
                          summary="Eine Methode für den Lasttest", phase="erkunden", keywords=["{prefix}"],
                          date_created=now, date_modified=now)
        step = MethodStep(position=1, title="Anfangen")
        changes.append(Change(iri=card.iri, item_type="MethodCard", origin_id=node.pk, version=1,
                              visibility="public", document=signed(method_to_document(card, steps=[step]),
                                                                   signer=node)))
        cards.append(card)
        steps.append(step)
    with transaction.atomic():
        MethodCard.objects.bulk_create(cards)
        for card, step in zip(cards, steps):
            step.method_id = card.pk or MethodCard.objects.get(iri=card.iri).pk
        MethodStep.objects.bulk_create(steps)
        changelog_record_many(changes)
    sample += [str(card.uuid) for card in cards[::250]]
print(json.dumps(sample))
"""


def methods_fill(node: LiveNode, count: int, *, prefix: str = "massenmethode", title: str = "Massenmethode") -> list[str]:
    """Give the node ``count`` signed method cards of its own; return the uuids of some of them."""
    return node.python(FILL.format(count=count, prefix=prefix, title=title))


def readers_tokens(node: LiveNode, count: int, *, writer: bool = False) -> list[str]:
    """``count`` read tokens, each of its own coordinator (so each has its own rate, as separate scripts
    have), minted as ``manage.py issue_token`` mints them; with ``writer``, the last one is a node
    administrator and may also write."""
    return node.python(
        f"""
        import json
        from datetime import timedelta
        from django.contrib.auth.models import User
        from api.services import access_token_issue
        from hub.roles import SYSTEM, Role
        from hub.services import role_grant
        tokens = []
        for number in range({count}):
            user, _ = User.objects.get_or_create(username=f"leser{{number}}", defaults={{"is_staff": True}})
            writes = {writer!r} and number == {count} - 1
            role_grant(user=user, role=Role.NODE_ADMIN if writes else Role.COORDINATOR, actor=SYSTEM)
            scopes = ["read", "write"] if writes else ["read"]
            tokens.append(access_token_issue(user=user, scopes=scopes, lifetime=timedelta(hours=1)))
        print(json.dumps(tokens))
        """
    )


def full_log(node: LiveNode) -> str:
    """Everything the node's processes wrote (``LiveNode.log`` keeps only the end)."""
    path = Path(node.root) / f"{node.data_dir.name}.log"
    return path.read_text(errors="replace") if path.exists() else ""


def peer_id(node: LiveNode, other: LiveNode) -> int:
    return node.python(
        f"""
        from federation.models import Peer
        print(Peer.objects.get(node__iri={other.iri!r}).pk)
        """
    )


def holds(node: LiveNode, other: LiveNode) -> int:
    """How many items of ``other``'s own the node holds in its change log."""
    return node.python(
        f"""
        from hub.models import ChangeLogEntry
        print(ChangeLogEntry.objects.filter(iri__startswith={other.base_url + "/"!r}).count())
        """
    )


def as_json(value) -> str:
    return json.dumps(value)


def database_value(node: LiveNode, query: str):
    """One value read straight from the node's database (polled faster than ``manage.py shell`` starts)."""
    if node.database:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", node.database, "-tAc", query],
                             capture_output=True, text=True, check=True).stdout.strip()
        return out or None
    with closing(sqlite3.connect(node.data_dir / "hub.sqlite3", timeout=5)) as database:
        row = database.execute(query).fetchone()
    return row[0] if row else None
