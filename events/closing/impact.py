"""The impact view's figures: per lab and quarter of a year, what the network's events and closing reports say.

Counted are the events the reader may see (this node's and the mirrored ones) that started in the
year, took place (not cancelled or postponed) and are over. Only published closing reports count:
they are the ones every node holds, so every node computes the same figures for a lab. Quarters are
those of the node's time zone (``TIME_ZONE``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from events.selectors import events_visible
from hub.choices import VULNERABLE_GROUPS, EventStatus, StaircaseStep, TargetGroup
from hub.models import Lab

QUARTERS = (1, 2, 3, 4)
NOT_HELD = (EventStatus.CANCELLED, EventStatus.POSTPONED)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years events may take place in (events.models)


@dataclass
class ImpactCell:
    """The figures of one lab (or all labs, ``lab_iri`` empty) in one quarter (or the year, ``quarter`` 0)."""

    lab_iri: str
    quarter: int
    events: int = 0
    reports: int = 0
    attendees: int = 0
    contributions: int = 0
    feedback: int = 0
    groups: Counter = field(default_factory=Counter)  # target group → events whose report says it was reached
    steps: Counter = field(default_factory=Counter)  # staircase step → reports that reached it as their highest

    def add(self, other: ImpactCell) -> None:
        """Count another cell's figures into this one."""
        self.events += other.events
        self.reports += other.reports
        self.attendees += other.attendees
        self.contributions += other.contributions
        self.feedback += other.feedback
        self.groups.update(other.groups)
        self.steps.update(other.steps)

    def share(self, group: str) -> int | None:
        """The percentage of events with a report that reached ``group``; None without reports."""
        return round(100 * self.groups[group] / self.reports) if self.reports else None


@dataclass(frozen=True)
class ImpactYear:
    """A year's figures: each lab's quarters, the quarters of all labs, and the year."""

    year: int
    labs: list[Lab | str]  # the labs with events in the year, by city and name (an IRI for a lab not held here)
    cells: dict[tuple[str, int], ImpactCell]

    def lab_quarters(self, lab_iri: str) -> list[ImpactCell]:
        """One lab's four quarters."""
        return [self.cells.get((lab_iri, quarter)) or ImpactCell(lab_iri, quarter) for quarter in QUARTERS]

    def quarter_totals(self) -> list[ImpactCell]:
        """All labs together, per quarter."""
        totals = [ImpactCell("", quarter) for quarter in QUARTERS]
        for (_lab, quarter), cell in self.cells.items():
            totals[quarter - 1].add(cell)
        return totals

    def total(self) -> ImpactCell:
        """All labs, the whole year."""
        year = ImpactCell("", 0)
        for cell in self.cells.values():
            year.add(cell)
        return year

    def vulnerable_shares(self) -> list[tuple[str, list[int | None], int | None]]:
        """Per vulnerable group: the share of events with a report that reached it, per quarter and for the year."""
        quarters, year = self.quarter_totals(), self.total()
        return [(group, [cell.share(group) for cell in quarters], year.share(group)) for group in VULNERABLE_GROUPS]


def impact_of_year(*, year: int, now: datetime | None = None) -> ImpactYear:
    """The figures of the events of ``year`` that took place, by lab and quarter (see the module)."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    begins = datetime(year, 1, 1, tzinfo=zone)
    ends = datetime(year + 1, 1, 1, tzinfo=zone)
    rows = (
        events_visible(include_network=True).filter(start__gte=begins, start__lt=ends, end__lt=now)
        .exclude(status__in=NOT_HELD).order_by()
        .values_list("lab_id", "start", "closing_report__published", "closing_report__attendees",
                     "closing_report__contributions_count", "closing_report__target_groups_reached",
                     "closing_report__staircase_step", "closing_report__feedback_ratings")
    )
    cells: dict[tuple[str, int], ImpactCell] = {}
    for lab_iri, start, published, attendees, contributions, groups, step, ratings in rows:
        quarter = (timezone.localtime(start, zone).month - 1) // 3 + 1
        cell = cells.setdefault((lab_iri or "", quarter), ImpactCell(lab_iri or "", quarter))
        cell.events += 1
        if published:
            cell.reports += 1
            cell.attendees += attendees or 0
            cell.contributions += contributions or 0
            cell.feedback += sum(ratings or [])
            cell.groups.update(group for group in set(groups or []) if group in TargetGroup.values)
            cell.steps[step] += 1
    return ImpactYear(year=year, labs=_labs(lab for lab, _quarter in cells), cells=cells)


def _labs(iris) -> list[Lab | str]:
    iris = sorted(set(iris))
    held = {lab.iri: lab for lab in Lab.objects.filter(iri__in=iris).select_related("origin")}
    return sorted((held.get(iri, iri) for iri in iris), key=_lab_order)


def _lab_order(lab: Lab | str) -> tuple[str, str, str]:
    return (lab.city.casefold(), lab.name.casefold(), lab.iri) if isinstance(lab, Lab) else ("~", "~", lab)


STEPS = tuple(StaircaseStep.values)
