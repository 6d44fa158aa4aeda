"""Live nodes for the network tests: separate processes, own databases and data folders, real HTTP.

A ``LiveNode`` is what a city would run: ``migrate``, ``init_node``, then ``runnode`` (gunicorn, and
a Celery worker when asked), all as child processes with their own environment. The tests drive
nodes through the same commands a person would use (``peer invite``, ``peer join``, ``sync``) and
read their state back through ``manage.py shell``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis

from tests.conftest import PROJECT_DIR, free_port

POSTGRES = "postgres://postgres@127.0.0.1:5432"


def uses_postgres() -> bool:
    """Whether this test run is the PostgreSQL pass (the nodes then get PostgreSQL databases too)."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


@dataclass
class LiveNode:
    """One node of the network, run as a city would run it."""

    name: str
    city: str
    root: Path
    worker: bool = False
    redis_db: int | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    database: str | None = None
    environment: dict[str, str] = field(default_factory=dict)  # settings of its own, such as HUB_FEDERATION_MODE
    # gunicorn worker processes: one (of four threads) serves a test's few requests; each more
    # process costs a Django start-up, and on two cores start-ups are what the live tests wait for.
    server_workers: int = 1

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def iri(self) -> str:
        return self.base_url + "/"

    @property
    def data_dir(self) -> Path:
        return self.root / self.name.split()[0].lower()

    def env(self) -> dict[str, str]:
        """The node's own environment: nothing of the test run's database or broker leaks in."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
        env = clean | {
            "HUB_BASE_URL": self.base_url,
            "HUB_DATA_DIR": str(self.data_dir),
            "HUB_SYNC_INTERVAL": "3600",
            "PYTHONUNBUFFERED": "1",
        }
        env |= self.environment
        if self.database:
            env["DATABASE_URL"] = f"{POSTGRES}/{self.database}"
        if self.redis_db is not None:
            env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{self.redis_db}"
        return env

    def setup(self, template: DatabaseTemplate) -> None:
        """Create the node's database (a copy of the migrated template) and its identity."""
        self.data_dir.mkdir(parents=True)
        self.database = template.copy_to(self.data_dir)
        if self.redis_db is not None:
            redis.Redis(host="127.0.0.1", port=6379, db=self.redis_db).flushdb()  # no tasks of an earlier run
        self.manage("init_node", "--name", self.name, "--city", self.city)

    def manage(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        """Run a management command as the node's operator would."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=self.env(),
            capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{self.name}: manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str) -> Any:
        """Run Python inside the node (Django set up) and return what it prints as JSON."""
        result = self.manage("shell", "-c", textwrap.dedent(code))
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def start(self) -> None:
        """Serve the node (and run its worker, if it has one) until ``stop``."""
        args = [sys.executable, "manage.py", "runnode", "--workers", str(self.server_workers)] + ([] if self.worker else ["--no-worker"])
        log = (self.root / f"{self.data_dir.name}.log").open("a")
        self.process = subprocess.Popen(
            args, cwd=PROJECT_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.wait_until_serving()

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} stopped:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + "/.well-known/stadtlabor", timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not serve within {timeout} s:\n{self.log()}")

    def interrupt(self) -> None:
        """Press Ctrl-C on the node."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)

    def stop(self) -> None:
        """Stop the node's processes as Ctrl-C would, waiting for them to end."""
        self.interrupt()
        if self.process:
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def drop(self) -> None:
        """Remove the node's PostgreSQL database, if it has one."""
        if self.database:
            _psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")

    def log(self) -> str:
        path = self.root / f"{self.data_dir.name}.log"
        return path.read_text()[-5000:] if path.exists() else ""

    # What the tests do on a node, as its people would.

    def invite(self) -> str:
        return self.manage("peer", "invite").stdout.strip()

    def join(self, other: LiveNode) -> None:
        """Peer with ``other`` through an invitation it issues."""
        self.manage("peer", "join", other.invite())

    def sync(self, *, check: bool = True) -> str:
        result = self.manage("sync", check=check)
        return result.stdout + result.stderr

    def holdings(self) -> dict[str, list]:
        """Every (id, version, deleted) this node holds in its change log."""
        return self.python(
            """
            import json
            from hub.models import ChangeLogEntry
            print(json.dumps({i: [v, d] for i, v, d in ChangeLogEntry.objects.values_list("iri", "version", "deleted")}))
            """
        )

    def served(self, iri: str) -> dict | None:
        """The document this node serves for an item of any origin (tombstones included), over HTTP."""
        request = urllib.request.Request(self.base_url + urlsplit(iri).path, headers={"Accept": "application/ld+json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read()) if error.code == 410 else None

    def version_of(self, iri: str) -> tuple[int, bool] | None:
        """(version, deleted) of an item as this node serves it, or None when it has none."""
        document = self.served(iri)
        return None if document is None else (document["version"], document["type"] == "Tombstone")

    def document(self, iri: str) -> dict | None:
        """The document this node stores for an IRI."""
        return self.python(
            f"""
            import json
            from hub.models import ChangeLogEntry
            row = ChangeLogEntry.objects.filter(iri={iri!r}).values_list("document", flat=True).first()
            print(row or "null")
            """
        )

    def create_method(self, title: str, **fields: Any) -> str:
        """Create a method card through the service; return its IRI."""
        return self.python(
            f"""
            import json
            from hub.models import Lab
            from methods.services import method_create
            from hub.roles import SYSTEM
            lab = Lab.objects.filter(origin__is_local=True).first()
            fields = json.loads({json.dumps(fields)!r})
            method = method_create(actor=SYSTEM, title={title!r}, summary="Zusammenfassung", phase="erkunden", lab=lab,
                                   steps=[{{"title": "Anfangen"}}], **fields)
            print(json.dumps(method.iri))
            """
        )

    def update_method(self, iri: str, **fields: Any) -> int:
        """Change a local method card; return its new version."""
        return self.python(
            f"""
            import json
            from methods.models import MethodCard
            from methods.services import method_update
            from hub.roles import SYSTEM
            method = method_update(actor=SYSTEM, method=MethodCard.objects.get(iri={iri!r}), **json.loads({json.dumps(fields)!r}))
            print(method.version)
            """
        )

    def delete_method(self, iri: str) -> None:
        self.python(
            f"""
            from methods.models import MethodCard
            from methods.services import method_delete
            from hub.roles import SYSTEM
            method_delete(actor=SYSTEM, method=MethodCard.objects.get(iri={iri!r}))
            print("null")
            """
        )


class DatabaseTemplate:
    """A database migrated once per test session; each node starts from a copy of it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.database = f"hub_net_template_{uuid.uuid4().hex[:8]}" if uses_postgres() else None
        if self.database:
            _psql(f"CREATE DATABASE {self.database}")
        node = LiveNode(name="template", city="-", root=root)
        node.database = self.database
        node.manage("migrate", "--noinput", "-v0")

    def copy_to(self, data_dir: Path) -> str | None:
        """Give a node its own copy; return its PostgreSQL database name (None on SQLite)."""
        if self.database:
            name = f"hub_net_{uuid.uuid4().hex[:10]}"
            _psql(f"CREATE DATABASE {name} TEMPLATE {self.database}")
            return name
        shutil.copyfile(self.root / "template" / "hub.sqlite3", data_dir / "hub.sqlite3")
        return None

    def drop(self) -> None:
        if self.database:
            _psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


def wait_for(condition, *, timeout: float = 60, interval: float = 0.2, what: str = "the condition") -> Any:
    """Poll until ``condition()`` is truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout} s")
