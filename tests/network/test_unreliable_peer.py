"""Scenario 5: an unreliable peer. A real node A pulls from a good live node B and from a server of the
test's own that goes down, answers 500, answers garbage and hangs in turn. Each time the sync names the
failing peer and exits non-zero, B's items still arrive, and the failing peer backs off ever longer; a
hanging peer costs one client deadline, not forever; once it is healthy again A catches up.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

from tests.network.fakes import FakeNode

CLIENT_DEADLINE = 10  # seconds: federation.http's default timeout for one request


@pytest.fixture
def wobbly():
    """A peer of the test's own that can be switched between healthy and several ways of failing."""
    fake = FakeNode("Wackellabor", "Wackelstadt")
    yield fake
    fake.close()


def sync(node) -> tuple[int, str, float]:
    """Run ``manage.py sync`` on the node: its exit code, its report and how long it took."""
    started = time.monotonic()
    result = node.manage("sync", check=False, timeout=120)
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def run_line(report: str, base_url: str) -> re.Match:
    """The report line of one peer's run: status, seconds, pages and counts."""
    match = re.search(
        rf"^{re.escape(base_url)}: (?P<status>ok|FAILED) in (?P<seconds>[\d.]+) s, (?P<pages>\d+) page\(s\), "
        r"(?P<applied>\d+) applied, (?P<unchanged>\d+) unchanged, (?P<rejected>\d+) rejected$",
        report, flags=re.MULTILINE,
    )
    assert match, f"no line for {base_url} in:\n{report}"
    return match


def peer_health(node, base_url: str) -> dict:
    """What ``manage.py peer list`` tells the operator about one peer."""
    listing = node.manage("peer", "list").stdout
    block = re.search(rf"^.* {re.escape(base_url)}\n((?:  .*\n?)+)", listing, flags=re.MULTILINE)
    assert block, listing
    text = block[1]
    moment = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|never)"

    def parse(value: str) -> datetime | None:
        return None if value == "never" else datetime.fromisoformat(value)

    error = re.search(rf"last error \({moment}\): (.*)", text)
    return {
        "failures": int(re.search(r"failures in a row: (\d+)", text)[1]),
        "next_attempt": parse(re.search(rf"next attempt: {moment}", text)[1]),
        "last_success": parse(re.search(rf"last success: {moment}", text)[1]),
        "error_at": parse(error[1]) if error else None,
        "error": error[2] if error else "",
    }


def test_a_failing_peer_backs_off_while_the_others_keep_syncing_and_catches_up_when_healthy(network, wobbly):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = network("CityLAB Berlin", "Berlin")
    a.join(b)
    first = wobbly.method("Wackelige Methode")
    wobbly.feed = [wobbly.descriptor(), wobbly.lab(), first]
    a.manage("peer", "join", wobbly.invitation())
    code, report, _ = sync(a)
    assert code == 0 and run_line(report, wobbly.base_url)["applied"] == "3", report
    assert a.version_of(first["id"]) == (1, False)

    later = wobbly.method("Nachzügler")
    wobbly.feed.append(later)  # what A should catch up on once the peer is back
    delays, b_items = [], []
    for mode, error in [
        ("down", "Peer unreachable: GET"),
        ("error", "Peer answered HTTP 500 Internal Server Error to GET"),
        ("garbage", "Peer sent invalid JSON to GET"),
        ("hang", f"no complete answer within {CLIENT_DEADLINE} s"),
    ]:
        wobbly.switch(mode)
        b_items.append(b.create_method(f"Berliner Methode während {mode}"))
        code, report, took = sync(a)

        assert code != 0, report
        assert f"Sync failed for: {wobbly.base_url}" in report
        assert b.base_url not in report.split("Sync failed for:")[1]
        assert run_line(report, b.base_url)["status"] == "ok"
        failed = run_line(report, wobbly.base_url)
        assert failed["status"] == "FAILED"
        assert re.search(rf"^  error: .*{re.escape(error)}", report, flags=re.MULTILINE), report
        assert all(a.version_of(iri) == (1, False) for iri in b_items), f"B's items are missing after {mode}:\n{report}"

        health = peer_health(a, wobbly.base_url)
        assert health["failures"] == len(b_items), health
        assert error in health["error"], health
        delays.append((health["next_attempt"] - health["error_at"]).total_seconds())
        if mode == "hang":
            assert CLIENT_DEADLINE - 0.5 <= float(failed["seconds"]) < CLIENT_DEADLINE + 5, report
            assert took < CLIENT_DEADLINE + 20
    assert delays[0] >= 20, f"the first retry should wait tens of seconds: {delays}"
    assert delays == sorted(delays) and len(set(delays)) == len(delays), f"no growing back-off: {delays}"
    assert a.version_of(later["id"]) is None

    wobbly.switch("healthy")
    code, report, _ = sync(a)
    assert code == 0, report
    line = run_line(report, wobbly.base_url)
    assert (line["status"], line["applied"], line["rejected"]) == ("ok", "1", "0"), report
    assert a.version_of(later["id"]) == a.version_of(first["id"]) == (1, False)
    health = peer_health(a, wobbly.base_url)
    assert (health["failures"], health["error"]) == (0, ""), health
    assert health["last_success"] is not None and health["next_attempt"] > health["last_success"]
