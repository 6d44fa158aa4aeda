"""The catalog on PostgreSQL: list and word search over the API next to a trivial JSON view, 16 clients.

One node on a fresh PostgreSQL database holds the generated items (half method cards, half events)
and is served as ``runnode`` serves it (gunicorn, 2 workers of 4 threads), with the API's request
rate limits off (``bench.settings``). The load runs the three request mixes in turn, several rounds,
on the same server: ``/healthz`` (the trivial view, no database), the first pages of the method and
event lists, and searches for words from the commonest (in most items) to rare ones.

The API keeps rendered list pages until the catalog changes (``api.caching``), so under load nearly
every answer comes from that cache (each server process keeps every page before the rounds,
``bench.load.warm``). What a page costs when it is not kept (the first request after
a change) is measured apart: one client asks each page of the two mixes once with a parameter the
API ignores but the cache key includes, so every answer is built from the database.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.load import Load, load, warm
from bench.node import BenchNode, Template, psql
from bench.report import Row, median, say, spread
from bench.words import ENGLISH, GERMAN


@dataclass(frozen=True)
class Sizes:
    items: int
    rounds: int
    seconds: float


FULL = Sizes(items=100_000, rounds=3, seconds=10)
QUICK = Sizes(items=3_000, rounds=1, seconds=2)

SEARCH_RANKS = (1, 10, 40, 120, 250)


def mixes() -> dict[str, list[str]]:
    """The request paths of each mix, sent round robin."""
    words = [GERMAN[rank - 1] for rank in SEARCH_RANKS] + [ENGLISH[rank - 1] for rank in (1, 20, 100)]
    words += [f"{GERMAN[4]} {GERMAN[30]}", f"{ENGLISH[2]} {ENGLISH[15]}"]
    return {
        "trivial": ["/healthz"],
        "list": [f"/api/{kind}/?page={page}" for kind in ("methods", "events") for page in range(1, 6)],
        "search": [f"/api/{kind}/?q={word.replace(' ', '+')}" for word in words for kind in ("methods", "events")],
    }


def run(root: Path, sizes: Sizes) -> list[Row]:
    template = Template(root, postgres=True)
    node = BenchNode("catalog", root, settings="bench.settings")
    try:
        node.create(template)
        say(f"  generating {sizes.items:,} items on PostgreSQL …")
        node.run("-m", "bench.generate", "items", "--count", str(sizes.items), "--seed", "7")
        psql("VACUUM ANALYZE", node.database)
        node.start()
        uncached = {name: uncached_seconds(node.base_url, mixes()[name], sizes.rounds) for name in ("list", "search")}
        for name, seconds in uncached.items():
            say(f"  uncached {name}: median {median(seconds) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms "
                f"({len(seconds)} requests, one client)")
        for paths in mixes().values():  # warm the database's cache, and every server process keeps every page
            warm(node.base_url, paths)
        results = rounds_of(node.base_url, mixes(), rounds=sizes.rounds, seconds=sizes.seconds)
    finally:
        node.stop()
        node.drop()
        template.drop()
    return [_row(name, results, sizes, uncached[name]) for name in ("list", "search")]


def rounds_of(base_url: str, mixes: dict[str, list[str]], *, rounds: int, seconds: float,
              headers: dict[str, str] | None = None) -> dict[str, list[Load]]:
    """Each mix loaded for ``seconds`` in turn, ``rounds`` times, saying each result; a failed request stops it."""
    results: dict[str, list[Load]] = {name: [] for name in mixes}
    for round_number in range(rounds):
        for name, paths in mixes.items():
            result = load(base_url, paths, seconds=seconds, headers=headers)
            if result.failures:
                raise RuntimeError(f"{name}: {result.failures} requests failed or were not 2xx")
            results[name].append(result)
            say(f"  round {round_number + 1} {name}: {result.requests_per_second:,.0f} req/s, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
    return results


def uncached_seconds(base_url: str, paths: list[str], rounds: int) -> list[float]:
    """The time of each page built anew: every path asked ``rounds`` times, each with its own ``_=`` value."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    seconds = []
    try:
        for round_number in range(rounds):
            for path in paths:
                separator = "&" if "?" in path else "?"
                started = time.perf_counter()
                connection.request("GET", f"{path}{separator}_=uncached-{round_number}")
                response = connection.getresponse()
                response.read()
                seconds.append(time.perf_counter() - started)
                if response.status != 200:
                    raise RuntimeError(f"{path}: {response.status} {response.reason}")
    finally:
        connection.close()
    return seconds


def _row(name: str, results: dict[str, list[Load]], sizes: Sizes, uncached: list[float]) -> Row:
    trivial = median([r.requests_per_second for r in results["trivial"]])
    rates = [r.requests_per_second for r in results[name]]
    p99s = [r.p99_ms for r in results[name]]
    share = median(rates) / trivial
    what = "the first 5 pages (20 items) of methods and events" if name == "list" else \
        "word searches, commonest to rare words, methods and events"
    return Row(
        name=f"catalog {name}",
        target=f"{name} over {sizes.items:,} items on PostgreSQL, 16 clients: p99 at most 150 ms, "
               "throughput at least half the trivial view's",
        measured=f"p99 {spread(p99s, ' ms', 1)}; {spread(rates, ' req/s')} = {share:.0%} of /healthz's "
                 f"{trivial:,.0f} req/s ({what}; {results[name][0].tool}); a page not yet kept: median "
                 f"{median(uncached) * 1000:.0f} ms, max {max(uncached) * 1000:.0f} ms (one client)",
        met=median(p99s) <= 150 and share >= 0.5,
        details={"rates": rates, "p99_ms": p99s, "trivial_rates": [r.requests_per_second for r in results["trivial"]],
                 "uncached_ms": [round(value * 1000, 1) for value in uncached]},
    )
