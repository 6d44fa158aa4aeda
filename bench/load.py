"""Concurrent HTTP load on loopback: wrk when it is installed, else Python threads; bounded in time.

Both send GET (or POST without a body) requests for a list of paths, round robin, on ``connections`` keep-alive connections
for ``seconds``, and report requests per second, latency percentiles and the answers that were not
2xx. Only loopback URLs are accepted.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

CONNECTIONS = 16


@dataclass(frozen=True)
class Load:
    """What one load run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int
    tool: str


def load(base_url: str, paths: list[str], *, seconds: float, connections: int = CONNECTIONS,
         headers: dict[str, str] | None = None, method: str = "GET") -> Load:
    """Run the load with wrk if it is installed, else with Python threads."""
    _loopback(base_url)
    headers = {"Accept": "application/json", **(headers or {})}
    if shutil.which("wrk"):
        return _wrk(base_url, paths, seconds, connections, headers, method)
    return _threads(base_url, paths, seconds, connections, headers, method)


def _loopback(base_url: str) -> urllib.parse.SplitResult:
    """The address's parts; anything but loopback is refused."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"load is only ever sent to loopback, not to {parts.hostname}")
    return parts


def warm(base_url: str, paths: list[str], *, times: int = 12, connections: int = 4,
         headers: dict[str, str] | None = None) -> None:
    """Ask for every path ``times`` times, each on a new connection, so that every server process keeps every page.

    gunicorn's workers keep their pages apart and a keep-alive connection stays with the worker that
    took it, so a timed warm-up on wrk's connections can leave a worker without some pages, and it
    builds them in a measured round. A new connection goes to whichever worker takes it first, the
    idle one while the others are busy: with 4 at once and 2 workers, each asked 12 times, a worker
    misses a path about once in 4,000 (½¹²) and much less often when they take turns.
    """
    parts = _loopback(base_url)
    headers = {"Accept": "application/json", **(headers or {}), "Connection": "close"}

    def ask(path: str) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if not 200 <= response.status < 300:
            raise RuntimeError(f"warming {path}: {response.status} {response.reason}")

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(ask, [path for _ in range(times) for path in paths]))


# Each of wrk's threads walks the paths from its own offset with a stride of the number of threads, so
# that no path is sent twice before all were sent once (a confirmation must not meet its own repeat).
_WRK_THREADS = 2
_WRK_SCRIPT = """
local paths = {%s}
local counter = 0
local next_id = 0
setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
init = function(args)
  counter = id
end
request = function()
  local path = paths[(counter %% #paths) + 1]
  counter = counter + %d
  return wrk.format("%s", path)
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %%d %%d %%d %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _wrk(base_url: str, paths: list[str], seconds: float, connections: int, headers: dict[str, str],
         method: str = "GET") -> Load:
    quoted = ", ".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-wrk-") as script:
        script.write(_WRK_SCRIPT % (quoted, _WRK_THREADS, method))
        script.flush()
        command = ["wrk", f"-t{_WRK_THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, base_url], capture_output=True, text=True, timeout=seconds + 60).stdout
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk gave no summary:\n{output}")
    requests, failures, micros = int(match[1]), int(match[2]), int(match[3])
    return Load(requests / (micros / 1e6), float(match[4]), float(match[5]), requests, failures, "wrk")


def _threads(base_url: str, paths: list[str], seconds: float, connections: int, headers: dict[str, str],
             method: str = "GET") -> Load:
    parts = urllib.parse.urlsplit(base_url)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine, bad, index = [], 0, offset
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request(method, paths[index % len(paths)], headers=headers)
                response = connection.getresponse()
                response.read()
                bad += not 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
            mine.append(time.perf_counter() - started)
            index += connections  # each client its own paths, as wrk's threads
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Load(len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, len(latencies), failures[0],
                f"Python threads ({connections})")
