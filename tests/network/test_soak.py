"""The network under churn: eight or more live nodes, writes everywhere, kills, a cut link, then quiet.

A seeded random connected topology (a random spanning tree plus a few extra edges, peered by
invitations). In every round each node creates, updates and deletes method cards through its
services, while: a ``manage.py sync`` is SIGKILLed (its whole process group) while it runs; a node with
a Celery worker is SIGKILLed while its worker syncs, then restarted; and one node's inbound network is
cut by a proxy for the first rounds (its peers know it only by the proxy's address), then healed;
and in the middle of the churn one node blocks an origin it does not peer with (``manage.py peer
block``), whose items keep reaching it through relays. After each kill the node's database must be
consistent. When the writes stop, a bounded number of sync rounds on every node must leave every
node that reaches the blocked origin other than through the blocking node holding the same (id,
version, deleted) set, the blocking node that set without anything of the blocked origin, and any
node the block cuts off from the blocked origin (a block also stops relaying) that set apart from the
blocked origin's items, of which it keeps what reached it before the block; the digest of each
node's set is printed.

The CI variant (8 nodes, 2 churn rounds) takes a few minutes on two cores; a longer run:
``HUB_SOAK_NODES=16 HUB_SOAK_ROUNDS=6 pytest tests/network/test_soak.py -s``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_DIR
from tests.network.harness import LiveNode
from tests.network.proxy import ProxiedNode
from tests.network.test_convergence import random_edits
from tests.network.test_interrupted_sync import database_value

SEED = int(os.environ.get("HUB_SOAK_SEED", "20261205"))
NODES = max(8, int(os.environ.get("HUB_SOAK_NODES", "8")))
ROUNDS = max(2, int(os.environ.get("HUB_SOAK_ROUNDS", "2")))
EDITS = int(os.environ.get("HUB_SOAK_EDITS", "6"))  # per node and round
WORKERS = 2  # nodes that run a Celery worker (nudges, background syncs), SIGKILLed while they sync
MAX_QUIET_ROUNDS = 6  # sync rounds after the writes stop; the diameter of a tree of 8 is at most 7

RUNNING_SYNCS = "SELECT COUNT(*) FROM federation_peer WHERE sync_started_at IS NOT NULL"


def topology(count: int, rng: random.Random) -> list[tuple[int, int]]:
    """A random spanning tree over ``count`` nodes plus about count/4 extra edges, as (joiner, inviter)."""
    order = list(range(count))
    rng.shuffle(order)
    edges = {(order[i], order[rng.randrange(i)]) for i in range(1, count)}
    while len(edges) < count - 1 + max(2, count // 4):
        x, y = rng.sample(range(count), 2)
        if (x, y) not in edges and (y, x) not in edges:
            edges.add((x, y))
    return sorted(edges)


def digest(holdings: dict[str, list]) -> tuple[str, set]:
    """sha256 over the sorted (id, version, deleted) list, and the set itself."""
    pairs = {(iri, version, bool(deleted)) for iri, (version, deleted) in holdings.items()}
    return hashlib.sha256(json.dumps(sorted(pairs)).encode()).hexdigest()[:16], pairs


def consistency_problems(node: LiveNode) -> list[str]:
    """What is wrong in the node's database: a broken SQLite file, cards and change log disagreeing."""
    return node.python(
        """
        import json
        from django.db import connection
        from hub.models import ChangeLogEntry
        from methods.models import MethodCard
        problems = []
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA integrity_check")
                verdict = cursor.fetchone()[0]
            if verdict != "ok":
                problems.append(f"integrity_check: {verdict}")
        log = {i: (v, d) for i, v, d in ChangeLogEntry.objects.filter(item_type="MethodCard")
               .values_list("iri", "version", "deleted")}
        cards = dict(MethodCard.objects.values_list("iri", "version"))
        for iri, version in cards.items():
            if iri not in log or log[iri] != (version, False):
                problems.append(f"card {iri} v{version} but change log {log.get(iri)}")
        for iri, (version, deleted) in log.items():
            if not deleted and iri not in cards:
                problems.append(f"change log {iri} v{version} but no card")
        print(json.dumps(problems))
        """
    )


def kill_sync_command(node: LiveNode, rng: random.Random) -> bool:
    """Start ``manage.py sync`` on the node, SIGKILL its process group while it syncs; say whether it did."""
    process = subprocess.Popen([sys.executable, "manage.py", "sync"], cwd=PROJECT_DIR, env=node.env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    caught = _wait_for_running_sync(node, process)
    time.sleep(rng.uniform(0, 0.3))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return caught


def kill_worker_sync(node: LiveNode, rng: random.Random) -> bool:
    """Queue a sync of every peer on the node's worker, SIGKILL the node while it syncs, start it again."""
    node.python(
        """
        from federation.models import Peer
        from federation.tasks import sync_peer_task
        for peer_id in Peer.objects.values_list("pk", flat=True):
            sync_peer_task.delay(peer_id)
        print("null")
        """
    )
    caught = _wait_for_running_sync(node, node.process)
    time.sleep(rng.uniform(0, 0.2))
    os.killpg(node.process.pid, signal.SIGKILL)
    node.process.wait()
    node.start()
    return caught


def _wait_for_running_sync(node: LiveNode, process: subprocess.Popen, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if database_value(node, RUNNING_SYNCS):
                return True
        except Exception:  # the database is locked for a moment by the writer: poll again
            pass
        time.sleep(0.01)
    return False


def sync_report_is_clean(report: str) -> bool:
    return "FAILED" not in report and "rejected" not in report.replace("0 rejected", "")


def not_adjacent(edges: list[tuple[int, int]], count: int, rng: random.Random, avoid: set[int]) -> tuple[int, int]:
    """A (blocker, blocked) pair of nodes outside ``avoid`` that do not peer: blocking a peer could cut the
    blocker off, blocking a stranger only refuses what relays bring of it."""
    peers = {frozenset(edge) for edge in edges}
    pairs = [(x, y) for x in range(count) for y in range(count)
             if x != y and not {x, y} & avoid and frozenset((x, y)) not in peers]
    return rng.choice(pairs)


def cut_off(edges: list[tuple[int, int]], count: int, blocker: int, blocked: int) -> set[int]:
    """The blocker and the nodes that reach the blocked origin only through it: none of them gets its items."""
    reached, frontier = {blocked}, [blocked]
    while frontier:
        here = frontier.pop()
        for x, y in edges:
            other = y if x == here else x if y == here else None
            if other is not None and other != blocker and other not in reached:
                reached.add(other)
                frontier.append(other)
    return set(range(count)) - reached


def of_origin(node: LiveNode, pairs: set) -> set:
    return {pair for pair in pairs if pair[0].startswith(node.base_url + "/")}


def test_the_network_converges_after_churn(network):
    rng = random.Random(SEED)
    nodes: list[LiveNode] = []
    cut = ProxiedNode(name="Abgeschnitten Soak", city="Inselstadt", root=network.root)
    network.nodes.append(cut)
    cut.setup(network.template)
    cut.start()
    nodes.append(cut)
    for number in range(1, NODES):
        nodes.append(network(f"Soak{number:02d} Labor", f"Stadt {number}", worker=number <= WORKERS))
    workers = nodes[1:1 + WORKERS]
    edges = topology(NODES, rng)
    for joiner, inviter in edges:
        nodes[joiner].join(nodes[inviter])
    print(f"\ntopology ({NODES} nodes, seed {SEED}): {edges}")

    neighbour = next(nodes[x if y == 0 else y] for x, y in edges if 0 in (x, y))
    blocker_at, blocked_at = not_adjacent(edges, NODES, rng, avoid={0})
    blocker, blocked = nodes[blocker_at], nodes[blocked_at]
    cut.proxy.cut()
    kills = []
    for round_ in range(ROUNDS):
        for node in nodes:
            random_edits(node, seed=rng.randrange(10**6), count=EDITS)
        for node in rng.sample(nodes[1:], 2):
            node.sync(check=False)  # partial syncs, so items travel different paths
        if cut.proxy.is_cut:
            report = neighbour.sync(check=False)
            assert f"{cut.base_url}: FAILED" in report, f"the cut should be felt by {neighbour.name}: {report}"
        victim = rng.choice(nodes[1 + WORKERS:])
        kills.append((victim.name, "manage.py sync", kill_sync_command(victim, rng)))
        worker = workers[round_ % WORKERS]
        kills.append((worker.name, "worker sync", kill_worker_sync(worker, rng)))
        for name, node in ((victim.name, victim), (worker.name, worker)):
            assert consistency_problems(node) == [], f"{name} inconsistent after a SIGKILL"
        if round_ == ROUNDS // 2:
            cut.proxy.heal()
        if round_ == (ROUNDS - 1) // 2:
            print(blocker.manage("peer", "block", blocked.base_url, "--reason", "Soak: blockiert").stdout.strip())
    print("kills (node, what, caught while syncing):", kills)
    assert any(caught for *_, caught in kills), "no kill happened while a sync ran"

    without = {nodes[i].name for i in cut_off(edges, NODES, blocker_at, blocked_at)}
    print(f"{blocker.name} blocks {blocked.name}; without its items: {sorted(without)}")
    others = [node for node in nodes if node.name not in without]

    def as_expected(name: str, pairs: set) -> bool:
        """The reference set; the blocker holds nothing of the blocked origin, and a node it cuts off from the
        origin keeps whatever of it arrived before the block, so only the rest is compared there."""
        if name == blocker.name:
            return pairs == holdings - of_origin(blocked, holdings)
        if name in without:
            return pairs - of_origin(blocked, pairs) == holdings - of_origin(blocked, holdings)
        return pairs == holdings

    for round_ in range(1, MAX_QUIET_ROUNDS + 1):
        for node in nodes:
            node.sync(check=False)
        digests = {node.name: digest(node.holdings()) for node in nodes}
        print(f"quiet round {round_}: " + ", ".join(f"{n.split()[0]}={d}" for n, (d, _) in digests.items()))
        holdings = digests[others[0].name][1]
        if not [name for name, (_, pairs) in digests.items() if not as_expected(name, pairs)]:
            break
    else:
        differing = {name: len(pairs ^ holdings) for name, (_, pairs) in digests.items() if not as_expected(name, pairs)}
        pytest.fail(f"no convergence after {MAX_QUIET_ROUNDS} quiet rounds; pairs differing from what "
                    f"{others[0].name} holds (beside {blocked.name}'s at {sorted(without)}): {differing}")

    assert of_origin(blocked, holdings), f"{blocked.name}'s items should have reached the nodes that do not block it"
    assert not of_origin(blocked, digests[blocker.name][1]), f"{blocker.name} holds items of {blocked.name}"
    for node in nodes:
        if node is blocker:
            continue
        report = node.sync()
        assert sync_report_is_clean(report), f"{node.name}: {report}"
    origins = {iri.split("/methods/")[0] for iri, *_ in holdings if "/methods/" in iri}
    assert origins == {n.base_url for n in nodes}, "every node's cards should have reached every node that does not block them"
    assert any(deleted for *_, deleted in holdings), "the random edits should have made tombstones"
