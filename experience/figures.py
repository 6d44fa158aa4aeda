"""The figures of a method's experience reports, computed from their rows: plain Python, no database.

``figures_of`` takes the rows the recount reads and gives, per method IRI and audience, what
``MethodExperience`` keeps. The public figures count the public reports of labs everyone may see
(or labs this node does not hold yet); the network's figures count every published report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from experience.models import FIT_HIGHEST, FIT_LOWEST, WORKED_FIT, Audience
from hub.choices import PUBLISHED, StaircaseStep, TargetGroup, Visibility

GROUP_ORDER = {value: position for position, value in enumerate(TargetGroup.values)}

class ReportRow(NamedTuple):
    """One report as the recount reads it (``REPORT_COLUMNS``, in order)."""

    method_iri: str
    lab_iri: str | None
    visibility: str
    lab_visibility: str | None
    participants: int
    fit: int
    target_groups: list[str]
    staircase_step: int
    date: date


# The columns of ``ReportRow``, as ``ExperienceReport.objects.values_list`` names them.
REPORT_COLUMNS = ("method_iri", "lab_id", "visibility", "lab__visibility", "participants", "fit", "target_groups",
                  "staircase_step", "date")


def audiences_of(visibility: str, lab_visibility: str | None) -> tuple[str, ...]:
    """The audiences that may see a report: never wider than its lab (a lab not held hides nothing)."""
    if visibility not in PUBLISHED or (lab_visibility is not None and lab_visibility not in PUBLISHED):
        return ()
    if visibility == Visibility.PUBLIC and lab_visibility in (None, Visibility.PUBLIC):
        return (Audience.PUBLIC, Audience.NETWORK)
    return (Audience.NETWORK,)


def figures_of(rows: Iterable[tuple]) -> dict[tuple[str, str], dict[str, Any]]:
    """The figures of each (method IRI, audience) that has reports, as ``MethodExperience`` fields."""
    grouped: dict[tuple[str, str], list[ReportRow]] = defaultdict(list)
    for row in map(ReportRow._make, rows):
        for audience in audiences_of(row.visibility, row.lab_visibility):
            grouped[(row.method_iri, audience)].append(row)
    return {key: _figures(reports) for key, reports in grouped.items()}


def _figures(reports: list[ReportRow]) -> dict[str, Any]:
    labs = sorted({report.lab_iri for report in reports if report.lab_iri})
    fits = Counter(report.fit for report in reports)
    steps = Counter(report.staircase_step for report in reports)
    groups: Counter = Counter()
    worked: set[str] = set()
    for report in reports:
        groups.update(report.target_groups)
        if report.fit >= WORKED_FIT:
            worked.update(report.target_groups)
    fit_counts = [fits[value] for value in range(FIT_LOWEST, FIT_HIGHEST + 1)]
    return {
        "reports": len(reports),
        "labs": len(labs),
        "lab_iris": labs,
        "participants": sum(report.participants for report in reports),
        "fit_counts": fit_counts,
        "median_fit": median_of_counts(fit_counts, lowest=FIT_LOWEST),
        "target_groups": {group: groups[group] for group in sorted(groups, key=_group_position)},
        "worked_groups": sorted(worked, key=_group_position),
        "staircase": {str(step): steps[step] for step in StaircaseStep.values if steps[step]},
        "latest": max(report.date for report in reports),
    }


def median_of_counts(counts: list[int], *, lowest: int) -> float | None:
    """The median of values given as counts per value (``counts[0]`` for ``lowest``); None without values."""
    total = sum(counts)
    if not total:
        return None
    middle = ((total - 1) // 2, total // 2)
    values, seen = [], 0
    for offset, count in enumerate(counts):
        for position in middle:
            if seen <= position < seen + count:
                values.append(lowest + offset)
        seen += count
    return sum(values) / 2


def _group_position(group: str) -> int:
    return GROUP_ORDER.get(group, len(GROUP_ORDER))
