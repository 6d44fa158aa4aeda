"""Import the method cards of CityLAB Berlin's handbook "Öffentliches Gestalten"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from hub.choices import Phase, Visibility
from hub.models import Lab
from hub.selectors import NodeNotInitialised, local_node
from methods.importers import HandbookPathError, ImportReport, handbook_import
from methods.importers.report import FileReport

INDENT = " " * 11


class Command(BaseCommand):
    help = (
        "Import method cards from the handbook \"Öffentliches Gestalten\": give the root folder of a "
        "checkout of technologiestiftung/oeffentliches-gestalten-docusaurus to import every German and "
        "English method file, or single method files inside one. Running it again updates the cards in "
        "place. Ends with a report per file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="A handbook checkout or a method file.")
        parser.add_argument(
            "--lab", default="", help="Short name of this node's lab the cards belong to (default: its first lab).",
        )
        parser.add_argument(
            "--phase", choices=Phase.values, default="",
            help="Phase for method files that no chapter with a phase imports (otherwise they are skipped).",
        )
        parser.add_argument(
            "--visibility", choices=Visibility.values, default=Visibility.PUBLIC,
            help="Visibility of newly imported cards (existing cards keep theirs; default: public).",
        )

    @no_translations
    def handle(self, *args: Any, paths: list[Path], lab: str, phase: str, visibility: str, **options: Any) -> None:
        target = _lab(lab)
        try:
            report = handbook_import(paths=paths, lab=target, phase=phase, visibility=visibility)
        except HandbookPathError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Method cards for {target.name} ({target.iri}):")
        if options["verbosity"] >= 1:
            for file in report.files:
                self.stdout.write(_file_lines(file))
        self.stdout.write(_summary(report), self.style.WARNING if report.counts()["skipped"] else self.style.SUCCESS)


def _lab(slug: str) -> Lab:
    """The lab named by ``--lab``, or this node's first lab."""
    try:
        node = local_node()
    except NodeNotInitialised as error:
        raise CommandError(str(error)) from None
    labs = Lab.objects.filter(origin=node).order_by("date_created", "pk")
    lab = labs.filter(slug=slug).first() if slug else labs.first()
    if lab is None:
        raise CommandError(f"This node has no lab “{slug}”." if slug else "This node has no lab yet; create one first.")
    return lab


def _file_lines(file: FileReport) -> str:
    """One file of the report: outcome and path, then the card and every remark, indented."""
    lines = [f"{file.outcome:<10} {file.path}"]
    if file.title:
        card = (f"“{file.title}”", file.language, file.phase, file.iri)
        lines.append(INDENT + " · ".join(part for part in card if part))
    lines += [f"{INDENT}translation: {path}" for path in file.translations]
    lines += [f"{INDENT}{note}" for note in file.notes]
    lines += [f"{INDENT}not mapped: {value}" for value in file.not_mapped]
    lines += [f"{INDENT}problem: {problem}" for problem in file.problems]
    return "\n".join(lines)


def _summary(report: ImportReport) -> str:
    counts = report.counts()
    return f"{len(report.files)} files: " + ", ".join(f"{count} {outcome}" for outcome, count in counts.items()) + "."
