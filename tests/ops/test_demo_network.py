"""make demo-network: three peered nodes with demo content from one command, stopped by Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import PROJECT_DIR, OutputWatcher, free_port
from tests.ops.test_runnode import processes_with_env

pytestmark = pytest.mark.network


def closing_reports(node: str, origin: str) -> int:
    """How many published closing reports of ``origin``'s events ``node`` holds (a mirror's, or its own)."""
    with urllib.request.urlopen(f"{node}/api/events/?origin={origin}&upcoming=false&page_size=100", timeout=10) as response:
        events = json.loads(response.read())["results"]
    found = 0
    for event in events:
        try:
            with urllib.request.urlopen(f"{node}/api/events/{event['uuid']}/closing-report/", timeout=10):
                found += 1
        except urllib.error.HTTPError as error:
            assert error.code == 404
    return found


def test_three_nodes_come_up_peered_with_demo_content_and_stop_on_ctrl_c(tmp_path):
    port = free_port()
    while any(free_port() == port + n for n in (1, 2)):
        port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL", "CELERY_"))}
    env = clean | {"HUB_DEMO_NETWORK_DIR": str(tmp_path), "HUB_DEMO_NETWORK_PORT": str(port)}
    demo = subprocess.Popen([sys.executable, "-m", "ops.demo_network"], cwd=PROJECT_DIR, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    watcher = OutputWatcher(demo)
    try:
        output = watcher.wait_for("Ctrl-C stops it", timeout=300)
        for name, offset in [("Zukunftswerk Wiesbaden", 0), ("CitizenLab Mönchengladbach", 1), ("CityLAB Berlin", 2)]:
            assert f"{name}" in output and f"http://127.0.0.1:{port + offset}/" in output
        assert output.count("staff login: redaktion / ") == 3
        assert "FAILED" not in output
        with urllib.request.urlopen(f"http://127.0.0.1:{port + 2}/api/nodes/", timeout=10) as response:
            nodes = {node["name"] for node in json.loads(response.read())["results"]}
        assert nodes >= {"Zukunftswerk Wiesbaden", "CitizenLab Mönchengladbach", "CityLAB Berlin"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port + 2}/api/methods/?origin=http://127.0.0.1:{port}/",
                                    timeout=10) as response:
            assert json.loads(response.read())["count"] > 0, "Berlin mirrors Wiesbaden's methods"
        assert "impact view" in output
        for origin in (port, port + 1, port + 2):
            assert closing_reports(f"http://127.0.0.1:{port + 2}", f"http://127.0.0.1:{origin}/") == 6
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/methods/?q=Spaziergangsinterview&origin="
                                    f"http://127.0.0.1:{port}/", timeout=10) as response:
            walk = json.loads(response.read())["results"][0]["uuid"]
        for offset in (0, 1, 2):  # every node counts the reports of the three cities about Wiesbaden's method
            with urllib.request.urlopen(f"http://127.0.0.1:{port + offset}/api/methods/?origin=http://127.0.0.1:{port}/"
                                        f"&q=Spaziergangsinterview", timeout=10) as response:
                mirrored = json.loads(response.read())["results"][0]["uuid"]
            with urllib.request.urlopen(f"http://127.0.0.1:{port + offset}/api/methods/{mirrored}/", timeout=10) as response:
                experience = json.loads(response.read())["experience"]
            assert mirrored == walk and (experience["cities"], experience["reports"]) == (3, 4), (offset, experience)
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        demo.wait(timeout=60)
    assert "Stopped all three nodes." in watcher.rest()
    assert processes_with_env(f"HUB_DATA_DIR={tmp_path / 'zukunftswerk'}") == []
