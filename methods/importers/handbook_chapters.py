"""The handbook's chapters: which method files they import, in which phase, paired across languages.

A Docusaurus chapter (``docs/<n>-<phase>/*.mdx``, and the same path under
``i18n/<lang>/docusaurus-plugin-content-docs/current/`` for a translation) imports method files with
``import * as Name from '@site/src/assets/methods/….md'`` and shows each one followed by its
procedure ("Vorgehen"), whose numbered list becomes the card's steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from hub.choices import Phase
from methods.importers.handbook_text import HEADING, heading_key, markdown_clean

DEFAULT_LANGUAGE = "de"
METHODS_DIR = "src/assets/methods"
TRANSLATED_DOCS = "docusaurus-plugin-content-docs/current"
CHAPTER_SUFFIXES = {".md", ".mdx"}
PHASE_FOLDER = re.compile(r"^\d+-([a-z]+)$")
LANGUAGE_FOLDER = re.compile(r"^[a-z]{2,3}$")
IMPORT = re.compile(r"""^\s*import\s+(?:\*\s+as\s+)?(\w+)\s+from\s+["']([^"']+\.mdx?)["']\s*;?\s*$""", re.MULTILINE)
PROCEDURE_HEADINGS = {"vorgehen", "ablauf", "anleitung", "schritte", "procedure", "process", "steps", "instructions"}
STEP = re.compile(r"^\s{0,3}(\d{1,2})[.)]\s+(.*)$")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
ABBREVIATION = re.compile(
    r"(?:\b(?:z\.\s?B|bzw|ca|etc|vgl|ggf|usw|d\.\s?h|u\.\s?a|e\.g|i\.e|max|min|Nr|evtl|inkl|bspw|sog)|\b\w|\d+)$",
    re.IGNORECASE,
)
EMPHASIS = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
MAX_STEP_TITLE = 120
MIN_CLAUSE = 20
CLAUSE_END = re.compile(r"[,:;]\s")
MAX_STEPS = 50


@dataclass(frozen=True)
class ChapterImport:
    """A method file a chapter imports, under the name the chapter gives it."""

    name: str
    file: str


@dataclass
class Chapter:
    """One chapter page: its path, language, phase and the method files it imports."""

    path: str
    key: str
    language: str
    phase: str | None
    text: str
    imports: list[ChapterImport] = field(default_factory=list)


@dataclass
class Procedure:
    """The steps of one method as its chapter lists them, and what did not fit into them."""

    steps: list[dict[str, str]] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def handbook_root_of(path: Path) -> Path | None:
    """The handbook checkout a file or folder lies in (the folder holding src/assets/methods), if any."""
    path = path.resolve()
    for candidate in [path, *path.parents]:
        if (candidate / METHODS_DIR).is_dir():
            return candidate
    return None


def method_files(root: Path, under: Path) -> list[Path]:
    """The method files of a handbook that lie under ``under``, sorted by path."""
    methods = (root / METHODS_DIR).resolve()
    base = under.resolve() if under.resolve().is_relative_to(methods) else methods
    return sorted(
        path for path in base.rglob("*")
        if path.suffix in CHAPTER_SUFFIXES and path.is_file() and not path.name.startswith(("_", "."))
    )


def is_method_file(root: Path, path: Path) -> bool:
    """Whether a file lies in the handbook's folder of method files."""
    return path.suffix in CHAPTER_SUFFIXES and path.resolve().is_relative_to((root / METHODS_DIR).resolve())


def file_key(root: Path, path: Path) -> str:
    """A file's path inside the handbook repository, as it appears there."""
    return path.resolve().relative_to(root.resolve()).as_posix()


def language_of(key: str) -> str:
    """A method file's language: its folder under src/assets/methods (en/…), German at the top."""
    parts = PurePosixPath(key).relative_to(METHODS_DIR).parts
    return parts[0] if len(parts) > 1 and LANGUAGE_FOLDER.match(parts[0]) else DEFAULT_LANGUAGE


def chapters_read(root: Path) -> list[Chapter]:
    """Every chapter of every language that imports at least one method file."""
    chapters = []
    for language, docs in _docs_folders(root).items():
        for path in sorted(docs.rglob("*")):
            if path.suffix in CHAPTER_SUFFIXES and path.is_file() and "methods" not in path.relative_to(docs).parts:
                chapter = _chapter_read(root, docs, path, language)
                if chapter.imports:
                    chapters.append(chapter)
    return chapters


def chapter_of(key: str, chapters: list[Chapter]) -> tuple[Chapter, ChapterImport] | None:
    """The chapter in the file's language that shows it: the first one with a phase, else the first."""
    candidates = [
        (chapter, found) for chapter in chapters for found in chapter.imports
        if found.file == key and chapter.language == language_of(key)
    ]
    candidates.sort(key=lambda candidate: candidate[0].phase is None)
    return candidates[0] if candidates else None


def other_phases(key: str, chapters: list[Chapter], phase: str) -> list[str]:
    """Chapters of the file's language that import it in another phase (the first one wins)."""
    return [
        chapter.path for chapter in chapters
        if chapter.phase and chapter.phase != phase and chapter.language == language_of(key)
        and any(found.file == key for found in chapter.imports)
    ]


def translations_pair(chapters: list[Chapter], signature: Callable[[str], Hashable]) -> dict[str, list[str]]:
    """For each method file, the files of its other language versions, as the chapters pair them."""
    by_key = {(chapter.language, chapter.key): chapter for chapter in chapters}
    partners: dict[str, dict[str, str]] = {}
    for chapter in chapters:
        if chapter.language != DEFAULT_LANGUAGE:
            continue
        for (language, key), translated in by_key.items():
            if key == chapter.key and language != DEFAULT_LANGUAGE:
                for left, right in imports_pair(_own(chapter), _own(translated), signature):
                    _group_add(partners, left.file, right.file)
    return {
        member: sorted(set(group.values()) - {member})
        for group in partners.values() for member in group.values()
    }


def imports_pair(
    left: list[ChapterImport], right: list[ChapterImport], signature: Callable[[str], Hashable]
) -> list[tuple[ChapterImport, ChapterImport]]:
    """Pair a chapter's imports with its translation's: by name, then in order, then by a unique signature."""
    right_names = {found.name: found for found in right}
    pairs = [(found, right_names[found.name]) for found in left if found.name in right_names]
    paired = {found.name for found, _ in pairs}
    rest_left = [found for found in left if found.name not in paired]
    rest_right = [found for found in right if found.name not in paired]
    if len(rest_left) == len(rest_right):
        return pairs + list(zip(rest_left, rest_right))
    return pairs + _pair_by_signature(rest_left, rest_right, signature)


def procedure_read(chapter: Chapter, name: str) -> Procedure:
    """The numbered steps under "Vorgehen" (or "Procedure") in the chapter's section on one method."""
    text = _procedure_text(chapter.text, name)
    if text is None:
        return Procedure(notes=[f"no steps: {chapter.path} has no procedure (Vorgehen) for {name}"])
    cleaned, dropped = markdown_clean(text, language=chapter.language)
    procedure = _steps_parse(cleaned)
    procedure.not_mapped += [f"{chapter.path}: component <{found}> in the procedure" for found in dropped]
    return procedure


def _docs_folders(root: Path) -> dict[str, Path]:
    folders = {DEFAULT_LANGUAGE: root / "docs"}
    for translated in sorted((root / "i18n").glob(f"*/{TRANSLATED_DOCS}")):
        folders[translated.parent.parent.name] = translated
    return {language: folder for language, folder in folders.items() if folder.is_dir()}


def _chapter_read(root: Path, docs: Path, path: Path, language: str) -> Chapter:
    key = path.relative_to(docs).as_posix()
    folder = PHASE_FOLDER.match(key.split("/", 1)[0]) if "/" in key else None
    phase = folder.group(1) if folder and folder.group(1) in Phase.values else None
    text = path.read_text(encoding="utf-8-sig")
    chapter = Chapter(path=file_key(root, path), key=key, language=language, phase=phase, text=text)
    chapter.imports = [
        ChapterImport(name=name, file=resolved)
        for name, spec in IMPORT.findall(text)
        if (resolved := _import_resolve(root, path, spec)) is not None
    ]
    return chapter


def _import_resolve(root: Path, chapter: Path, spec: str) -> str | None:
    """The key of the method file an import names, if it is one."""
    if spec.startswith("@site/"):
        target = root / spec.removeprefix("@site/")
    elif spec.startswith("."):
        target = chapter.parent / spec
    else:
        return None
    target = target.resolve()
    if not target.is_file() or not target.is_relative_to((root / METHODS_DIR).resolve()):
        return None
    return file_key(root, target)


def _own(chapter: Chapter) -> list[ChapterImport]:
    """A chapter's imports in its own language (a translated chapter may import an untranslated file)."""
    return [found for found in chapter.imports if language_of(found.file) == chapter.language]


def _group_add(partners: dict[str, dict[str, str]], left: str, right: str) -> None:
    """Put two files in one group of language versions; the first pairing of a file wins."""
    group = partners.setdefault(left, {language_of(left): left})
    if language_of(right) not in group and not any(right in other.values() for other in partners.values()):
        group[language_of(right)] = right


def _pair_by_signature(
    left: list[ChapterImport], right: list[ChapterImport], signature: Callable[[str], Hashable]
) -> list[tuple[ChapterImport, ChapterImport]]:
    """Pairs whose signature (such as their duration) occurs exactly once on each side."""
    def unique(imports: list[ChapterImport]) -> dict[Hashable, ChapterImport]:
        signatures = [signature(found.file) for found in imports]
        return {sig: found for sig, found in zip(signatures, imports) if sig is not None and signatures.count(sig) == 1}

    left_unique, right_unique = unique(left), unique(right)
    return [(found, right_unique[sig]) for sig, found in left_unique.items() if sig in right_unique]


def _procedure_text(text: str, name: str) -> str | None:
    """The text under the procedure heading of the section that shows the method imported as ``name``."""
    use = re.search(rf"\b{re.escape(name)}\.(?:frontMatter|default)\b", text)
    if use is None:
        return None
    section_end = re.compile(r"^#{1,2}\s", re.MULTILINE).search(text, use.end())
    section = text[use.end():section_end.start() if section_end else len(text)]
    lines = section.split("\n")
    for number, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading and heading_key(heading.group(2)) in PROCEDURE_HEADINGS:
            level = len(heading.group(1))
            return "\n".join(_until_heading(lines[number + 1:], level))
    return None


def _until_heading(lines: list[str], level: int) -> list[str]:
    """The lines before the next heading of the same or a higher level."""
    for number, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading and len(heading.group(1)) <= level:
            return lines[:number]
    return lines


def _steps_parse(text: str) -> Procedure:
    """Numbered items become steps; what follows an item up to the next one belongs to its text."""
    procedure, items, preamble = Procedure(), [], []
    for line in text.split("\n"):
        if match := STEP.match(line):
            items.append([match.group(2).strip()])
        elif heading := HEADING.match(line):
            procedure.not_mapped.append(f"heading “{heading.group(2)}” inside the procedure")
        elif items:
            items[-1].append(line.strip())
        elif line.strip():
            preamble.append(line.strip())
    if preamble:
        procedure.not_mapped.append(f"text before the first step: “{' '.join(preamble)[:80]}”")
    if len(items) > MAX_STEPS:
        procedure.not_mapped.append(f"{len(items) - MAX_STEPS} steps beyond the {MAX_STEPS} a card holds")
    procedure.steps = [_step(lines) for lines in items[:MAX_STEPS]]
    return procedure


def _step(lines: list[str]) -> dict[str, str]:
    """A step's title (its first sentence) and text (the rest)."""
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    first, _, rest = text.partition("\n\n")
    first = " ".join(first.split())
    title, remainder = _first_sentence(first)
    return {"title": title, "text": "\n\n".join(part for part in (remainder, rest.strip()) if part)}


def _first_sentence(paragraph: str) -> tuple[str, str]:
    """Split a paragraph after its first sentence; a long one gives its first clause and stays whole in the text."""
    title, remainder = paragraph, ""
    for end in SENTENCE_END.finditer(paragraph):
        if not ABBREVIATION.search(paragraph[:end.start()]):
            keep = paragraph[end.start()] if paragraph[end.start()] in "?!" else ""
            title, remainder = paragraph[:end.start()] + keep, paragraph[end.end():].strip()
            break
    title = EMPHASIS.sub(r"\2", title).rstrip(" :")
    if len(title) <= MAX_STEP_TITLE:
        return title, remainder
    clause = CLAUSE_END.split(title, maxsplit=1)[0]
    if MIN_CLAUSE <= len(clause) <= MAX_STEP_TITLE:
        return clause, paragraph
    return title[:MAX_STEP_TITLE - 20].rsplit(" ", 1)[0] + " …", paragraph
