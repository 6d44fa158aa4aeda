"""Two Celery workers sync different peers in parallel, and the per-peer lease holds between them.

Node X peers with P and Q, which hold method cards X has not pulled yet. Two ``celery worker
--pool=solo`` processes run X's tasks from one queue (Redis in the PostgreSQL pass, the file-system
broker in X's data folder otherwise). The test sends the tasks one by one, each when the workers are
in a known state, so that the outcome does not depend on how fast a two-core machine is: a pull of P
starts on one worker; a second pull of P, sent while the first runs, reaches the idle worker, finds
the lease taken and does nothing; a pull of Q then runs on that worker while P's still runs. A burst
of further pulls of both follows. In the end X holds everything of P and Q, every task succeeded,
both workers worked, the runs of one peer never overlap in time, and P's and Q's runs did.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import redis
from celery import Celery

from config.broker import TRANSPORT as BROKER_TRANSPORT
from tests.conftest import PROJECT_DIR
from tests.network.harness import LiveNode, wait_for
from tests.robustness.live import database_value, holds, methods_fill, peer_id

# A worker of X's Celery app that also keeps a journal of the tasks it runs (the node logs neither
# receipt nor success of a task: its logging settings keep those lines quiet).
JOURNALING_WORKER = """
import json, sys, time
from celery.signals import task_postrun, task_prerun
from config.celery import app

journal = open(sys.argv[1], "a", buffering=1)

@task_prerun.connect
def started(task_id=None, args=None, **_):
    journal.write(json.dumps({"task": task_id, "event": "start", "args": args, "at": time.time()}) + "\\n")

@task_postrun.connect
def ended(task_id=None, state=None, **_):
    journal.write(json.dumps({"task": task_id, "event": "end", "state": state, "at": time.time()}) + "\\n")

app.worker_main(sys.argv[2:])
"""
ITEMS_ON_P = 6000  # X's pull of P takes several seconds: long enough for the steps that need it running
ITEMS_ON_Q = 1000
TASK = "federation.tasks.sync_peer_task"


def broker_url() -> str | None:
    """Redis when the test run has it (the PostgreSQL pass), else None: X's own file-system broker."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else None


class Workers:
    """Two worker processes for node X on one queue of their own, and a producer sending them tasks."""

    def __init__(self, node: LiveNode, root: Path) -> None:
        self.node, self.queue = node, f"robust-{uuid.uuid4().hex[:12]}"
        self.env = node.env() | ({"CELERY_BROKER_URL": broker_url()} if broker_url() else {})
        self.logs = [root / f"worker-{number}.log" for number in (1, 2)]
        self.journals = [root / f"worker-{number}.jsonl" for number in (1, 2)]
        self.processes: list[subprocess.Popen] = []
        self.sent: dict[str, int] = {}
        # not the current app: the node's shared tasks would otherwise bind to it for the rest of the test process
        self.app = Celery("robustness-producer", broker=broker_url() or "filesystem://", set_as_current=False)
        self.app.conf.update(task_serializer="json", accept_content=["json"])
        if not broker_url():
            folders = node.data_dir / "broker"
            self.app.conf.broker_transport = BROKER_TRANSPORT  # as the node's settings: whole messages only
            self.app.conf.broker_transport_options = {
                "data_folder_in": str(folders / "queue"), "data_folder_out": str(folders / "queue"),
                "processed_folder": str(folders / "processed"), "control_folder": str(folders / "control"),
            }

    def start(self) -> None:
        for number, (log, journal) in enumerate(zip(self.logs, self.journals, strict=True), start=1):
            command = [sys.executable, "-c", JOURNALING_WORKER, str(journal), "worker", "--pool=solo", "--loglevel=INFO",
                       "-Q", self.queue, "--hostname", f"{self.queue}-{number}@%h", "--prefetch-multiplier=1",
                       "--without-mingle", "--without-gossip"]
            with log.open("w") as handle:
                self.processes.append(subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env, stdout=handle,
                                                       stderr=subprocess.STDOUT, start_new_session=True))
        for log, process in zip(self.logs, self.processes, strict=True):
            wait_for(lambda log=log, process=process: "ready" in log.read_text() or process.poll() is not None,
                     timeout=60, what=f"worker {log.name} ready")
            assert process.poll() is None, log.read_text()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if broker_url():  # the queue's binding stays in Redis after its last message: remove it
            redis.Redis.from_url(broker_url()).delete(self.queue, f"_kombu.binding.{self.queue}")

    def send(self, peer: int) -> str:
        """Queue a pull of one peer, as ``sync_peer_task.delay`` on X would; return the task id."""
        task_id = f"{self.queue}-{len(self.sent) + 1}-peer-{peer}"
        self.app.send_task(TASK, args=[peer], queue=self.queue, task_id=task_id)
        self.sent[task_id] = peer
        return task_id

    def journal(self) -> list[list[dict]]:
        return [[json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
                for path in self.journals]

    def worker_of(self, task_id: str) -> int | None:
        """Which worker (0 or 1) finished the task, if one did."""
        for number, entries in enumerate(self.journal()):
            if any(entry["task"] == task_id and entry["event"] == "end" for entry in entries):
                return number
        return None

    def assert_every_task_succeeded(self) -> None:
        ends = {entry["task"]: entry["state"] for entries in self.journal() for entry in entries
                if entry["event"] == "end"}
        assert ends == dict.fromkeys(self.sent, "SUCCESS"), (ends, [log.read_text()[-3000:] for log in self.logs])


@pytest.fixture
def workers(network, tmp_path):
    made: list[Workers] = []

    def make(node: LiveNode) -> Workers:
        made.append(Workers(node, tmp_path))
        made[-1].start()
        return made[-1]

    yield make
    for each in made:
        each.stop()


def running_runs(node: LiveNode, peer: int) -> int:
    return int(database_value(node, f"SELECT COUNT(*) FROM federation_syncrun WHERE peer_id = {peer} "
                                    "AND finished_at IS NULL") or 0)


def runs_of(node: LiveNode) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """(started, finished) of every sync run, per peer, in the order they started."""
    rows = node.python(
        """
        import json
        from federation.models import SyncRun
        rows = SyncRun.objects.order_by("started_at").values_list("peer_id", "started_at", "finished_at")
        print(json.dumps([[peer, start.isoformat(), end and end.isoformat()] for peer, start, end in rows]))
        """
    )
    runs: dict[int, list] = {}
    for peer, start, end in rows:
        runs.setdefault(peer, []).append((datetime.fromisoformat(start), end and datetime.fromisoformat(end)))
    return runs


def test_two_workers_pull_different_peers_in_parallel_and_never_the_same_peer_twice_at_once(network, workers):
    x = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    p = network("CityLAB Berlin", "Berlin")
    q = network("Stadtlabor Musterstadt", "Musterstadt")
    methods_fill(p, ITEMS_ON_P, prefix="berlin", title="Berliner Methode")
    methods_fill(q, ITEMS_ON_Q, prefix="muster", title="Muster-Methode")
    x.join(p)
    x.join(q)
    p_id, q_id = peer_id(x, p), peer_id(x, q)
    pool = workers(x)

    first_p = pool.send(p_id)
    wait_for(lambda: running_runs(x, p_id) == 1, timeout=60, interval=0.05, what="the first pull of P running")
    second_p = pool.send(p_id)  # reaches the idle worker while the first pull of P runs
    wait_for(lambda: pool.worker_of(second_p) is not None, timeout=60, interval=0.1, what="the second pull of P")
    assert running_runs(x, p_id) == 1, "the first pull of P ended too early for this test to show the lease"
    first_q = pool.send(q_id)  # runs on that worker while P's pull still runs
    wait_for(lambda: pool.worker_of(first_q) is not None and pool.worker_of(first_p) is not None, timeout=120,
             interval=0.2, what="the pulls of P and Q")
    burst = [pool.send(peer) for peer in (p_id, q_id, p_id, q_id, p_id)]
    wait_for(lambda: all(pool.worker_of(task) is not None for task in burst), timeout=120, interval=0.2,
             what="the burst of pulls")

    pool.assert_every_task_succeeded()
    assert holds(x, p) == ITEMS_ON_P + 2 and holds(x, q) == ITEMS_ON_Q + 2
    assert pool.worker_of(first_p) != pool.worker_of(second_p) == pool.worker_of(first_q)
    assert {pool.worker_of(task) for task in pool.sent} == {0, 1}, "both workers did work"
    runs = runs_of(x)
    for peer, intervals in runs.items():
        assert all(end is not None for _start, end in intervals), intervals
        for (_start, end), (next_start, _end) in itertools.pairwise(intervals):
            assert end <= next_start, f"runs of peer {peer} overlap: {intervals}"
    p_tasks = sum(1 for peer in pool.sent.values() if peer == p_id)
    assert len(runs[p_id]) < p_tasks, "the second pull of P found the lease taken and made no run"
    (p_start, p_end), (q_start, q_end) = runs[p_id][0], runs[q_id][0]
    assert q_start < p_end and p_start < q_end, "the first pulls of P and Q ran at the same time"
