"""What the network page reads: nodes and labs with item counts, peers' sync state, and statistics."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from events.selectors import events_visible
from federation.models import Peer, SyncRun
from hub.choices import Phase, TargetGroup
from hub.models import Lab, Node
from hub.selectors import labs_visible
from methods.models import MethodCard
from methods.selectors import methods_visible

MONTHS_BACK = 6
MONTHS_AHEAD = 5
TRAVELLERS = 10


@dataclass(frozen=True)
class NodeRow:
    """A known node with the number of labs, methods and events the reader may see from it."""

    node: Node
    labs: int
    methods: int
    events: int


@dataclass(frozen=True)
class LabRow:
    """A lab with the number of its methods and events the reader may see."""

    lab: Lab
    methods: int
    events: int


def _per(queryset: QuerySet, column: str) -> Counter:
    return Counter(dict(queryset.order_by().values_list(column).annotate(n=Count("pk")).values_list(column, "n")))


def nodes_with_counts(*, include_network: bool) -> list[NodeRow]:
    """Every known node, this one first, with its visible item counts."""
    labs = _per(labs_visible(include_network=include_network), "origin_id")
    methods = _per(methods_visible(include_network=include_network), "origin_id")
    events = _per(events_visible(include_network=include_network), "origin_id")
    nodes = Node.objects.order_by("-is_local", "name", "pk")
    return [NodeRow(node, labs[node.pk], methods[node.pk], events[node.pk]) for node in nodes]


def labs_with_counts(*, include_network: bool) -> list[LabRow]:
    """The visible labs, by city and name, with their visible methods and events."""
    methods = _per(methods_visible(include_network=include_network), "lab_id")
    events = _per(events_visible(include_network=include_network), "lab_id")
    return [LabRow(lab, methods[lab.iri], events[lab.iri]) for lab in labs_visible(include_network=include_network)]


def peers_with_last_run() -> QuerySet[Peer]:
    """The peers with their node, and the start, rejections and error of their latest sync run."""
    latest = SyncRun.objects.filter(peer=OuterRef("pk")).order_by("-started_at")
    return Peer.objects.select_related("node").annotate(
        last_run_at=Subquery(latest.values("started_at")[:1]),
        last_run_rejected=Subquery(latest.values("rejected")[:1]),
        last_run_id=Subquery(latest.values("pk")[:1]),
    )


# --- statistics -------------------------------------------------------------------------------


def month_window(today: date | None = None) -> list[date]:
    """The first days of the months shown: a few back, the current one and a few ahead."""
    today = today or timezone.localdate()
    first = _add_months(date(today.year, today.month, 1), -MONTHS_BACK)
    return [_add_months(first, offset) for offset in range(MONTHS_BACK + 1 + MONTHS_AHEAD)]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def events_per_lab_per_month(*, include_network: bool, months: list[date]) -> list[tuple[Lab | str, list[int]]]:
    """For each lab with events in the window, its number of events starting in each month."""
    start = timezone.make_aware(datetime.combine(months[0], datetime.min.time()))
    end = timezone.make_aware(datetime.combine(_add_months(months[-1], 1), datetime.min.time()))
    rows = (
        events_visible(include_network=include_network).filter(start__gte=start, start__lt=end).order_by()
        .annotate(month=TruncMonth("start")).values_list("lab_id", "month").annotate(n=Count("pk"))
    )
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for lab_iri, month, number in rows:
        month_day = month.date() if isinstance(month, datetime) else month
        counts[lab_iri][month_day] = counts[lab_iri].get(month_day, 0) + number
    labs = {lab.iri: lab for lab in Lab.objects.filter(iri__in=list(counts))}
    ordered = sorted(counts, key=lambda iri: _lab_sort_key(labs.get(iri), iri))
    return [(labs.get(iri, iri), [counts[iri].get(month, 0) for month in months]) for iri in ordered]


def _lab_sort_key(lab: Lab | None, iri: str) -> tuple[str, str]:
    return (lab.city.casefold(), lab.name.casefold()) if lab else ("~", iri)


def methods_per_phase(*, include_network: bool) -> list[tuple[str, int]]:
    """The number of visible methods in each phase, in the phases' order."""
    counts = _per(methods_visible(include_network=include_network), "phase")
    return [(str(label), counts[value]) for value, label in Phase.choices]


def methods_per_target_group(*, include_network: bool) -> list[tuple[str, int]]:
    """The number of visible methods for each target group."""
    counts: Counter = Counter()
    for groups in methods_visible(include_network=include_network).order_by().values_list("target_groups", flat=True):
        counts.update(set(groups or []))
    return [(str(label), counts[value]) for value, label in TargetGroup.choices]


@dataclass(frozen=True)
class Traveller:
    """A method and how far it travelled: adaptations (all generations), labs, cities and the farthest distance."""

    method: MethodCard
    adaptations: int
    labs: int
    cities: list[str]
    farthest_km: int | None


def travelling_methods(*, include_network: bool, limit: int = TRAVELLERS) -> list[Traveller]:
    """The methods adapted by the most other labs (through every generation), farthest first on ties."""
    methods = list(methods_visible(include_network=include_network).order_by("title", "pk"))
    by_iri = {method.iri: method for method in methods}
    children: dict[str, list[MethodCard]] = defaultdict(list)
    for method in methods:
        if method.based_on in by_iri:
            children[method.based_on].append(method)
    travellers = [_traveller(method, children) for method in methods if children.get(method.iri)]
    travellers.sort(key=lambda t: (-t.labs, -len(t.cities), -(t.farthest_km or 0), t.method.title.casefold()))
    return travellers[:limit]


def _traveller(method: MethodCard, children: dict[str, list[MethodCard]]) -> Traveller:
    descendants, stack, seen = [], list(children[method.iri]), {method.iri}
    while stack:
        child = stack.pop()
        if child.iri in seen:
            continue
        seen.add(child.iri)
        descendants.append(child)
        stack.extend(children.get(child.iri, []))
    other_labs = {child.lab_id for child in descendants if child.lab_id and child.lab_id != method.lab_id}
    home_city = method.lab.city if method.lab else ""
    cities = sorted({child.lab.city for child in descendants if child.lab and child.lab.city != home_city})
    distances = [_km(method.lab, child.lab) for child in descendants]
    known = [distance for distance in distances if distance is not None]
    return Traveller(method, len(descendants), len(other_labs), cities, round(max(known)) if known else None)


def _km(one: Lab | None, other: Lab | None) -> float | None:
    """The great-circle distance between two labs in kilometres, when both have coordinates."""
    points = [one, other]
    if any(lab is None or lab.latitude is None or lab.longitude is None for lab in points):
        return None
    lat1, lon1, lat2, lon2 = (math.radians(float(value)) for value in (one.latitude, one.longitude, other.latitude, other.longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))
