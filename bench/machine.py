"""What the figures were measured on: cores, memory, CPU model, Python, databases, load generator, load."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    memory_gb: float
    python: str
    django: str
    sqlite: str
    postgresql: str
    load_generator: str

    def describe(self) -> str:
        return (
            f"{self.cores} cores ({self.cpu}), {self.memory_gb:.0f} GB; Python {self.python}, Django {self.django}; "
            f"SQLite {self.sqlite}; PostgreSQL {self.postgresql}; load generator: {self.load_generator}"
        )


def machine() -> Machine:
    """Describe this machine and the software the benchmarks run on."""
    import django

    return Machine(
        cores=len(os.sched_getaffinity(0)),
        cpu=_cpu_model(),
        memory_gb=os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        python=platform.python_version(),
        django=django.get_version(),
        sqlite=sqlite3.sqlite_version,
        postgresql=_postgresql_version(),
        load_generator=load_generator_name(),
    )


def load_average() -> float:
    """The one-minute load average: other work on the machine slows every figure down."""
    return os.getloadavg()[0]


def load_generator_name() -> str:
    """wrk when installed (Debian's package), else the Python generator of bench.load."""
    if shutil.which("wrk"):
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
        return f"wrk {version[1] if len(version) > 1 else ''}".strip()
    return "bench.load (Python threads)"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _postgresql_version() -> str:
    try:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atqc", "SHOW server_version"],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not reachable"
    return result.stdout.split()[0] if result.returncode == 0 and result.stdout.strip() else "not reachable"
