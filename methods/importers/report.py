"""What an import did, file by file: the outcome, the card, and every value that found no place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

IMPORTED, UPDATED, UNCHANGED, SKIPPED = "imported", "updated", "unchanged", "skipped"
OUTCOMES = (IMPORTED, UPDATED, UNCHANGED, SKIPPED)


@dataclass
class FileReport:
    """One method file: what became of it and why."""

    path: str
    outcome: str = SKIPPED
    title: str = ""
    iri: str = ""
    language: str = ""
    phase: str = ""
    translations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, problem: str) -> None:
        """Mark the file as skipped, saying why."""
        self.outcome = SKIPPED
        self.problems.append(problem)


@dataclass
class ImportReport:
    """Every file an import looked at, in path order."""

    files: list[FileReport] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many files had each outcome."""
        counted = Counter(report.outcome for report in self.files)
        return {outcome: counted[outcome] for outcome in OUTCOMES}

    def file(self, path: str) -> FileReport | None:
        """The report on one file, by its path in the handbook."""
        return next((report for report in self.files if report.path == path), None)
