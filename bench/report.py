"""Figures as the benchmarks print them: one row per target, and the table docs/benchmarks.md holds."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field


@dataclass
class Row:
    """One line of the table: what was aimed at, what was measured, whether it was met."""

    name: str
    target: str
    measured: str
    met: bool | None
    details: dict = field(default_factory=dict)

    def line(self) -> str:
        verdict = {True: "met", False: "MISSED", None: "-"}[self.met]
        return f"| {self.name} | {self.target} | {self.measured} | {verdict} |"


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], unit: str = "", digits: int = 0) -> str:
    """The median with the range of the runs, e.g. ``1,234 items/s (1,200–1,260, 3 runs)``."""
    if len(values) == 1:
        return f"{values[0]:,.{digits}f}{unit} (1 run)"
    return (
        f"{median(values):,.{digits}f}{unit} ({min(values):,.{digits}f}–{max(values):,.{digits}f}, "
        f"{len(values)} runs)"
    )


def table(rows: list[Row]) -> str:
    head = "| benchmark | target | measured (median) | |\n|---|---|---|---|"
    return "\n".join([head, *(row.line() for row in rows)])


def as_json(rows: list[Row]) -> list[dict]:
    return [asdict(row) for row in rows]


def say(text: str) -> None:
    """Print a progress line at once (the benchmarks run for minutes)."""
    print(text, flush=True)
