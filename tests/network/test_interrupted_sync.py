"""Scenario 6: a sync killed in the middle resumes with nothing lost and nothing twice.

Node B holds a few hundred method cards, several feed pages. On A, ``manage.py sync`` is killed with
SIGKILL again and again while it pulls (while it fetches or applies its first page, then at a random
moment in the page after one it has just stored, possibly inside that page's transaction), then run to
the end. After every kill A
holds exactly the pages its cursor says it stored; after the last run it holds exactly what B holds,
each card once, and the last run applied exactly what the killed runs had not stored.
"""

from __future__ import annotations

import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

from tests.conftest import PROJECT_DIR
from tests.network.harness import LiveNode

METHODS_ON_B = 500  # with B's descriptor and lab: 502 documents, six pages of at most 100
PAGE = 100


@pytest.fixture(scope="module")
def pair(module_network):
    """A peered with B; B holds METHODS_ON_B method cards that A has not pulled yet."""
    a = module_network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = module_network("CityLAB Berlin", "Berlin")
    a.join(b)
    create_methods(b, METHODS_ON_B)
    return a, b


def create_methods(node: LiveNode, count: int) -> None:
    """Create ``count`` method cards on the node through its service (in one transaction, to be quick)."""
    node.python(
        f"""
        from django.db import transaction
        from hub.models import Lab
        from methods.services import method_create
        from hub.roles import SYSTEM
        lab = Lab.objects.filter(origin__is_local=True).first()
        with transaction.atomic():
            for number in range({count}):
                method_create(actor=SYSTEM, title=f"Methode {{number}}", summary="Zusammenfassung", phase="erkunden", lab=lab,
                              steps=[{{"title": "Anfangen"}}])
        print("null")
        """
    )


def feed_of(node: LiveNode) -> list[tuple[int, str, int]]:
    """(position, id, version) of everything the node offers in its feed, oldest change first."""
    return [tuple(row) for row in node.python(
        """
        import json
        from hub.models import ChangeLogEntry
        rows = ChangeLogEntry.objects.exclude(document="").order_by("position").values_list("position", "iri", "version")
        print(json.dumps(list(rows)))
        """
    )]


def mirror_of(a: LiveNode, b: LiveNode) -> dict:
    """What A holds of B's items: its cursor, (id, version) pairs, method card and step rows per id."""
    return a.python(
        f"""
        import json
        from django.db.models import Count
        from federation.models import Peer
        from hub.models import ChangeLogEntry
        from methods.models import MethodCard, MethodStep
        peer = Peer.objects.filter(node__iri={b.iri!r})
        ours = dict(iri__startswith={b.base_url + "/"!r})
        print(json.dumps({{
            "cursor": peer.get().cursor,
            "held": dict(ChangeLogEntry.objects.filter(**ours).values_list("iri", "version")),
            "cards": dict(MethodCard.objects.filter(**ours).values("iri").annotate(n=Count("id")).values_list("iri", "n")),
            "steps": dict(MethodStep.objects.filter(method__iri__startswith={b.base_url + "/"!r})
                          .values("method__iri").annotate(n=Count("id")).values_list("method__iri", "n")),
        }}))
        """
    )


def database_value(node: LiveNode, query: str) -> int | None:
    """One number read straight from the node's database (polled faster than ``manage.py shell`` starts)."""
    if node.database:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", node.database, "-tAc", query],
                             capture_output=True, text=True, check=True).stdout.strip()
        return int(out) if out else None
    with closing(sqlite3.connect(node.data_dir / "hub.sqlite3", timeout=5)) as database:
        row = database.execute(query).fetchone()
    return row[0] if row else None


def sync_killed(node: LiveNode, peer: LiveNode, *, after_pages: int, jitter: float) -> bool:
    """Start ``manage.py sync`` on the node, SIGKILL it ``jitter`` s after it stored ``after_pages`` pages.

    Returns whether the kill hit a running sync (False when it had ended already).
    """
    before = database_value(node, "SELECT COALESCE(MAX(id), 0) FROM federation_syncrun")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sync", "--peer", peer.base_url], cwd=PROJECT_DIR, env=node.env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        pages = database_value(node, f"SELECT pages FROM federation_syncrun WHERE id > {before} ORDER BY id DESC LIMIT 1")
        if pages is not None and pages >= after_pages:
            break
        time.sleep(0.01)
    time.sleep(jitter)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    output = process.communicate(timeout=30)[0]
    assert running or " ok in " in output, output
    return running


def assert_stored_exactly_up_to_the_cursor(mirror: dict, feed: list[tuple[int, str, int]]) -> None:
    """A holds exactly the items of the pages up to its cursor, each card and its one step once."""
    cursor = int(mirror["cursor"])
    assert mirror["held"] == {iri: version for position, iri, version in feed if position <= cursor}
    methods = [iri for _position, iri, _version in feed if "/methods/" in iri and iri in mirror["held"]]
    assert mirror["cards"] == dict.fromkeys(methods, 1)
    assert mirror["steps"] == dict.fromkeys(methods, 1)


def test_a_sync_killed_mid_page_again_and_again_resumes_with_nothing_lost_and_nothing_twice(pair):
    a, b = pair
    feed = feed_of(b)
    assert len(feed) == METHODS_ON_B + 2

    kills, stored_before = 0, 0
    while kills < 3 and len(feed) - stored_before > 3 * PAGE:
        # The first kill lands while the first page is fetched or applied, the later ones somewhere in
        # the page after the one just stored (a page takes some tens of milliseconds here).
        hit = sync_killed(a, b, after_pages=min(kills, 1), jitter=random.uniform(0, 0.06))
        assert hit, "the sync ended before it could be killed"
        kills += 1
        mirror = mirror_of(a, b)
        assert_stored_exactly_up_to_the_cursor(mirror, feed)
        stored_before = len(mirror["held"])
    assert kills >= 2 and 0 < stored_before < len(feed), (kills, stored_before)

    report = a.sync()
    counts = re.search(rf"^{re.escape(b.base_url)}: ok in .* (\d+) applied, (\d+) unchanged, (\d+) rejected$",
                       report, flags=re.MULTILINE)
    assert counts, report
    applied, unchanged, rejected = map(int, counts.groups())
    assert (applied, unchanged, rejected) == (len(feed) - stored_before, 0, 0), report

    mirror = mirror_of(a, b)
    assert mirror["cursor"] == str(feed[-1][0])
    assert mirror["held"] == {iri: version for _position, iri, version in feed}
    assert_stored_exactly_up_to_the_cursor(mirror, feed)
    assert f"items mirrored: {len(feed)}" in a.manage("peer", "list").stdout


def test_a_sync_run_right_after_a_crash_resumes_at_once(pair):
    a, b = pair
    create_methods(b, PAGE + PAGE // 2)
    feed = feed_of(b)
    assert sync_killed(a, b, after_pages=0, jitter=0.02), "the sync ended before it could be killed"
    report = a.sync(check=False)
    assert re.search(rf"^{re.escape(b.base_url)}: ok in ", report, flags=re.MULTILINE), report
    assert mirror_of(a, b)["held"] == {iri: version for _position, iri, version in feed}
