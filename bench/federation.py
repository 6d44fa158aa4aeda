"""Backfill, ingest floor, memory, incremental sync and feed serving: two SQLite nodes on loopback.

Node A holds signed items made by ``bench.generate`` and serves them with gunicorn pinned to CPU 0;
node B is peered with A once, snapshotted, and put back to that snapshot before every measured pull,
which runs ``manage.py sync`` (through ``bench.sync_run``) pinned to CPU 1. A grows in rounds, so
each size is measured on the same node: first the incremental syncs over a small mirror, then the
feed and the backfill at the backfill size, then the memory run, then the incremental syncs over a
large mirror.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.http import federation_token, feed_walk
from bench.load import load
from bench.node import BenchNode, Template
from bench.report import Row, median, say, spread
from federation.paging import PULL_PAGE_SIZE as SYNC_PAGE_SIZE

SERVER_CPU, SYNC_CPU = 0, 1


@dataclass(frozen=True)
class Sizes:
    backfill: int
    memory_small: int
    memory_large: int
    incremental_small: int
    incremental_large: int
    runs: int
    incremental_runs: int
    load_seconds: float


FULL = Sizes(backfill=10_000, memory_small=10_000, memory_large=50_000, incremental_small=1_000,
             incremental_large=100_000, runs=3, incremental_runs=5, load_seconds=10)
QUICK = Sizes(backfill=2_000, memory_small=2_000, memory_large=5_000, incremental_small=500,
              incremental_large=5_000, runs=1, incremental_runs=2, load_seconds=2)


class Network:
    """Node A, which grows, and node B, which pulls from A starting from its snapshot."""

    def __init__(self, root: Path) -> None:
        template = Template(root)
        self.a, self.b = BenchNode("a", root), BenchNode("b", root)
        self.a.create(template)
        self.b.create(template)
        self.held = 0
        self.pages_file = root / "pages.jsonl"

    def grow(self, total: int) -> None:
        """Add items to A until it holds ``total`` (the change log also holds its lab and descriptor)."""
        if total > self.held:
            say(f"  generating items {self.held:,}–{total:,} on A …")
            self.a.run("-m", "bench.generate", "items", "--count", str(total - self.held), "--first", str(self.held))
            self.held = total

    def peer(self) -> None:
        self.a.start(cpu=SERVER_CPU)
        self.b.start()
        self.b.join(self.a)
        self.b.stop()
        self.b.snapshot("empty")

    def pull(self, *, fresh: bool) -> dict:
        """One ``manage.py sync`` of B from A (from the empty snapshot when ``fresh``), measured."""
        if fresh:
            self.b.restore("empty")
        finished = self.b.run("-m", "bench.sync_run", cpu=SYNC_CPU)
        run = finished.json()
        if run["error"] or run["rejected"]:
            raise RuntimeError(f"the sync did not go through cleanly: {run['report']}")
        return run | {"peak_rss_mb": finished.peak_rss_mb}

    def change(self, count: int, seed: int) -> None:
        self.a.run("-m", "bench.generate", "changes", "--count", str(count), "--seed", str(seed))

    def stop(self) -> None:
        self.a.stop()
        self.b.stop()


def run(root: Path, sizes: Sizes) -> list[Row]:
    network = Network(root)
    try:
        network.grow(sizes.incremental_small)
        network.peer()
        small = _incremental(network, sizes)
        network.grow(sizes.backfill)
        rows = [_feed_serving(network, sizes)]
        backfills = _backfill(network, sizes)
        rows += _backfill_rows(network, sizes, backfills)
        small_memory = [run["peak_rss_mb"] for run in backfills] if sizes.memory_small == sizes.backfill \
            else [network.pull(fresh=True)["peak_rss_mb"]]
        large_memory = []
        if sizes.memory_large != sizes.incremental_large:
            network.grow(sizes.memory_large)
            large_memory = [network.pull(fresh=True) for _ in range(max(1, sizes.runs - 1))]
        network.grow(sizes.incremental_large)
        large = _incremental(network, sizes)
        if sizes.memory_large == sizes.incremental_large:
            large_memory = [large["mirror"]]
        rows.append(_memory_row(sizes, small_memory, large_memory))
        rows.append(_incremental_row(sizes, small, large))
    finally:
        network.stop()
    return rows


def _incremental(network: Network, sizes: Sizes) -> dict:
    """Mirror everything A holds, then time syncs that each bring ten changes."""
    say(f"  incremental: B mirrors {network.held:,} items …")
    mirror = network.pull(fresh=True)
    durations = []
    for round_number in range(sizes.incremental_runs):
        network.change(10, seed=round_number + 1)
        run = network.pull(fresh=False)
        if run["applied"] != 10:
            raise RuntimeError(f"an incremental sync applied {run['applied']} changes, not 10")
        durations.append(run["duration"])
    say(f"  incremental over {network.held:,}: {[round(d * 1000, 1) for d in durations]} ms")
    return {"held": network.held, "durations": durations, "mirror": mirror}


def _feed_serving(network: Network, sizes: Sizes) -> Row:
    """A's feed in pages of 100: one peer walking it from the start, and 16 clients reading pages."""
    client_id, secret = network.b.peer_credentials()
    token = federation_token(network.a.base_url, client_id, secret)
    walks = [feed_walk(network.a.base_url, token) for _ in range(sizes.runs)]
    # The floor reads the pages a sync reads: the size the pulling node asks for.
    network.pages_file.write_bytes(b"\n".join(feed_walk(network.a.base_url, token, limit=SYNC_PAGE_SIZE).pages))
    rates = [walk.items / walk.total_seconds for walk in walks]
    last = walks[-1].items - 200  # full pages only (positions have a few gaps where items changed)
    paths = [f"/api/federation/feed?after={after}&limit=100" for after in range(0, last, max(1, last // 97))]
    network.a.stop()
    network.a.start(cpu=None)  # both cores for the concurrent readers
    concurrent = load(network.a.base_url, paths, seconds=sizes.load_seconds,
                      headers={"Authorization": f"Bearer {token}", "Accept": "application/activity+json"})
    network.a.stop()
    network.a.start(cpu=SERVER_CPU)
    say(f"  feed: one peer {spread(rates, ' items/s')}; 16 clients {concurrent.requests_per_second * 100:,.0f} items/s")
    return Row(
        name="feed serving",
        target="pages of 100 served by node A: at least 5,000 items/s",
        measured=(
            f"{spread(rates, ' items/s')} to one peer walking the whole feed (server on 1 core); "
            f"{concurrent.requests_per_second * 100:,.0f} items/s to 16 clients ({concurrent.tool}, 2 cores, "
            f"p99 {concurrent.p99_ms:.0f} ms)"
        ),
        met=median(rates) >= 5000,
        details={"walk_items_per_second": rates, "concurrent": concurrent.__dict__},
    )


def _backfill(network: Network, sizes: Sizes) -> list[dict]:
    runs = []
    for number in range(sizes.runs):
        run = network.pull(fresh=True)
        say(f"  backfill {number + 1}: {run['applied']:,} items in {run['duration']:.2f} s, "
            f"{run['cpu_seconds'] / run['applied'] * 1000:.3f} ms CPU an item, peak RSS {run['peak_rss_mb']:.0f} MB")
        runs.append(run)
    return runs


def _backfill_rows(network: Network, sizes: Sizes, runs: list[dict]) -> list[Row]:
    rates = [run["applied"] / run["duration"] for run in runs]
    ingest = [run["cpu_seconds"] / run["applied"] * 1000 for run in runs]
    floors = []
    for _ in range(sizes.runs):
        network.b.restore("empty")
        floor = network.b.run("-m", "bench.floor", str(network.pages_file), network.a.base_url + "/", cpu=SYNC_CPU).json()
        floors.append(floor["cpu_seconds"] / floor["items"] * 1000)
    ratio = median(ingest) / median(floors)
    say(f"  floor {spread(floors, ' ms', 3)}; ingest {spread(ingest, ' ms', 3)}; ratio {ratio:.2f}")
    items = runs[0]["applied"]
    return [
        Row(
            name="backfill",
            target="node B pulls 10,000 signed method cards and events over HTTP, every proof verified, SQLite: "
                   "at least 1,000 items/s on one core",
            measured=f"{spread(rates, ' items/s')} ({items:,} documents; sync pinned to 1 core, A on the other)",
            met=median(rates) >= 1000,
            details={"runs": runs},
        ),
        Row(
            name="ingest floor",
            target="ingest at most 2 times the floor (orjson parse + proof + bulk insert, same database, one process)",
            measured=f"floor {spread(floors, ' ms', 3)} CPU an item; ingest {spread(ingest, ' ms', 3)} CPU an item; "
                     f"ratio {ratio:.2f}",
            met=ratio <= 2,
            details={"floor_ms": floors, "ingest_ms": ingest},
        ),
    ]


def _memory_row(sizes: Sizes, small: list[float], large: list[dict]) -> Row:
    large_rss = [run["peak_rss_mb"] for run in large]
    ratio = median(large_rss) / median(small)
    say(f"  memory: {sizes.memory_small:,} → {spread(small, ' MB')}; {sizes.memory_large:,} → {spread(large_rss, ' MB')}")
    return Row(
        name="memory",
        target=f"peak RSS of the syncing process for {sizes.memory_small:,} and {sizes.memory_large:,} items: "
               "at most 250 MB, the larger at most 1.2 times the smaller",
        measured=f"{sizes.memory_small:,}: {spread(small, ' MB')}; {sizes.memory_large:,}: {spread(large_rss, ' MB')}; "
                 f"ratio {ratio:.2f}",
        met=max(large_rss + small) <= 250 and ratio <= 1.2,
        details={"small_mb": small, "large_mb": large_rss,
                 "large_items_per_second": [run["applied"] / run["duration"] for run in large]},
    )


def _incremental_row(sizes: Sizes, small: dict, large: dict) -> Row:
    ratio = median(large["durations"]) / median(small["durations"])
    ms = [d * 1000 for d in small["durations"]], [d * 1000 for d in large["durations"]]
    return Row(
        name="incremental",
        target=f"a sync bringing 10 changes with {sizes.incremental_small:,} versus {sizes.incremental_large:,} "
               "items mirrored: time ratio at most 1.5",
        measured=f"{small['held']:,}: {spread(ms[0], ' ms', 1)}; {large['held']:,}: {spread(ms[1], ' ms', 1)}; "
                 f"ratio {ratio:.2f}",
        met=ratio <= 1.5,
        details={"small": small, "large": large},
    )
