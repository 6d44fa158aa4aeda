"""Markdown files with YAML front matter: split, parse, and say what is wrong with a bad one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DELIMITER = "---"


class MethodFileError(ValueError):
    """A method file that cannot be read as front matter plus Markdown."""


@dataclass(frozen=True)
class MethodFile:
    """A method file's front matter (a mapping) and its Markdown body."""

    front_matter: dict[str, Any]
    body: str


def method_file_read(path: Path) -> MethodFile:
    """Read a Markdown file and parse its YAML front matter; raise MethodFileError saying why not."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MethodFileError(f"cannot be read: {error}") from None
    header, body = _split(text)
    return MethodFile(front_matter=_parse(header), body=body)


def _split(text: str) -> tuple[str, str]:
    """The front matter between the first two ``---`` lines, and the rest."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != DELIMITER:
        raise MethodFileError("has no front matter: the file must start with a line '---'")
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == DELIMITER:
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:])
    raise MethodFileError("front matter is not closed by a second line '---'")


def _parse(header: str) -> dict[str, Any]:
    """The front matter as a mapping."""
    try:
        value = yaml.safe_load(header)
    except yaml.YAMLError as error:
        raise MethodFileError(f"front matter is not valid YAML: {_one_line(error)}") from None
    if not isinstance(value, dict):
        raise MethodFileError("front matter must be a YAML mapping of keys to values")
    return value


def _one_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"{problem} (line {mark.line + 2})" if mark is not None else " ".join(str(problem).split())
