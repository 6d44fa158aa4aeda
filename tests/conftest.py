"""Fixtures shared by the whole suite: the local node, a mirrored node, real worker processes."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from api.caching import shared_head
from hub.identity import public_key_multibase
from hub.models import Lab, Node
from hub.services import node_init

PROJECT_DIR = Path(__file__).resolve().parent.parent


def require_service(what: str) -> None:
    """Skip when a part is missing, or fail when CI promised it (HUB_REQUIRE_SERVICES=1)."""
    if os.environ.get("HUB_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required in this CI pass but missing")
    pytest.skip(f"{what} is missing")


# The longest test files first (their durations in CI, longest first), then the other live-node
# tests: with two test processes (xdist --dist loadfile --no-loadscope-reorder) a long file started last would leave one
# process working alone at the end of the run.
LONGEST_FIRST = (
    "tests/network/test_soak.py",
    "tests/network/test_convergence.py",
    "tests/ops/test_demo_network.py",
    "tests/network/test_unreliable_peer.py",
    "tests/network/test_key_rotation.py",
    "tests/network/test_claimed_city.py",
    "tests/network/test_registration_privacy.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        if path in LONGEST_FIRST:
            return LONGEST_FIRST.index(path)
        return len(LONGEST_FIRST) + (0 if item.get_closest_marker("network") else 1)

    items.sort(key=rank)  # stable: each file keeps its own order


@pytest.fixture(scope="session", autouse=True)
def cache_of_this_test_process(tmp_path_factory):
    """The shared cache as configured (files or Redis), but this test process's own: test processes
    run side by side (xdist) and each clears the cache before every test."""
    default = dict(settings.CACHES["default"]) | {"KEY_PREFIX": f"test-{os.getpid()}"}
    if default["BACKEND"].endswith("FileBasedCache"):
        default["LOCATION"] = str(tmp_path_factory.mktemp("cache"))
    with override_settings(CACHES=settings.CACHES | {"default": default}):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with empty caches: kept API pages are keyed by the change log's head,
    which starts from 0 again in each test's database, and request counts start from nothing."""
    for each in caches.all():
        each.clear()
    shared_head.forget()


@pytest.fixture(autouse=True)
def node_key_path(settings, tmp_path):
    """Every test gets its own key file location, so no test touches a real node's key."""
    settings.HUB_NODE_KEY_PATH = tmp_path / "node-key.pem"
    return settings.HUB_NODE_KEY_PATH


@pytest.fixture
def node(db):
    """This node, initialised, with its first lab."""
    return node_init(name="Testlabor Teststadt", city="Teststadt").node


@pytest.fixture
def lab(node) -> Lab:
    """This node's first lab."""
    return Lab.objects.get(origin=node)


@pytest.fixture
def second_lab(node) -> Lab:
    """A second lab of this node, created directly as the node's own (no role needed)."""
    return Lab.objects.create(
        iri=f"{node.base_url}/labs/zweitlabor", origin=node, slug="zweitlabor", name="Zweitlabor", city="Teststadt"
    )


PASSWORD = "ein-langes-passwort"


@pytest.fixture
def person(db):
    """Make an account, with a role granted as an operator grants it (``manage.py grant USER ROLE [--lab SLUG]``)."""

    def make(username: str, *roles: str, lab: Lab | None = None, labs: tuple[Lab, ...] = (), is_staff: bool = True) -> User:
        user = User.objects.create_user(username, password=PASSWORD, is_staff=is_staff)
        for role in roles:
            for one in ((lab,) if lab else ()) + labs if role == "lab-editor" else (None,):
                call_command("grant", username, role, *(["--lab", one.slug] if one else []), stdout=io.StringIO())
        return user

    return make


@pytest.fixture
def remote_node(db) -> Node:
    """Another node whose key this node has pinned."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Node.objects.create(
        iri="http://127.0.0.1:8999/",
        name="Fernlabor",
        city="Fernstadt",
        public_key_multibase=public_key_multibase(Ed25519PrivateKey.generate()),
    )


@pytest.fixture
def remote_lab(remote_node) -> Lab:
    """A lab mirrored from the remote node."""
    return Lab.objects.create(
        iri=f"{remote_node.base_url}/labs/fernlabor",
        origin=remote_node,
        slug="fernlabor",
        name="Fernlabor",
        city="Fernstadt",
    )


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_page(url: str, process: subprocess.Popen, timeout: float = 60) -> str:
    """The first answer of ``url`` served by ``process``; the test fails if the process stops or nothing answers in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{' '.join(map(str, process.args[:4]))} stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {timeout} s")


def database_url_of_test_database() -> str:
    """The URL of the database this test run uses, for processes started by the tests."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    return f"postgres://{params['USER']}@{host}:{port}/{params['NAME']}"


@pytest.fixture(scope="session", autouse=True)
def task_queue_of_this_test_process() -> str:
    """Tasks go to a queue of this test process's own: test processes run side by side (xdist) on one
    broker, and the worker of one must not take the other's tasks (it would run them on its own database)."""
    from config.celery import app

    queue = f"test-{os.getpid()}"
    app.conf.task_default_queue = queue
    return queue


@pytest.fixture
def celery_worker_process(transactional_db, settings, tmp_path, task_queue_of_this_test_process):
    """A real Celery worker process on the configured broker, reading the test database and this test process's queue."""
    env = os.environ | {"DATABASE_URL": database_url_of_test_database(), "HUB_DATA_DIR": str(settings.HUB_DATA_DIR)}
    log = tmp_path / "worker.log"
    with log.open("w") as handle:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
             "--hostname", f"test-{os.getpid()}@%h", "--queues", task_queue_of_this_test_process],
            cwd=PROJECT_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
    _wait_for_text(log, "ready", worker)
    yield worker
    worker.terminate()
    worker.wait(timeout=20)


def _wait_for_text(log: Path, text: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text():
            return
        if process.poll() is not None:
            pytest.fail(f"the process stopped before it was ready:\n{log.read_text()}")
        time.sleep(0.2)
    process.terminate()
    pytest.fail(f"the process was not ready within {timeout} s:\n{log.read_text()}")


class OutputWatcher:
    """Collects a child process's output in a thread, so tests can wait for a line without blocking."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in iter(stream.readline, ""):
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, needle: str, timeout: float) -> str:
        """The output so far once it holds ``needle``; fail with the output after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text:
                return self.text
            time.sleep(0.2)
        pytest.fail(f"{needle!r} did not appear within {timeout} s:\n{self.text}")

    def rest(self, timeout: float = 30) -> str:
        """Everything the process printed, once its output has ended."""
        self._thread.join(timeout)
        return self.text


@pytest.fixture
def tasks_at_once(settings):
    """Celery tasks run in this process as they are queued (``task_always_eager``), with what they raise."""
    from config.celery import app

    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False
