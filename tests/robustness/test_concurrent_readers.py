"""Readers hammer a node's pages and API while it mirrors 10,000 items from a peer.

Node A holds 10,000 signed method cards; node B pulls them with ``manage.py sync`` while eight
threads of this test read B's home page, API lists and searches, mirrored method pages, the
calendar and the descriptor, and one more thread creates method cards on B through the API (a
second writer beside the sync). No reader meets a server error or a refused connection, every
write succeeds, and on SQLite neither the sync nor the server ever reports "database is locked"
(WAL, a busy timeout, short write transactions).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

from tests.conftest import PROJECT_DIR
from tests.network.harness import LiveNode
from tests.robustness.live import full_log, holds, methods_fill, readers_tokens

ITEMS = 10_000
READERS = 8
SEARCHES = ["Massenmethode", "Massenmethode 42", "Lasttest", "erkunden", "Zukunft", "ä ö ü", "%", "'"]


class Readers:
    """Threads that read a node until told to stop, counting every answer and every failure."""

    def __init__(self, node: LiveNode, tokens: list[str], uuids: list[str], *, lab: str) -> None:
        self.node, self.tokens, self.uuids, self.lab = node, tokens, uuids, lab
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.written = 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(number,), daemon=True) for number in range(READERS)]
        self.threads.append(threading.Thread(target=self._write, daemon=True))

    def __enter__(self) -> Readers:  # noqa: PYI034
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _paths(self, rng: random.Random) -> tuple[str, bool]:
        """A path to read, and whether it is an API path (read with the thread's token)."""
        choice = rng.randrange(8)
        if choice == 0:
            return "/", False
        if choice == 1:
            return f"/api/methods/?q={urllib.request.quote(rng.choice(SEARCHES))}&page_size=50", True
        if choice == 2:
            return f"/api/methods/?ordering=-date_modified&page={rng.randint(1, 5)}", True
        if choice == 3:
            return "/api/events/", True
        if choice == 4:
            return "/events.ics", False
        if choice == 5:
            return "/.well-known/stadtlabor", False
        return f"/methods/{rng.choice(self.uuids)}", False

    def _read(self, number: int) -> None:
        rng = random.Random(number)
        token = self.tokens[number]
        while not self.stopping.is_set():
            path, api = self._paths(rng)
            headers = {"Authorization": f"Bearer {token}"} if api else {}
            request = urllib.request.Request(self.node.base_url + path, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    self.statuses[response.status] += 1
            except urllib.error.HTTPError as error:
                self.statuses[error.code] += 1
                if error.code not in (404,):
                    self.failures.append(f"{error.code} {path}: {error.read()[:300]!r}")
            except OSError as error:  # refused, reset, timed out
                self.failures.append(f"{type(error).__name__} {path}: {error}")

    def _write(self) -> None:
        token = self.tokens[READERS]
        while not self.stopping.is_set():
            body = json.dumps({"title": f"Neben dem Sync {self.written}", "summary": "Geschrieben während des Syncs",
                               "phase": "erkunden", "lab": self.lab, "steps": [{"title": "Anfangen"}]}).encode()
            request = urllib.request.Request(self.node.base_url + "/api/methods/", data=body, method="POST",
                                             headers={"Authorization": f"Bearer {token}",
                                                      "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    self.written += 1
            except urllib.error.HTTPError as error:
                self.failures.append(f"{error.code} POST /api/methods/: {error.read()[:300]!r}")
            except OSError as error:
                self.failures.append(f"{type(error).__name__} POST /api/methods/: {error}")
            time.sleep(0.2)


def test_readers_meet_no_error_and_no_lock_while_ten_thousand_items_are_mirrored(network):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = network("CityLAB Berlin", "Berlin", server_workers=2)  # readers across processes, as deployed
    uuids = methods_fill(a, ITEMS)
    b.join(a)
    tokens = readers_tokens(b, READERS + 1, writer=True)
    lab = b.python("from hub.models import Lab; print(__import__('json').dumps(Lab.objects.get(origin__is_local=True).iri))")

    started = time.monotonic()
    with Readers(b, tokens, uuids, lab=lab) as readers:
        sync = subprocess.run([sys.executable, "manage.py", "sync", "--peer", a.base_url], cwd=PROJECT_DIR,
                              env=b.env(), capture_output=True, text=True, timeout=300, check=False)
        time.sleep(1)  # and a little while after the last page
    took = time.monotonic() - started

    report = sync.stdout + sync.stderr
    assert sync.returncode == 0 and f"{a.base_url}: ok in" in report, report
    assert holds(b, a) == ITEMS + 2, report  # the cards, A's lab and A's descriptor
    answered = sum(readers.statuses.values())
    assert readers.failures == [], (readers.failures[:20], readers.statuses)
    assert answered > 10 * READERS and readers.statuses[200] > 0, readers.statuses
    assert readers.written > 5, readers.written
    assert "database is locked" not in report
    assert "database is locked" not in full_log(b)
    print(f"sync and readers took {took:.1f} s; answers: {dict(readers.statuses)}; {readers.written} written")
