"""Every gunicorn worker of a node freezes what it loaded out of the garbage collector's walks (config.workers)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from config.workers import YOUNG_THRESHOLD
from tests.conftest import PROJECT_DIR, free_port, wait_for_page

CONFIGURATIONS = {
    "manage.py runnode": "python:config.gunicorn_runnode",
    "a production node (deploy/gunicorn.conf.py)": str(PROJECT_DIR / "deploy" / "gunicorn.conf.py"),
}


@pytest.mark.parametrize("configuration", CONFIGURATIONS.values(), ids=CONFIGURATIONS.keys())
def test_each_worker_freezes_what_it_loaded_and_collects_the_young_less_often(configuration, tmp_path):
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "GUNICORN_"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", configuration, "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "tests.config.collector_app:application"],
        cwd=PROJECT_DIR, env=clean | {"HUB_DATA_DIR": str(tmp_path)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        answer = json.loads(wait_for_page(f"http://127.0.0.1:{port}/", server, timeout=30))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert answer["frozen"] > 1000, "the worker froze nothing: the post_worker_init hook did not run"
    assert answer["threshold"][0] == YOUNG_THRESHOLD
