"""A node as a new user starts it: real processes, a real HTTP server and a real Celery worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_DIR, OutputWatcher, free_port, wait_for_page


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def node_env(tmp_path):
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
    return clean | {"HUB_DATA_DIR": str(tmp_path / "data"), "HUB_BASE_URL": f"http://127.0.0.1:{port}"}


def running_node(node_env: dict[str, str], *, demo: bool) -> tuple[subprocess.Popen, OutputWatcher]:
    """``manage.py runnode`` on a node set up as a new user sets one up (with ``seed_demo`` when ``demo``)."""
    steps = [["migrate", "--noinput", "-v0"], ["init_node", "--name", "Zukunftswerk Wiesbaden", "--city", "Wiesbaden"]]
    for step in steps + ([["seed_demo"]] if demo else []):
        result = manage(*step, env=node_env)
        assert result.returncode == 0, result.stderr
    node = subprocess.Popen(
        [sys.executable, "manage.py", "runnode"], cwd=PROJECT_DIR, env=node_env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    return node, OutputWatcher(node)


def test_a_new_node_serves_its_demo_content_with_a_worker_and_stops_on_ctrl_c(node_env):
    node, watcher = running_node(node_env, demo=True)
    try:
        page = wait_for_page(node_env["HUB_BASE_URL"] + "/", node)
        assert "Zukunftswerk Wiesbaden" in page and "Kommende Veranstaltungen" in page
        watcher.wait_for(" ready.", timeout=60)
        assert processes_with_env(f"HUB_DATA_DIR={node_env['HUB_DATA_DIR']}")
    finally:
        os.killpg(node.pid, signal.SIGINT)
        node.wait(timeout=30)
    assert node.returncode == 0
    assert processes_with_env(f"HUB_DATA_DIR={node_env['HUB_DATA_DIR']}") == []


@pytest.mark.skipif(sys.platform != "linux", reason="a child dies with its parent by Linux's PR_SET_PDEATHSIG")
def test_a_node_killed_outright_leaves_no_server_or_worker_running(node_env):
    """kill -9 (or the OOM killer) on runnode: gunicorn must not keep the port, nor the worker its tasks."""
    node, watcher = running_node(node_env, demo=False)
    marker = f"HUB_DATA_DIR={node_env['HUB_DATA_DIR']}"
    try:
        wait_for_page(node_env["HUB_BASE_URL"] + "/healthz", node)
        watcher.wait_for(" ready.", timeout=60)
        parts = [pid for pid in processes_with_env(marker) if pid != node.pid]
        assert len(parts) >= 3, parts  # gunicorn's arbiter and worker(s), the Celery worker and its pool
    finally:
        os.kill(node.pid, signal.SIGKILL)  # runnode alone, as the OOM killer would
        node.wait(timeout=30)
    deadline = time.monotonic() + 20
    while processes_with_env(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = processes_with_env(marker)
    for pid in left:  # leave nothing behind for the next test, then say what was left
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"still running after runnode was killed: {[_command(pid) for pid in left]}"


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return str(pid)


def processes_with_env(marker: str) -> list[int]:
    """The processes whose environment contains ``marker`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as handle:
                    if marker.encode() in handle.read().split(b"\0"):
                        found.append(int(entry))
            except OSError:
                continue
    return found
