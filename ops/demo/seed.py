"""Read the demo content from content/*.yaml and write it to this node through the services."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.closing.feedback import feedback_from_paper, feedback_quote
from events.closing.services import closing_report_write
from events.models import Event
from events.services import event_create
from experience.models import ExperienceReport
from experience.services import experience_report_create
from hub.models import ChangeLogEntry, Lab, Node
from hub.roles import SYSTEM
from hub.selectors import local_node
from hub.services.labs import lab_create, lab_iri
from ideas.services import idea_link, idea_publish, idea_submit
from methods.models import MethodCard
from methods.services import method_adapt, method_create

CONTENT_DIR = Path(__file__).resolve().parent / "content"
BERLIN = ZoneInfo("Europe/Berlin")
# How the content names the node's own first lab, which is not in labs.yaml.
MAIN = "main"
# The demo's own lab; its IRI (or its tombstone) marks that the demo was seeded on this node.
DEMO_LAB_SLUG = "quartierslabor-nordstadt"

# The keys an entry of each kind must have. Its other keys are fields that go to the service as
# they are, which refuses those it does not know.
PLACE_KEYS = ("key", "name", "address")
LAB_KEYS = ("key", "slug", "name", "address")
METHOD_KEYS = (
    "key", "lab", "title", "summary", "added_value", "body", "phase", "duration_min",
    "duration_max", "difficulty", "group_size_min", "group_size_max", "materials", "roles",
    "steps", "tips", "target_groups", "accessibility_notes", "keywords",
)
STEP_KEYS = ("title", "text")
ADAPTATION_KEYS = ("key", "source", "lab", "steps")
EVENT_KEYS = (
    "lab", "days", "time", "minutes", "title", "description", "attendance_mode", "target_groups",
    "accessibility_features", "registration", "keywords", "methods",
)
# An event's optional ``closing`` (a past event's closing report): these keys, and the report's other fields
# (``events.closing.services.CLOSING_FIELDS``); ``feedback`` is a list of faces from paper cards, ``quotes``
# answers with a text published as quotes, ``methods`` keys of the methods used (the event's by default).
CLOSING_KEYS = ("attendees", "staircase_step")
IDEA_KEYS = ("lab", "title", "text", "status")
EXPERIENCE_KEYS = ("method", "lab", "days", "participants", "fit", "staircase_step")
NETWORK_EXPERIENCE_KEYS = ("method", "days", "participants", "fit", "staircase_step")
IDEA_STATUSES = ("submitted", "published", "taken-up")
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class DemoContentError(ValidationError):
    """A content file that cannot be read, or an entry of it that is incomplete or invalid."""

    def __str__(self) -> str:
        return " ".join(self.messages)


@dataclass(frozen=True)
class ContentEntry:
    """One entry of a content file, with where it stands, for messages."""

    where: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class DemoContent:
    """The entries of the content files, each with the keys it must have."""

    places: dict[str, ContentEntry]
    labs: list[ContentEntry]
    methods: list[ContentEntry]
    adaptations: list[ContentEntry]
    events: list[ContentEntry]
    ideas: list[ContentEntry]
    experience: list[ContentEntry]


@dataclass(frozen=True)
class DemoReport:
    """What demo_seed created; all counts are zero when the demo was already there."""

    labs: int
    methods: int
    events: int
    created: bool


def demo_present() -> bool:
    """Whether the demo was seeded on this node before (its lab exists or left a tombstone)."""
    iri = lab_iri(DEMO_LAB_SLUG)
    return Lab.objects.filter(iri=iri).exists() or ChangeLogEntry.objects.filter(iri=iri).exists()


@transaction.atomic
def demo_seed(*, now: datetime | None = None) -> DemoReport:
    """Fill an initialised node with demo labs, method cards and events, once."""
    node = local_node()
    if demo_present():
        return DemoReport(labs=0, methods=0, events=0, created=False)
    content = demo_content()
    labs, labs_created = _demo_labs(node, content.labs)
    methods = _demo_methods(content, labs)
    events = _demo_events(content, labs, methods, now or timezone.now(), city=node.city)
    _demo_ideas(content, labs, methods)
    _demo_experience(content, labs, methods, now or timezone.now())
    return DemoReport(labs=labs_created, methods=len(methods), events=events, created=True)


def demo_content(directory: Path = CONTENT_DIR) -> DemoContent:
    """Read the content files, checking that every entry has its keys and no key is taken twice."""
    places = _entries(directory, "places.yaml", PLACE_KEYS)
    labs = _entries(directory, "labs.yaml", LAB_KEYS)
    methods = _entries(directory, "methods.yaml", METHOD_KEYS)
    adaptations = _entries(directory, "adaptations.yaml", ADAPTATION_KEYS)
    events = _entries(directory, "events.yaml", EVENT_KEYS)
    ideas = _entries(directory, "ideas.yaml", IDEA_KEYS)
    experience = _entries(directory, "experience.yaml", EXPERIENCE_KEYS)
    _raise_if_keys_repeat(places)
    _raise_if_keys_repeat(labs, taken={MAIN})
    _raise_if_keys_repeat(methods + adaptations)
    if DEMO_LAB_SLUG not in {entry.fields["slug"] for entry in labs}:
        raise DemoContentError(f"labs.yaml: keep the lab {DEMO_LAB_SLUG}; it marks a seeded node.")
    places_by_key = {entry.fields["key"]: entry for entry in places}
    return DemoContent(
        places=places_by_key, labs=labs, methods=methods, adaptations=adaptations, events=events, ideas=ideas,
        experience=experience,
    )


def _entries(directory: Path, name: str, keys: Iterable[str]) -> list[ContentEntry]:
    """The entries of one content file, each checked for the keys it must have."""
    entries = []
    for number, fields in enumerate(_read(directory / name), start=1):
        where = _where(name, number, fields)
        _raise_if_missing(where, fields, keys)
        entries.append(ContentEntry(where=where, fields=fields))
    return entries


def _where(name: str, number: int, fields: Any) -> str:
    """How messages name an entry: by its file, its number and its key or title."""
    label = (fields.get("key") or fields.get("title")) if isinstance(fields, dict) else None
    return f"{name}, entry {number} ({label})" if label else f"{name}, entry {number}"


def _read(path: Path) -> list[Any]:
    """The list of entries a content file holds."""
    try:
        with path.open(encoding="utf-8") as file:
            entries = yaml.safe_load(file)
    except (OSError, yaml.YAMLError) as error:
        raise DemoContentError(f"{path.name} cannot be read: {error}") from error
    if not isinstance(entries, list):
        raise DemoContentError(f"{path.name} must be a list of entries, one per item.")
    return entries


def _raise_if_missing(where: str, fields: Any, keys: Iterable[str]) -> None:
    """Refuse an entry that is not a mapping or lacks one of its keys, naming it and them."""
    if not isinstance(fields, dict):
        raise DemoContentError(f"{where}: is not a mapping of keys to values.")
    missing = [key for key in keys if key not in fields]
    if missing:
        raise DemoContentError(f"{where}: missing {', '.join(missing)}.")


def _raise_if_keys_repeat(entries: Iterable[ContentEntry], taken: Iterable[str] = ()) -> None:
    """Refuse a key that an earlier entry or the code already uses: entries are found by key."""
    seen = set(taken)
    for entry in entries:
        if entry.fields["key"] in seen:
            raise DemoContentError(f"{entry.where}: the key {entry.fields['key']} is taken.")
        seen.add(entry.fields["key"])


@contextmanager
def _naming(entry: ContentEntry) -> Iterator[None]:
    """Name the entry in a validation error raised while writing it."""
    try:
        yield
    except DemoContentError:
        raise
    except ValidationError as error:
        raise DemoContentError(f"{entry.where}: {_described(error)}") from error


def _described(error: ValidationError) -> str:
    """The messages of a validation error, each after its field's name where it has one."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.message_dict.items())


def _lookup(table: Mapping[str, Any], key: Any, entry: ContentEntry, what: str) -> Any:
    """What the entry names by ``key`` in ``table``, or an error naming the entry."""
    if key not in table:
        raise DemoContentError(f"{entry.where}: there is no {what} {key!r} in the demo content.")
    return table[key]


def _fields(entry: ContentEntry, *, without: Iterable[str]) -> dict[str, Any]:
    """The entry's keys that go to the service as they are."""
    return {name: value for name, value in entry.fields.items() if name not in without}


def _in_city(address: str, city: str) -> str:
    """An address of the content in the node's city."""
    return address.replace("{city}", city)


def _demo_labs(node: Node, entries: list[ContentEntry]) -> tuple[dict[str, Lab], int]:
    """The node's first lab (made if missing) and the demo's labs by key, and how many were made."""
    main = Lab.objects.filter(origin__is_local=True).order_by("date_created").first()
    created = 0
    if main is None:
        main = lab_create(actor=SYSTEM, name=node.name, city=node.city, slug=slugify(node.name) or "stadtlabor")
        created += 1
    labs = {MAIN: main}
    for entry in entries:
        labs[entry.fields["key"]] = _lab_create(entry, city=node.city)
    return labs, created + len(entries)


def _lab_create(entry: ContentEntry, *, city: str) -> Lab:
    """Create one demo lab in the node's city."""
    fields = _fields(entry, without={"key"})
    with _naming(entry):
        return lab_create(actor=SYSTEM, **(fields | {"address": _in_city(fields["address"], city), "city": city}))


def _demo_methods(content: DemoContent, labs: Mapping[str, Lab]) -> dict[str, MethodCard]:
    """Create the demo method cards, then the adaptations, keyed by their content key."""
    methods = {}
    for entry in content.methods:
        methods[entry.fields["key"]] = _method_create(entry, labs)
    for entry in content.adaptations:
        methods[entry.fields["key"]] = _method_adapt(entry, methods, labs)
    return methods


def _method_create(entry: ContentEntry, labs: Mapping[str, Lab]) -> MethodCard:
    """Create one German method card from its entry."""
    fields = {"language": "de"} | _fields(entry, without={"key", "lab", "steps"})
    with _naming(entry):
        lab = _lookup(labs, entry.fields["lab"], entry, "lab")
        return method_create(actor=SYSTEM, lab=lab, steps=_steps(entry), **fields)


def _method_adapt(
    entry: ContentEntry, methods: Mapping[str, MethodCard], labs: Mapping[str, Lab]
) -> MethodCard:
    """Adapt a demo card for another lab, with steps of its own."""
    overrides = _fields(entry, without={"key", "source", "lab", "steps"})
    with _naming(entry):
        original = _lookup(methods, entry.fields["source"], entry, "method card")
        lab = _lookup(labs, entry.fields["lab"], entry, "lab")
        return method_adapt(original=original, lab=lab, actor=SYSTEM, steps=_steps(entry), **overrides)


def _steps(entry: ContentEntry) -> list[dict[str, str]]:
    """The entry's steps, each with its title and text, as the method services take them."""
    steps = entry.fields["steps"]
    for number, step in enumerate(steps, start=1):
        _raise_if_missing(f"{entry.where}, step {number}", step, STEP_KEYS)
    return [{"title": step["title"], "text": step["text"]} for step in steps]


def _demo_events(
    content: DemoContent,
    labs: Mapping[str, Lab],
    methods: Mapping[str, MethodCard],
    now: datetime,
    *,
    city: str,
) -> int:
    """Create the demo events around ``now``, with the closing reports of past ones; return how many were made."""
    for entry in content.events:
        with _naming(entry):
            event = event_create(actor=SYSTEM, **_event_fields(entry, content, labs, methods, now, city=city))
            if "closing" in entry.fields:
                _demo_closing(entry, event, methods)
    return len(content.events)


def _demo_closing(entry: ContentEntry, event: Event, methods: Mapping[str, MethodCard]) -> None:
    """The published closing report of a past demo event, after the answers of its paper feedback cards."""
    spec = entry.fields["closing"]
    _raise_if_missing(f"{entry.where}, closing", spec, CLOSING_KEYS)
    for rating in spec.get("feedback", []):
        feedback_from_paper(event=event, rating=rating, actor=SYSTEM)
    for quote in spec.get("quotes", []):
        _raise_if_missing(f"{entry.where}, closing, quote", quote, ("rating", "text"))
        answer = feedback_from_paper(event=event, rating=quote["rating"], text=quote["text"], actor=SYSTEM)
        feedback_quote(answer=answer, quoted=True, actor=SYSTEM)
    fields = {name: value for name, value in spec.items() if name not in ("feedback", "quotes", "methods")}
    used = [_lookup(methods, key, entry, "method card").iri for key in spec.get("methods", entry.fields["methods"])]
    closing_report_write(event=event, actor=SYSTEM, published=True, method_iris=used, **fields)


def _event_fields(
    entry: ContentEntry,
    content: DemoContent,
    labs: Mapping[str, Lab],
    methods: Mapping[str, MethodCard],
    now: datetime,
    *,
    city: str,
) -> dict[str, Any]:
    """The event_create arguments for one demo event: its entry's fields and what they name."""
    spec = entry.fields
    start = _local_time(now, spec["days"], _clock(entry))
    fields = {"languages": ["de"]} | _fields(
        entry, without={"lab", "days", "time", "minutes", "place", "methods", "closing"}
    )
    return fields | _place(entry, content, city) | {
        "lab": _lookup(labs, spec["lab"], entry, "lab"),
        "start": start,
        "end": start + timedelta(minutes=spec["minutes"]),
        "timezone": "Europe/Berlin",
        "method_iris": [_lookup(methods, key, entry, "method card").iri for key in spec["methods"]],
    }


def _place(entry: ContentEntry, content: DemoContent, city: str) -> dict[str, str]:
    """The place fields of an event from the place its entry names, if any."""
    if "place" not in entry.fields:
        return {}
    place = _lookup(content.places, entry.fields["place"], entry, "place").fields
    return {"place_name": place["name"], "place_address": _in_city(place["address"], city)}


def _clock(entry: ContentEntry) -> str:
    """The entry's local start time, "HH:MM"; unquoted, YAML would read 18:00 as a number."""
    clock = entry.fields["time"]
    if not isinstance(clock, str) or not CLOCK.fullmatch(clock):
        raise DemoContentError(f'{entry.where}: time must be "HH:MM" in quotes, not {clock!r}.')
    return clock


def _local_time(now: datetime, days: int, clock: str) -> datetime:
    """An aware Berlin datetime ``days`` after the Berlin date of ``now``, at ``clock``."""
    day = now.astimezone(BERLIN).date() + timedelta(days=days)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=BERLIN)


def _demo_ideas(content: DemoContent, labs: Mapping[str, Lab], methods: Mapping[str, MethodCard]) -> None:
    """Create the demo's ideas: sent as a citizen sends them, then moderated as the lab's staff would."""
    for entry in content.ideas:
        spec = entry.fields
        if spec["status"] not in IDEA_STATUSES:
            raise DemoContentError(f"{entry.where}: status must be one of {', '.join(IDEA_STATUSES)}.")
        with _naming(entry):
            idea = idea_submit(lab=_lookup(labs, spec["lab"], entry, "lab"), title=spec["title"], text=spec["text"],
                               district=spec.get("district", ""), author_name=spec.get("author_name", ""))
            if spec["status"] != "submitted":
                idea = idea_publish(idea=idea, actor=SYSTEM, answer=spec.get("answer", ""))
            if spec["status"] == "taken-up":
                links = [_lookup(methods, key, entry, "method card").iri for key in spec.get("methods", [])]
                idea_link(idea=idea, actor=SYSTEM, event_iris=[], method_iris=links)


def _demo_experience(
    content: DemoContent, labs: Mapping[str, Lab], methods: Mapping[str, MethodCard], now: datetime
) -> None:
    """Write the demo labs' experience reports on the methods they used, as the labs' staff would."""
    for entry in content.experience:
        spec = entry.fields
        fields = _fields(entry, without={"method", "lab", "days", "event"})
        with _naming(entry):
            experience_report_create(
                actor=SYSTEM, lab=_lookup(labs, spec["lab"], entry, "lab"),
                method_iri=_lookup(methods, spec["method"], entry, "method card").iri,
                event_iri=_demo_event_iri(entry), date=_day(now, spec["days"]), **fields,
            )


def _demo_event_iri(entry: ContentEntry) -> str:
    """The IRI of the demo event an entry names by its title, or empty when it names none."""
    title = entry.fields.get("event")
    if not title:
        return ""
    event = Event.objects.filter(origin__is_local=True, title=title).first()
    if event is None:
        raise DemoContentError(f"{entry.where}: there is no demo event titled {title!r}.")
    return event.iri


def _day(now: datetime, days: int) -> date:
    """The Berlin date ``days`` after the Berlin date of ``now``."""
    return now.astimezone(BERLIN).date() + timedelta(days=days)


@transaction.atomic
def demo_network_reports(*, about: str, now: datetime | None = None) -> int:
    """Report, from this node's first lab, on the methods of the node ``about`` that the demo network shares.

    The reports of content/network_experience.yaml name the methods by title; a method this node
    does not mirror from ``about`` is left out, and so is one this lab reported on already (so a second
    run writes nothing). Returns how many reports were written.
    """
    lab = Lab.objects.filter(origin__is_local=True).order_by("date_created").first()
    if lab is None:
        raise DemoContentError("This node has no lab yet: run seed_demo first.")
    origin = about.rstrip("/") + "/"
    written = 0
    for entry in _entries(CONTENT_DIR, "network_experience.yaml", NETWORK_EXPERIENCE_KEYS):
        method = MethodCard.objects.filter(origin__iri=origin, title=entry.fields["method"]).first()
        if method is None or ExperienceReport.objects.filter(lab=lab, method_iri=method.iri).exists():
            continue
        fields = _fields(entry, without={"method", "days"})
        with _naming(entry):
            experience_report_create(actor=SYSTEM, lab=lab, method_iri=method.iri,
                                     date=_day(now or timezone.now(), entry.fields["days"]), **fields)
        written += 1
    return written
