"""Nodes for the benchmarks: real processes with their own data folder and database, real HTTP on loopback.

Like ``tests/network/harness.py``, but everything lives under ``/tmp/bench-*`` and a node can be
snapshotted and restored, so that every measured sync starts from the same state without peering
again. Processes can be pinned to a CPU, so a measurement "on one core" is one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str, database: str = "postgres") -> str:
    """Run SQL as the PostgreSQL superuser on loopback; return what it prints."""
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql],
        check=True, capture_output=True, text=True,
    )
    return result.stdout.strip()


def pinned(cpu: int | None):
    """A preexec_fn that pins the child (and its children) to one CPU, or None to leave it free."""
    if cpu is None or cpu not in os.sched_getaffinity(0):
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


@dataclass
class Finished:
    """A child process's output, exit status and resource use."""

    stdout: str
    stderr: str
    returncode: int
    peak_rss_mb: float
    cpu_seconds: float
    wall_seconds: float

    def json(self) -> Any:
        """The last line of standard output, read as JSON."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1])


@dataclass
class BenchNode:
    """One node: a data folder, a database (SQLite in the folder, or a PostgreSQL database) and a server."""

    name: str
    root: Path
    database: str | None = None  # a PostgreSQL database name; None for SQLite
    port: int = field(default_factory=free_port)
    settings: str = "config.settings"
    process: subprocess.Popen | None = None
    environment: dict[str, str] = field(default_factory=dict)  # variables of its own, such as HUB_THROTTLE

    def __post_init__(self) -> None:
        # A node's IRI holds its port: a node made earlier under this root keeps the one it was given.
        saved = self.data_dir / "port"
        if saved.exists():
            self.port = int(saved.read_text())

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.root / self.name

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / "hub.sqlite3"

    def env(self) -> dict[str, str]:
        """The node's environment: nothing of the caller's HUB_, DJANGO_ or database settings leaks in."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
        env = clean | {
            "HUB_BASE_URL": self.base_url,
            "HUB_DATA_DIR": str(self.data_dir),
            "HUB_SYNC_INTERVAL": "3600",
            "DJANGO_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": self.settings,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(PROJECT_DIR),
        }
        if self.database:
            env["DATABASE_URL"] = f"{POSTGRES}/{self.database}"
        return env | self.environment

    def run(self, *args: str, cpu: int | None = None, timeout: float = 1800, check: bool = True) -> Finished:
        """Run a Python command (``-m module …`` or ``manage.py …``) in the node's environment, measured.

        The child is reaped with ``wait4``, which gives its own peak RSS and CPU time (the
        ``RUSAGE_CHILDREN`` figures are maxima and sums over every child ever waited for).
        """
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(
                [sys.executable, *args], cwd=PROJECT_DIR, env=self.env(), stdout=out, stderr=err,
                preexec_fn=pinned(cpu),
            )
            watchdog = threading.Timer(timeout, process.kill)
            watchdog.start()
            try:
                _pid, status, usage = os.wait4(process.pid, 0)
            finally:
                watchdog.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(), err.read().decode()
        finished = Finished(
            stdout, stderr, process.returncode, peak_rss_mb=usage.ru_maxrss / 1024,
            cpu_seconds=usage.ru_utime + usage.ru_stime, wall_seconds=time.perf_counter() - started,
        )
        if check and process.returncode != 0:
            raise RuntimeError(
                f"{self.name}: {' '.join(args)} failed ({process.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}"
            )
        return finished

    def manage(self, *args: str, **kwargs: Any) -> Finished:
        return self.run("manage.py", *args, **kwargs)

    def python(self, code: str) -> Any:
        """Run Python inside the node (Django set up) and return the JSON it prints last."""
        return self.manage("shell", "-c", code).json()

    # Life cycle

    def create(self, template: Template) -> None:
        """A fresh data folder and database from the migrated template, and the node's identity."""
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        self.data_dir.mkdir(parents=True)
        (self.data_dir / "port").write_text(str(self.port))
        template.copy_to(self)
        self.manage("init_node", "--name", f"Bench {self.name}", "--city", f"Stadt {self.name}")

    def start(self, *, workers: int = 2, cpu: int | None = None) -> None:
        """Serve the node with gunicorn (no Celery worker) until ``stop``."""
        log = (self.root / f"{self.name}.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runnode", "--no-worker", "--workers", str(workers)],
            cwd=PROJECT_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=pinned(cpu),
        )
        self._wait_until_serving()

    def _wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not serve within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        """Stop the server as Ctrl-C would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def log(self) -> str:
        path = self.root / f"{self.name}.log"
        return path.read_text()[-5000:] if path.exists() else ""

    # Snapshots (SQLite nodes): the data folder as it is, to come back to before each measured run.

    def snapshot(self, label: str) -> Path:
        """Copy the data folder aside; the node must not be serving."""
        self.manage("shell", "-c", "from django.db import connection; connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')")
        target = self.root / f"{self.name}.{label}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(self.data_dir, target)
        return target

    def restore(self, label: str) -> None:
        """Put the data folder back as it was at ``snapshot(label)``."""
        shutil.rmtree(self.data_dir)
        shutil.copytree(self.root / f"{self.name}.{label}", self.data_dir)

    def drop(self) -> None:
        """Remove the node's PostgreSQL database, if it has one."""
        if self.database:
            psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")

    # Federation, as an operator would do it

    def join(self, other: BenchNode) -> None:
        """Peer with ``other`` through an invitation it issues (both must be serving)."""
        invitation = other.manage("peer", "invite").stdout.strip()
        self.manage("peer", "join", invitation)

    def peer_credentials(self) -> tuple[str, str]:
        """Our client id and secret at our only peer."""
        return tuple(self.python(
            "import json; from federation.models import Peer; p = Peer.objects.get(); "
            "print(json.dumps([p.client_id, p.client_secret]))"
        ))


class Template:
    """A database migrated once; each node starts from a copy of it."""

    def __init__(self, root: Path, *, postgres: bool = False) -> None:
        self.node = BenchNode(name="template", root=root)
        if postgres:
            self.node.database = f"bench_template_{os.getpid()}"
            psql(f"DROP DATABASE IF EXISTS {self.node.database}")
            psql(f"CREATE DATABASE {self.node.database}")
        self.node.data_dir.mkdir(parents=True, exist_ok=True)
        self.node.manage("migrate", "--noinput", "-v0")

    def copy_to(self, node: BenchNode) -> None:
        if self.node.database:
            node.database = f"bench_{node.name}_{os.getpid()}"
            psql(f"DROP DATABASE IF EXISTS {node.database} WITH (FORCE)")
            psql(f"CREATE DATABASE {node.database} TEMPLATE {self.node.database}")
        else:
            shutil.copyfile(self.node.sqlite_file, node.sqlite_file)

    def drop(self) -> None:
        self.node.drop()
