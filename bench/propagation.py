"""Propagation: how long a change takes to reach every node of a network, and how many feed requests it costs.

Twenty SQLite nodes (six in quick mode), each serving with gunicorn and running its Celery worker
(file-system broker, beat), peered by invitations in a seeded random connected topology: a random
spanning tree plus extra edges, about 2.5 peers a node. Nudges are on, as by default: a committed
change queues a nudge of the peers, which pull at once and, having applied it, nudge theirs.

Each measured change is a new method card or an edit of one, made through the services at a random
node; the clock starts when its transaction has committed (time printed by that process) and stops
when the last node serves the new version of its item URL (``Accept: application/ld+json``, polled
every 100 ms on every node). The next change waits until the network has been quiet for a moment,
so changes do not overlap. Feed requests are the ``/api/federation/feed`` lines of the gunicorn
access logs written during a change, divided by the number of nodes.
"""

from __future__ import annotations

import json
import math
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.node import PROJECT_DIR, BenchNode, Template
from bench.report import Row, say

SEED = 20261205
POLL_SECONDS = 0.1
FEED_LINE = re.compile(r'"GET /api/federation/feed[?/ ]')


@dataclass(frozen=True)
class Sizes:
    nodes: int
    changes: int
    settle_seconds: float  # quiet time after the last node has the change, for late pulls to be counted
    timeout_seconds: float  # a change that has not reached every node by then counts as this


FULL = Sizes(nodes=20, changes=30, settle_seconds=4, timeout_seconds=120)
QUICK = Sizes(nodes=6, changes=8, settle_seconds=3, timeout_seconds=60)

TARGET_P99_SECONDS = 15
TARGET_FEED_REQUESTS = 3


class WorkerNode(BenchNode):
    """A bench node that runs as a city runs it: gunicorn and a Celery worker with beat."""

    def start(self, *, workers: int = 2, cpu: int | None = None) -> None:
        log = (self.root / f"{self.name}.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runnode", "--workers", str(workers)],
            cwd=PROJECT_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._wait_until_serving()

    def feed_requests(self) -> int:
        """Feed requests this node has served so far (its gunicorn access log)."""
        path = self.root / f"{self.name}.log"
        with path.open(errors="replace") as log:
            return sum(1 for line in log if FEED_LINE.search(line))


def topology(count: int, rng: random.Random) -> list[tuple[int, int]]:
    """A random spanning tree plus count/4 extra edges (average degree about 2.5), as (joiner, inviter)."""
    order = list(range(count))
    rng.shuffle(order)
    edges = {(order[i], order[rng.randrange(i)]) for i in range(1, count)}
    while len(edges) < count - 1 + max(1, count // 4):
        x, y = rng.sample(range(count), 2)
        if (x, y) not in edges and (y, x) not in edges:
            edges.add((x, y))
    return sorted(edges)


def change(node: WorkerNode, card: str | None, number: int) -> tuple[str, int, float]:
    """Create a method card (or edit ``card``) at ``node``; return its IRI, version and commit time."""
    return tuple(node.python(
        f"""
import json, time
from django.db import transaction
from hub.models import Lab
from hub.roles import SYSTEM
from methods.models import MethodCard
from methods.services import method_create, method_update
with transaction.atomic():
    if {card!r}:
        method = method_update(method=MethodCard.objects.get(iri={card!r}), actor=SYSTEM, summary="Fassung {number}")
    else:
        lab = Lab.objects.filter(origin__is_local=True).first()
        method = method_create(actor=SYSTEM, title="Ausbreitung {number}", summary="Messung", phase="erkunden", lab=lab,
                               steps=[{{"title": "Anfangen"}}])
print(json.dumps([method.iri, method.version, time.time()]))
"""
    ))


def serves(node: WorkerNode, path: str, version: int) -> bool:
    request = urllib.request.Request(node.base_url + path, headers={"Accept": "application/ld+json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read()).get("version", 0) >= version
    except (urllib.error.URLError, OSError, ValueError):
        return False


def arrival(node: WorkerNode, path: str, version: int, deadline: float, times: dict) -> None:
    """Poll until the node serves ``version`` of the item; record when (wall clock)."""
    while time.time() < deadline:
        if serves(node, path, version):
            times[node.name] = time.time()
            return
        time.sleep(POLL_SECONDS)


def measure(nodes: list[WorkerNode], sizes: Sizes, rng: random.Random) -> list[dict]:
    """Make the changes one after another; per change the seconds until every node has it, and feed requests."""
    results, cards = [], {}
    for number in range(sizes.changes):
        origin = rng.choice(nodes)
        before = sum(node.feed_requests() for node in nodes)
        mine = cards.get(origin.name, [])
        iri, version, committed = change(origin, rng.choice(mine) if mine and rng.random() < 0.5 else None, number)
        cards.setdefault(origin.name, []).append(iri)
        path = "/" + iri.split("/", 3)[3]
        times: dict[str, float] = {}
        threads = [threading.Thread(target=arrival, args=(n, path, version, committed + sizes.timeout_seconds, times))
                   for n in nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reached = len(times)
        seconds = (max(times.values()) - committed) if reached == len(nodes) else sizes.timeout_seconds
        time.sleep(sizes.settle_seconds)
        feed = (sum(node.feed_requests() for node in nodes) - before) / len(nodes)
        say(f"  change {number + 1} at {origin.name} (v{version}): all {reached}/{len(nodes)} nodes in "
            f"{seconds:.1f} s; {feed:.2f} feed requests a node")
        results.append({"origin": origin.name, "version": version, "seconds": seconds, "reached": reached,
                        "feed_per_node": feed})
    return results


def quiet(nodes: list[WorkerNode], sizes: Sizes, limit: float = 120) -> None:
    """Wait until the first pulls after peering are over: no feed request for ``settle_seconds``."""
    deadline, seen = time.monotonic() + limit, -1
    while time.monotonic() < deadline:
        served = sum(node.feed_requests() for node in nodes)
        if served == seen:
            return
        seen = served
        time.sleep(sizes.settle_seconds)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p99 of 30 values is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def run(root: Path, sizes: Sizes) -> list[Row]:
    rng = random.Random(SEED)
    template = Template(root)
    nodes = [WorkerNode(name=f"p{number:02d}", root=root) for number in range(sizes.nodes)]
    edges = topology(sizes.nodes, rng)
    try:
        for node in nodes:
            node.create(template)
        say(f"  starting {len(nodes)} nodes with workers …")
        for node in nodes:
            node.start()
        say(f"  peering along {len(edges)} edges (seed {SEED}) …")
        for joiner, inviter in edges:
            nodes[joiner].join(nodes[inviter])
        quiet(nodes, sizes)
        results = measure(nodes, sizes, rng)
    finally:
        for node in nodes:
            node.stop()
    return [_row(sizes, edges, results)]


def _row(sizes: Sizes, edges: list, results: list[dict]) -> Row:
    seconds = [r["seconds"] for r in results]
    feed = [r["feed_per_node"] for r in results]
    p50, p99 = percentile(seconds, 0.5), percentile(seconds, 0.99)
    worst_feed = max(feed)
    mean_feed = sum(feed) / len(feed)
    missed = [r for r in results if r["reached"] < sizes.nodes]
    return Row(
        name="propagation",
        target=f"a change reaches all {sizes.nodes} nodes (workers, nudges on): p99 at most "
               f"{TARGET_P99_SECONDS} s; at most {TARGET_FEED_REQUESTS} feed requests a node a change",
        measured=f"p50 {p50:.1f} s, p99 {p99:.1f} s over {len(results)} changes; feed requests a node a change "
                 f"{mean_feed:.2f} mean, {worst_feed:.2f} worst; {2 * len(edges) / sizes.nodes:.1f} peers a node"
                 + (f"; {len(missed)} change(s) did not reach every node in {sizes.timeout_seconds:.0f} s" if missed else ""),
        met=p99 <= TARGET_P99_SECONDS and worst_feed <= TARGET_FEED_REQUESTS and not missed,
        details={"edges": edges, "changes": results},
    )
