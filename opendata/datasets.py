"""Reading the catalog's datasets: one per public lab of this node and kind, with what describes it.

Everything comes from a fixed number of queries, however many labs and items there are: the labs, one
grouped count per kind, and the latest deletions. Only public items of public labs count; the dates of
network-only items move a dataset's ``modified`` (an item leaving the public view changes the dataset),
nothing else of them is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Min, Q

from hub.choices import PUBLISHED, Visibility
from hub.models import ChangeLogEntry, Lab
from opendata.kinds import KINDS, DatasetKind
from opendata.licences import CatalogLicence, catalog_licence

PUBLIC = Q(visibility=Visibility.PUBLIC)


@dataclass
class Dataset:
    """One lab's items of one kind, as the catalog describes them."""

    lab: Lab
    kind: DatasetKind
    count: int = 0
    issued: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    modified: datetime | None = None
    licences: set[str] = field(default_factory=set)

    @property
    def iri(self) -> str:
        return f"{settings.HUB_BASE_URL}/catalog/{self.lab.slug}/{self.kind.key}"

    @property
    def licence(self) -> CatalogLicence:
        return catalog_licence(self.licences)

    def add(self, row: dict) -> None:
        """Take in one grouped row of the lab's items (one licence's, for kinds whose items carry one)."""
        self.modified = _latest(self.modified, row["touched"])
        if not row["count"]:
            return
        self.count += row["count"]
        self.issued = _earliest(self.issued, row["issued"])
        self.start = _earliest(self.start, row["start"])
        self.end = _latest(self.end, row["end"])
        self.licences.add(row.get("licence") or self.lab.data_license)


@dataclass(frozen=True)
class CatalogPage:
    """One page of the catalog: its datasets and where it stands among the pages."""

    datasets: list[Dataset]
    number: int
    last: int
    total: int
    size: int
    modified: datetime | None  # the latest change of any dataset, on any page


def public_labs() -> list[Lab]:
    """This node's public labs, in the catalog's order."""
    return list(Lab.objects.filter(origin__is_local=True, visibility=Visibility.PUBLIC).order_by("city", "name", "pk"))


def catalog_datasets(labs: list[Lab] | None = None) -> list[Dataset]:
    """The datasets of the given labs (default: every public lab of this node) that hold a public item."""
    labs = public_labs() if labs is None else labs
    deleted = _latest_deletions()
    datasets = []
    for kind in KINDS:
        by_lab = {lab.iri: Dataset(lab=lab, kind=kind, modified=_latest(lab.date_modified, deleted.get(kind.item_type)))
                  for lab in labs}
        for row in _grouped(kind, list(by_lab)):
            by_lab[row["lab_id"]].add(row)
        datasets += [dataset for dataset in by_lab.values() if dataset.count]
    order = {lab.iri: position for position, lab in enumerate(labs)}
    return sorted(datasets, key=lambda dataset: (order[dataset.lab.iri], KINDS.index(dataset.kind)))


def catalog_page(*, number: int, modified_since: datetime | None = None) -> CatalogPage:
    """Page ``number`` (from 1) of the datasets changed since ``modified_since`` (all without it)."""
    datasets = catalog_datasets()
    modified = max((dataset.modified for dataset in datasets), default=None)
    if modified_since is not None:
        datasets = [dataset for dataset in datasets if dataset.modified >= modified_since]
    size = settings.HUB_CATALOG_PAGE_SIZE
    last = max(1, math.ceil(len(datasets) / size))
    chosen = datasets[(number - 1) * size:number * size]
    return CatalogPage(datasets=chosen, number=number, last=last, total=len(datasets), size=size, modified=modified)


def _grouped(kind: DatasetKind, lab_iris: list[str]) -> list[dict]:
    """Per lab (and licence): the public items' count and dates, and the latest change of any published one."""
    start, end = kind.period
    group = ("lab_id", kind.licence_field) if kind.licence_field else ("lab_id",)
    rows = (
        kind.items().filter(lab_id__in=lab_iris, visibility__in=PUBLISHED).order_by().values(*group)
        .annotate(count=Count("pk", filter=PUBLIC), issued=Min("date_created", filter=PUBLIC),
                  start=Min(start, filter=PUBLIC), end=Max(end, filter=PUBLIC), touched=Max("date_modified"))
    )
    return [row | {"licence": row.get(kind.licence_field)} if kind.licence_field else row for row in rows]


def _latest_deletions() -> dict[str, datetime]:
    """When an item of each type was last deleted here (a tombstone does not say whose lab it was)."""
    rows = (ChangeLogEntry.objects.filter(deleted=True, origin__is_local=True).order_by()
            .values("item_type").annotate(last=Max("recorded_at")))
    return {row["item_type"]: row["last"] for row in rows}


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(filter(None, (a, b)), default=None)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(filter(None, (a, b)), default=None)
