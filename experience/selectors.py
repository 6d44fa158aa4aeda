"""Reading experience reports and the figures kept for each method."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db.models import QuerySet

from experience.models import Audience, ExperienceReport, MethodExperience
from hub.choices import StaircaseStep, TargetGroup
from hub.models import Lab, Node
from hub.selectors import readable_with_lab


@dataclass(frozen=True)
class Experience:
    """What the network reported about one method, as one reader may see it."""

    reports: int = 0
    labs: int = 0
    cities: list[str] = field(default_factory=list)
    participants: int = 0
    median_fit: float | None = None
    target_groups: dict[str, int] = field(default_factory=dict)
    worked_groups: list[str] = field(default_factory=list)
    staircase: dict[int, int] = field(default_factory=dict)
    counted_at: datetime | None = None

    @property
    def reached_groups(self) -> list[tuple[str, int]]:
        """The target groups reached, with their counts, in the order of the controlled list."""
        return [(group, self.target_groups[group]) for group in TargetGroup.values if self.target_groups.get(group)]

    def as_data(self) -> dict[str, Any]:
        """The figures as the API and the method's experience document give them: every group and step named."""
        return {
            "reports": self.reports,
            "labs": self.labs,
            "cities": len(self.cities),
            "participants": self.participants,
            "median_fit": self.median_fit,
            "target_groups": {group: self.target_groups.get(group, 0) for group in TargetGroup.values},
            "staircase": {str(step): self.staircase.get(step, 0) for step in StaircaseStep.values},
        }


def method_experience(*, method_iri: str, include_network: bool) -> Experience:
    """The kept figures of one method for the reader (empty when nobody reported), with the labs' cities."""
    audience = Audience.NETWORK if include_network else Audience.PUBLIC
    row = MethodExperience.objects.filter(method_iri=method_iri, audience=audience).first()
    if row is None:
        return Experience()
    return Experience(
        reports=row.reports,
        labs=row.labs,
        cities=lab_cities(row.lab_iris),
        participants=row.participants,
        median_fit=row.median_fit,
        target_groups=dict(row.target_groups),
        worked_groups=list(row.worked_groups),
        staircase={int(step): count for step, count in row.staircase.items()},
        counted_at=row.counted_at,
    )


def lab_cities(lab_iris: list[str]) -> list[str]:
    """The cities of these labs as this node holds them, a lab not held yet counted in its origin node's city."""
    held = dict(Lab.objects.filter(iri__in=lab_iris).values_list("iri", "city"))
    missing = {_origin(iri) for iri in lab_iris if iri not in held}
    nodes = dict(Node.objects.filter(iri__in=missing).values_list("iri", "city")) if missing else {}
    cities = [held.get(iri) or nodes.get(_origin(iri), "") for iri in lab_iris]
    names = {city.strip().casefold(): city.strip() for city in cities if city and city.strip()}
    return sorted(names.values(), key=str.casefold)


def _origin(iri: str) -> str:
    parts = urlsplit(iri)
    return f"{parts.scheme}://{parts.netloc}/"


def reports_visible(*, include_network: bool = False) -> QuerySet[ExperienceReport]:
    """Reports, local and mirrored, that the reader may see (never wider than their lab), latest use first."""
    return (
        ExperienceReport.objects.filter(readable_with_lab(include_network=include_network))
        .select_related("lab", "origin").order_by("-date", "-pk")
    )


def reports_about(*, method_iri: str, include_network: bool) -> QuerySet[ExperienceReport]:
    """The reports about one method that the reader may see, latest use first."""
    return reports_visible(include_network=include_network).filter(method_iri=method_iri)


def report_for_reader(*, uuid, include_network: bool) -> ExperienceReport | None:
    """One report by its uuid, if the reader may see it."""
    return reports_visible(include_network=include_network).filter(uuid=uuid).first()


def reports_writable() -> QuerySet[ExperienceReport]:
    """Every report, mirrored ones included, for the write paths to find and guard."""
    return ExperienceReport.objects.select_related("lab", "origin")


def report_method_iris(reports: QuerySet[ExperienceReport]) -> set[str]:
    """The methods these reports are about (to count again after removing them)."""
    return set(reports.order_by().values_list("method_iri", flat=True).distinct())
