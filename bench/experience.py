"""The network's experience with methods on PostgreSQL: method pages and the catalog's experience filters, 16 clients.

One node on a fresh PostgreSQL database, served as ``runnode`` serves it (gunicorn, 2 workers of 4
threads), with the API's request-rate limits off (``bench.settings``). The generator
(``bench.generate experience``) adds 40 labs in ten cities, method cards and 100,000 signed
experience reports about them (a few methods tried thousands of times, most a handful) and counts
every method's figures as the services keep them on each write and mirror. The load runs three mixes
in turn, several rounds, on the same server: ``/healthz`` (the trivial view), the method mix (the
HTML page ``/methods/{uuid}`` with its section "Experience in the network" and ``/api/methods/{uuid}/``
with its ``experience``, for methods from the most tried to untried ones), and the catalog mix (the
catalog page and ``/api/methods/`` filtered by ``tried_in_labs``, ``worked_with`` and sorted by the
most tried).

The pages are kept rendered until the catalog changes, as the API's lists are (``web.kept`` and
``api.caching``), so under load nearly every answer comes from that cache: before the rounds, every path is asked for
on new connections until each server process keeps its page (``bench.load.warm``). What an answer costs when
it is built anew (the first request after a change) is measured apart by one client, as the catalog
benchmark does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.catalog import rounds_of, uncached_seconds
from bench.load import Load, warm
from bench.node import BenchNode, Template, psql
from bench.report import Row, median, say, spread


@dataclass(frozen=True)
class Sizes:
    methods: int
    reports: int
    rounds: int
    seconds: float


FULL = Sizes(methods=2_000, reports=100_000, rounds=3, seconds=10)
QUICK = Sizes(methods=200, reports=3_000, rounds=1, seconds=2)
LABS = 40
SAMPLE = 30  # methods of the method mix: the most tried, then evenly down to the least tried (or untried) ones
ACCEPT = {"Accept": "text/html,application/json"}  # pages as a browser asks for them; the API answers JSON

# Runs inside the node: the uuids of the sample's methods, from the most tried to untried ones.
SAMPLE_CODE = """
import json
from experience.models import MethodExperience
from methods.models import MethodCard
counts = dict(MethodExperience.objects.filter(audience="public").values_list("method_iri", "reports"))
methods = sorted(MethodCard.objects.filter(visibility="public").values_list("iri", "uuid"),
                 key=lambda row: (-counts.get(row[0], 0), str(row[1])))
step = max(1, len(methods) // {sample})
chosen = methods[:{sample} // 3] + methods[{sample} // 3::step][:{sample} - {sample} // 3]
print(json.dumps({{"uuids": [str(uuid) for _iri, uuid in chosen], "top": counts.get(methods[0][0], 0),
                  "untried": sum(1 for iri, _uuid in chosen if not counts.get(iri))}}))
"""

GROUPS = ("older-people", "people-with-disabilities", "little-german-or-low-literacy", "children-and-young-people",
          "general-public")


def mixes(uuids: list[str]) -> dict[str, list[str]]:
    """The request paths of each mix, sent round robin."""
    filters = [f"tried_in_labs={labs}" for labs in (1, 3, 10, 25)] + [f"worked_with={group}" for group in GROUPS]
    filters += ["ordering=-experience_reports", "tried_in_labs=3&worked_with=older-people&ordering=-experience_reports"]
    return {
        "trivial": ["/healthz"],
        "method": [path for uuid in uuids for path in (f"/methods/{uuid}", f"/api/methods/{uuid}/")],
        "catalog": [path for query in filters for path in (f"/methods/?{query}", f"/api/methods/?{query}")],
    }


def run(root: Path, sizes: Sizes) -> list[Row]:
    template = Template(root, postgres=True)
    node = BenchNode("experience", root, settings="bench.settings", environment={"HUB_THROTTLE": "off"})
    try:
        node.create(template)
        say(f"  generating {LABS} labs, {sizes.methods:,} method cards and {sizes.reports:,} experience reports …")
        made = node.run("-m", "bench.generate", "experience", "--methods", str(sizes.methods), "--reports",
                        str(sizes.reports), "--labs", str(LABS), "--seed", "7").json()
        psql("VACUUM ANALYZE", node.database)
        sample = node.python(SAMPLE_CODE.format(sample=SAMPLE))
        say(f"  {made['methods_with_reports']:,} methods have reports (the most tried {sample['top']:,}); "
            f"the method mix has {len(sample['uuids'])} methods, {sample['untried']} of them untried")
        paths = mixes(sample["uuids"])
        node.start()
        uncached = {name: uncached_seconds(node.base_url, paths[name], 1) for name in ("method", "catalog")}
        for name, seconds in uncached.items():
            say(f"  not yet kept, {name}: median {median(seconds) * 1000:.1f} ms, max {max(seconds) * 1000:.1f} ms "
                f"({len(seconds)} requests, one client)")
        for mix in paths.values():  # each server process keeps its own pages: every one keeps every page first
            warm(node.base_url, mix, headers=ACCEPT)
        results = rounds_of(node.base_url, paths, rounds=sizes.rounds, seconds=sizes.seconds, headers=ACCEPT)
    finally:
        node.stop()
        node.drop()
        template.drop()
    return [_row(name, results, sizes, uncached[name]) for name in ("method", "catalog")]


def _row(name: str, results: dict[str, list[Load]], sizes: Sizes, uncached: list[float]) -> Row:
    trivial = median([r.requests_per_second for r in results["trivial"]])
    rates = [r.requests_per_second for r in results[name]]
    p99s = [r.p99_ms for r in results[name]]
    what = (f"the page and the API of {SAMPLE} methods, from the most tried to the least tried" if name == "method" else
            "the catalog page and /api/methods/ filtered by tried_in_labs, worked_with, most tried")
    return Row(
        name=f"experience {name}",
        target=f"{'method page' if name == 'method' else 'catalog experience filters'} with {sizes.reports:,} "
               f"experience reports on PostgreSQL, 16 clients: p99 at most 150 ms",
        measured=f"p99 {spread(p99s, ' ms', 1)}; {spread(rates, ' req/s')} = {median(rates) / trivial:.0%} of "
                 f"/healthz's {trivial:,.0f} req/s ({what}; {results[name][0].tool}); not yet kept: median "
                 f"{median(uncached) * 1000:.0f} ms, max {max(uncached) * 1000:.0f} ms (one client)",
        met=median(p99s) <= 150,
        details={"rates": rates, "p99_ms": p99s, "trivial_rates": [r.requests_per_second for r in results["trivial"]],
                 "uncached_ms": [round(value * 1000, 1) for value in uncached]},
    )
