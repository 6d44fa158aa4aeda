"""The kinds of dataset the catalog publishes per lab: what each holds, how it is described, its columns.

Adding a kind (experience reports, when they land) is one more entry in ``KINDS``: the catalog, its
datasets, their distributions (JSON-LD, CSV, iCalendar where the items are dated) and the downloads
follow from the entry. Its items need only what every federated item has (``hub.models.FederatedItem``)
and a ``lab``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from events.models import Event
from hub.models import FederatedItem
from methods.models import MethodCard

Column = tuple[str, Callable[[Any], object]]

EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def moment(value: datetime | None, zone: str | None = None) -> str:
    """A time as RFC 3339, in the item's own zone when it has one."""
    if value is None:
        return ""
    local = value.astimezone(zoneinfo.ZoneInfo(zone)) if zone else value
    return local.isoformat(timespec="seconds")


def listed(values: Iterable[object]) -> str:
    """A list in one cell, its entries separated by "; "."""
    return "; ".join(str(value) for value in values)


COMMON_COLUMNS: tuple[Column, ...] = (
    ("lab", lambda item: item.lab_id),
    ("version", lambda item: item.version),
    ("date_created", lambda item: moment(item.date_created)),
    ("date_modified", lambda item: moment(item.date_modified)),
)

EVENT_COLUMNS: tuple[Column, ...] = (
    ("iri", lambda e: e.iri),
    ("title", lambda e: e.title),
    ("description", lambda e: e.description),
    ("start", lambda e: moment(e.start, e.timezone)),
    ("end", lambda e: moment(e.end, e.timezone)),
    ("timezone", lambda e: e.timezone),
    ("status", lambda e: e.status),
    ("attendance_mode", lambda e: e.attendance_mode),
    ("place_name", lambda e: e.place_name),
    ("place_address", lambda e: e.place_address),
    ("latitude", lambda e: e.latitude),
    ("longitude", lambda e: e.longitude),
    ("online_url", lambda e: e.online_url),
    ("languages", lambda e: listed(e.languages)),
    ("target_groups", lambda e: listed(e.target_groups)),
    ("accessibility_features", lambda e: listed(e.accessibility_features)),
    ("accessibility_notes", lambda e: e.accessibility_notes),
    ("is_free", lambda e: e.is_free),
    ("capacity", lambda e: e.capacity),
    ("registration", lambda e: e.registration),
    ("registration_url", lambda e: e.registration_url),
    ("keywords", lambda e: listed(e.keywords)),
    ("method_iris", lambda e: listed(e.method_iris)),
    *COMMON_COLUMNS,
)

METHOD_COLUMNS: tuple[Column, ...] = (
    ("iri", lambda m: m.iri),
    ("title", lambda m: m.title),
    ("language", lambda m: m.language),
    ("summary", lambda m: m.summary),
    ("added_value", lambda m: m.added_value),
    ("body", lambda m: m.body),
    ("phase", lambda m: m.phase),
    ("duration_min", lambda m: m.duration_min),
    ("duration_max", lambda m: m.duration_max),
    ("difficulty", lambda m: m.difficulty),
    ("group_size_min", lambda m: m.group_size_min),
    ("group_size_max", lambda m: m.group_size_max),
    ("materials", lambda m: listed(m.materials)),
    ("roles", lambda m: listed(m.roles)),
    ("steps", lambda m: listed(step.title for step in m.steps.all())),
    ("tips", lambda m: m.tips),
    ("background", lambda m: m.background),
    ("target_groups", lambda m: listed(m.target_groups)),
    ("accessibility_notes", lambda m: m.accessibility_notes),
    ("license", lambda m: m.license),
    ("keywords", lambda m: listed(m.keywords)),
    ("source", lambda m: m.source),
    ("based_on", lambda m: m.based_on),
    ("translations", lambda m: listed(m.translations)),
    *COMMON_COLUMNS,
)


@dataclass(frozen=True)
class DatasetKind:
    """One kind of dataset: its items, words, themes, columns and downloads."""

    key: str  # in the dataset's address: /catalog/<lab>/<key>
    model: type[FederatedItem]
    title: Promise  # "%(lab)s: …"
    description: Promise  # with %(lab)s and %(city)s
    keywords: tuple[Promise, ...]
    themes: tuple[str, ...]  # codes of the EU's data themes (DCAT-AP.de requires that vocabulary)
    period: tuple[str, str]  # the fields whose earliest and latest values span the temporal coverage
    columns: tuple[Column, ...]
    licence_field: str | None = None  # the items' own licence; without one, the lab's ``data_license``
    calendar: bool = False  # whether the items are dated and offered as iCalendar too
    prefetch: tuple[str, ...] = ()  # what the CSV columns read beyond the item's own row

    @property
    def downloads(self) -> tuple[str, ...]:
        """The extensions of the dataset's downloads (its distributions)."""
        return ("jsonld", "csv", "ics") if self.calendar else ("jsonld", "csv")

    @property
    def item_type(self) -> str:
        """The item type its tombstones carry in the change log."""
        return self.model.__name__

    def items(self) -> QuerySet:
        """Every item of this kind, of every lab and visibility (the catalog narrows it)."""
        return self.model.objects.all()


EVENTS = DatasetKind(
    key="events", model=Event, title=_("%(lab)s: events"),
    description=_("The public events of %(lab)s in %(city)s: workshops, talks and tests, in person or online, "
                  "with time, place, audience, accessibility and registration."),
    keywords=(_("events"), _("city lab"), _("participation")), themes=("SOCI", "EDUC"),
    period=("start", "end"), columns=EVENT_COLUMNS, calendar=True,
)
METHODS = DatasetKind(
    key="methods", model=MethodCard, title=_("%(lab)s: method cards"),
    description=_("The public method cards of %(lab)s in %(city)s: reusable ways of working for participation and "
                  "innovation in the city, with purpose, duration, group size, materials and steps."),
    keywords=(_("method cards"), _("methods"), _("city lab"), _("participation")), themes=("GOVE", "EDUC"),
    period=("date_created", "date_modified"), columns=METHOD_COLUMNS, licence_field="license", prefetch=("steps",),
)

KINDS: tuple[DatasetKind, ...] = (EVENTS, METHODS)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
