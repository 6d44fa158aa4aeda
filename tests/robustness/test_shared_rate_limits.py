"""The API's request rates hold across the web processes of one node, as a busy node runs several.

One node is served by two separate gunicorn servers on two ports (as two machines behind one
balancer would be), on the same database and data folder. A reader who spends the anonymous rate on
the first is refused by the second: the count lives in the cache every process of the node shares,
not in each process. The cache is the embedded default (files under ``HUB_DATA_DIR``) and, in the
test pass that has Redis, Redis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import ExitStack

import pytest
import redis

from api.conf import REST_FRAMEWORK
from tests.conftest import PROJECT_DIR, free_port
from tests.network.harness import wait_for


def redis_cache_url() -> str | None:
    """The run's Redis (the PostgreSQL pass has its broker there), as the node's cache URL; None without."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else None


CACHES = [pytest.param({}, id="files"),
          pytest.param({"HUB_CACHE_URL": redis_cache_url()}, id="redis",
                       marks=pytest.mark.skipif(redis_cache_url() is None, reason="the run has no Redis"))]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def answers(url: str) -> bool:
    try:
        return status_of(url + "/healthz") == 200
    except OSError:
        return False


def serve(node, extra_env: dict[str, str], stack: ExitStack) -> str:
    """Serve the node with one more gunicorn of its own on a free port; return its base URL."""
    port = free_port()
    log = stack.enter_context((node.root / f"server-{port}.log").open("w"))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT_DIR, env=node.env() | extra_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    stack.callback(server.wait, timeout=20)
    stack.callback(server.terminate)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: server.poll() is None and answers(url), timeout=60, what=f"the server on port {port}")
    return url


@pytest.mark.parametrize("cache_env", CACHES)
def test_the_anonymous_rate_spent_on_one_server_holds_on_the_other(network, cache_env):
    node = network("Zukunftswerk Wiesbaden", "Wiesbaden", start=False)
    if cache_env:
        client = redis.Redis.from_url(cache_env["HUB_CACHE_URL"])
        for key in client.scan_iter(match="stadtlabor-hub:*"):  # counts of an earlier run
            client.delete(key)
    limit = int(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    with ExitStack() as stack:
        first, second = serve(node, cache_env, stack), serve(node, cache_env, stack)
        assert status_of(second + "/api/labs/") == 200
        assert [status_of(first + "/api/labs/") for _ in range(limit - 1)] == [200] * (limit - 1)
        assert status_of(second + "/api/labs/") == 429
        assert status_of(first + "/api/labs/") == 429
