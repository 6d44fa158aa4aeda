"""Importing CityLAB Berlin's handbook "Öffentliches Gestalten" as this node's method cards.

Reading and mapping happen first, without the database; then every file is written on its own
through ``methods.services`` (one transaction each), and finally the language versions the chapters
pair are linked as translations. A card is identified by its ``source``: the file's address in the
handbook's public repository. See docs/import.md.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError

from hub.choices import License, Visibility
from hub.models import Lab
from hub.roles import SYSTEM
from methods.importers.front_matter import MethodFileError, method_file_read
from methods.importers.handbook_chapters import (
    Chapter,
    ChapterImport,
    chapter_of,
    chapters_read,
    file_key,
    handbook_root_of,
    is_method_file,
    language_of,
    method_files,
    other_phases,
    procedure_read,
    translations_pair,
)
from methods.importers.handbook_fields import duration_parse, method_fields
from methods.importers.report import IMPORTED, SKIPPED, UNCHANGED, UPDATED, FileReport, ImportReport
from methods.models import MethodCard
from methods.services import method_create, method_update

REPOSITORY = "https://github.com/technologiestiftung/oeffentliches-gestalten-docusaurus"
BRANCH = "main"


class HandbookPathError(ValueError):
    """A path given to the importer that is neither a handbook checkout nor a method file."""


@dataclass
class Checkout:
    """One handbook checkout: its chapters and the language versions they pair."""

    root: Path
    chapters: list[Chapter]
    translations: dict[str, list[str]]


@dataclass
class Plan:
    """What one method file is to become: the card's fields and steps, or the reason it cannot."""

    report: FileReport
    checkout: Checkout | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, str]] = field(default_factory=list)

    @property
    def writable(self) -> bool:
        """Whether the file was read and mapped without a problem."""
        return not self.report.problems


def handbook_source(key: str) -> str:
    """The address of a file of the handbook in its public repository."""
    return f"{REPOSITORY}/blob/{BRANCH}/{quote(key)}"


def handbook_import(
    *, paths: Sequence[Path], lab: Lab, phase: str = "", visibility: str = Visibility.PUBLIC
) -> ImportReport:
    """Import method files (a handbook checkout's, or single ones) as cards of ``lab``; report per file."""
    plans = [_plan(path, checkout, phase) for path, checkout in _files(paths)]
    for plan in plans:
        if plan.writable:
            _write(plan, lab=lab, visibility=visibility)
    extra = _translations_write(plans)
    return ImportReport(files=sorted([plan.report for plan in plans] + extra, key=lambda report: report.path))


def imported_method(source: str) -> MethodCard | None:
    """The local card imported from ``source``; ValidationError if several claim it."""
    found = list(MethodCard.objects.filter(origin__is_local=True, source=source).order_by("date_created")[:2])
    if len(found) > 1:
        raise ValidationError(f"several method cards of this node have the source {source}; keep one of them")
    return found[0] if found else None


def _files(paths: Sequence[Path]) -> list[tuple[Path, Checkout | None]]:
    """Every method file the paths name, each once, with the checkout it belongs to."""
    checkouts: dict[Path, Checkout] = {}
    found: dict[Path, Checkout | None] = {}
    for path in paths:
        if not path.exists():
            raise HandbookPathError(f"{path} does not exist")
        root = handbook_root_of(path)
        if root is None and path.is_dir():
            raise HandbookPathError(f"{path} is not a handbook checkout: it has no folder src/assets/methods")
        inside = root is not None and (path.is_dir() or is_method_file(root, path))
        checkout = _checkout(root, checkouts) if inside else None
        for file in method_files(root, path) if path.is_dir() else [path.resolve()]:
            found.setdefault(file, checkout)
    return list(found.items())


def _checkout(root: Path, checkouts: dict[Path, Checkout]) -> Checkout:
    """The chapters and language pairs of a checkout, read once per import."""
    if root not in checkouts:
        chapters = chapters_read(root)
        checkouts[root] = Checkout(root, chapters, translations_pair(chapters, _signature_of(root)))
    return checkouts[root]


def _signature_of(root: Path) -> Callable[[str], Hashable]:
    """A method file's duration, which tells apart the versions a chapter's import names do not pair."""
    @cache
    def signature(key: str) -> Hashable:
        try:
            duration = duration_parse(str(method_file_read(root / key).front_matter.get("time", "")))
        except MethodFileError:
            return None
        return (duration.minimum, duration.maximum) if duration else None

    return signature


def _plan(path: Path, checkout: Checkout | None, fallback_phase: str) -> Plan:
    """Read and map one file; the plan says why not when it cannot be imported."""
    if checkout is None:
        report = FileReport(path=str(path))
        report.skip("not a method file of a handbook checkout (…/src/assets/methods/…), so its source cannot be named")
        return Plan(report=report)
    key = file_key(checkout.root, path)
    plan = Plan(report=FileReport(path=key, language=language_of(key)), checkout=checkout)
    try:
        mapped = method_fields(method_file_read(path), language=plan.report.language)
    except MethodFileError as error:
        plan.report.skip(str(error))
        return plan
    plan.fields, plan.report.not_mapped = mapped.fields, mapped.not_mapped
    plan.report.title = mapped.fields["title"]
    _place(plan, key, fallback_phase)
    return plan


def _place(plan: Plan, key: str, fallback_phase: str) -> None:
    """The phase and steps from the chapter that shows the method (else ``--phase``), the licence and source."""
    chapters = plan.checkout.chapters
    shown = chapter_of(key, chapters)
    phase = shown[0].phase if shown and shown[0].phase else fallback_phase
    if not phase:
        plan.report.skip("no chapter with a phase imports it; give --phase to import it anyway")
    elif shown and shown[0].phase:
        plan.report.notes += [f"phase from {shown[0].path}"]
        plan.report.notes += [f"also in {path}, another phase" for path in other_phases(key, chapters, phase)]
    else:
        plan.report.notes.append("phase from --phase: no chapter with a phase imports it")
    if shown:
        _steps_take(plan, *shown)
    plan.report.phase = phase
    plan.report.translations = plan.checkout.translations.get(key, [])
    plan.fields |= {"phase": phase, "license": License.BY_NC_SA, "source": handbook_source(key)}


def _steps_take(plan: Plan, chapter: Chapter, imported: ChapterImport) -> None:
    """The steps of the procedure the chapter shows after the method."""
    procedure = procedure_read(chapter, imported.name)
    plan.steps = procedure.steps
    plan.report.not_mapped += procedure.not_mapped
    plan.report.notes += procedure.notes or [f"{len(procedure.steps)} steps from {chapter.path}"]


def _write(plan: Plan, *, lab: Lab, visibility: str) -> None:
    """Create or update the file's card through the services; a refusal skips the file with the reason."""
    try:
        existing = imported_method(plan.fields["source"])
    except ValidationError as error:
        plan.report.skip(_messages(error))
        return
    try:
        method = _save(plan, existing, lab=lab, visibility=visibility)
    except ValidationError as error:
        plan.report.skip("refused by the method services: " + _messages(error))
        return
    plan.report.iri = method.iri


def _save(plan: Plan, existing: MethodCard | None, *, lab: Lab, visibility: str) -> MethodCard:
    """Create the card, update it, or leave it as it is; the report says which."""
    fields = plan.fields | {"lab": lab}
    if existing is None:
        plan.report.outcome = IMPORTED
        return method_create(actor=SYSTEM, steps=plan.steps, visibility=visibility, **fields)
    if _differs(existing, fields, plan.steps):
        plan.report.outcome = UPDATED
        return method_update(method=existing, actor=SYSTEM, steps=plan.steps, **fields)
    plan.report.outcome = UNCHANGED
    return existing


def _differs(method: MethodCard, fields: dict[str, Any], steps: list[dict[str, str]]) -> bool:
    """Whether writing these fields and steps would change the card."""
    for name, value in fields.items():
        current = method.lab_id if name == "lab" else getattr(method, name)
        if current != (value.iri if name == "lab" else value):
            return True
    held = [(step.title, step.text) for step in method.steps.all()]
    return held != [(step["title"].strip(), step.get("text", "")) for step in steps]


def _translations_write(plans: list[Plan]) -> list[FileReport]:
    """Link each written card with its other language versions; report partners outside this run."""
    reports = {plan.report.path: plan.report for plan in plans if plan.checkout}
    extra: list[FileReport] = []
    for checkout, key in _translation_keys(plans):
        report = reports.get(key)
        if report is not None and report.outcome == SKIPPED:
            continue
        if report is None:
            report = FileReport(path=key, outcome=UNCHANGED, language=language_of(key))
        if _translations_set(checkout, key, report) and report.path not in reports:
            extra.append(report)
    return extra


def _translation_keys(plans: list[Plan]) -> list[tuple[Checkout, str]]:
    """The files of this run and their partners, each once."""
    keys: dict[str, Checkout] = {}
    for plan in plans:
        if plan.checkout is None:
            continue
        for key in [plan.report.path, *plan.checkout.translations.get(plan.report.path, [])]:
            keys.setdefault(key, plan.checkout)
    return [(checkout, key) for key, checkout in keys.items()]


def _translations_set(checkout: Checkout, key: str, report: FileReport) -> bool:
    """Set a card's translations to the cards of its partner files; True if it changed."""
    try:
        method = imported_method(handbook_source(key))
        partners = [imported_method(handbook_source(other)) for other in checkout.translations.get(key, [])]
        wanted = [partner.iri for partner in partners if partner is not None]
        if method is None or method.translations == wanted:
            return False
        method_update(method=method, actor=SYSTEM, translations=wanted)
    except ValidationError as error:
        report.problems.append("translations not set: " + _messages(error))
        return False
    if report.outcome == UNCHANGED:
        report.outcome = UPDATED
    report.iri, report.title = method.iri, report.title or method.title
    if report.outcome != IMPORTED:
        report.notes.append("translations updated")
    return True


def _messages(error: ValidationError) -> str:
    """A validation error as one line: each field with its messages."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
