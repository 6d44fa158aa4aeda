"""The mapping rules: a handbook method file's front matter and sections as method-card fields.

Pure functions without the database; every value that has no place on the card is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hub.choices import Difficulty
from methods.importers.front_matter import MethodFile, MethodFileError
from methods.importers.handbook_text import heading_key, markdown_clean, sections_split

SUMMARY_HEADINGS = {
    "was und wofür", "was ist das und wofür", "wofür", "what is it and what purpose does it serve",
    "what and what for", "what is it for",
}
ADDED_VALUE_HEADINGS = {"mehrwert", "added value"}
ATTRIBUTE_FIELDS = {
    "difficulty": {"niveau", "level", "schwierigkeitsgrad", "schwierigkeit", "difficulty"},
    "materials": {"materialien", "material", "materials"},
    "roles": {"rollen", "rolle", "roles", "role"},
    "tips": {"anregung", "anregungen", "suggestion", "suggestions", "tipp", "tipps", "tip", "tips",
             "hinweis", "hinweise", "note", "hint"},
    "time": {"zeit", "dauer", "zeitaufwand", "time", "duration"},
}
FIELD_OF_LABEL = {label: name for name, labels in ATTRIBUTE_FIELDS.items() for label in labels}
KNOWN_KEYS = {"title", "time", "attributes", "note"}

LEVEL_WORDS = {
    Difficulty.LOW: {"einfach", "leicht", "gering", "niedrig", "simple", "easy", "low", "basic"},
    Difficulty.MEDIUM: {"mäßig", "moderat", "mittel", "mittelschwer", "moderate", "medium", "intermediate"},
    Difficulty.HIGH: {"hoch", "schwer", "schwierig", "anspruchsvoll", "high", "hard", "difficult", "advanced"},
}
LEVEL_OF_WORD = {word: level for level, words in LEVEL_WORDS.items() for word in words}
LEVEL_ORDER = [Difficulty.LOW, Difficulty.MEDIUM, Difficulty.HIGH]
RANGE_WORDS = {"bis", "to"}

NUMBER = r"(\d+(?:[.,]\d+)?)"
UNIT = r"(minuten|minutes|minute|mins|min|stunden|stunde|std|hours|hour|hrs|h)\b\.?"
APPROX = r"(?:(?:ca\.|circa|etwa|ungefähr|approx\.|approximately|about|around|~)\s*)?"
DASH = r"(?:[–—-]|bis|to)"
TIME_RANGE = re.compile(rf"^{APPROX}{NUMBER}\s*(?:{UNIT})?\s*{DASH}\s*{NUMBER}\s*{UNIT}", re.IGNORECASE)
TIME_SINGLE = re.compile(rf"^{APPROX}{NUMBER}\s*{UNIT}", re.IGNORECASE)
TIME_UP_TO = re.compile(rf"^(?:bis zu|bis|maximal|höchstens|max\.|up to|at most)\s*{NUMBER}\s*{UNIT}", re.IGNORECASE)
TIME_AT_LEAST = re.compile(rf"^(?:ab|mindestens|at least|from)\s*{NUMBER}\s*{UNIT}", re.IGNORECASE)
HOURS = {"stunden", "stunde", "std", "hours", "hour", "hrs", "h"}
# A list entry that continues the one before it ("Requisiten, um in Rollen zu schlüpfen").
CLAUSE = re.compile(
    r"^(um|damit|wenn|falls|sodass|so dass|die|der|das|deren|dessen|wie|z\.\s?b\.|"
    r"which|that|so that|if|when|such as|e\.g\.|i\.e\.)\b",
    re.IGNORECASE,
)

ATTRIBUTION = {
    "de": (
        "Aus dem Handbuch „Öffentliches Gestalten“ von CityLAB Berlin (© Technologiestiftung Berlin), "
        "lizenziert unter CC BY-NC-SA 4.0; für diese Methodenkarte in ihre Felder aufgeteilt."
    ),
    "en": (
        "From the handbook “Öffentliches Gestalten” by CityLAB Berlin (© Technologiestiftung Berlin), "
        "licensed under CC BY-NC-SA 4.0; divided into the fields of this method card."
    ),
}


@dataclass
class Mapped:
    """The card fields of one method file and what could not be placed on the card."""

    fields: dict[str, Any] = field(default_factory=dict)
    not_mapped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Duration:
    """A duration in minutes; either end may be open."""

    minimum: int | None
    maximum: int | None
    rest: str = ""


def method_fields(method_file: MethodFile, *, language: str) -> Mapped:
    """Map one method file onto card fields; raise MethodFileError if it has no title."""
    front = method_file.front_matter
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        raise MethodFileError("has no title in its front matter")
    mapped = Mapped(fields={"title": " ".join(title.split()), "language": language})
    _map_unknown_keys(front, mapped)
    _map_time(front.get("time"), "time", mapped)
    _map_attributes(front.get("attributes"), mapped, language)
    _map_note(front.get("note"), mapped, language)
    _map_sections(method_file.body, mapped, language)
    return mapped


def duration_parse(text: str) -> Duration | None:
    """A duration such as "90 – 150 Minuten", "1 - 2 hours" or "45 min"; None if not understood."""
    text = " ".join(text.split())
    if match := TIME_RANGE.match(text):
        low, low_unit, high, high_unit = match.groups()
        minimum, maximum = _minutes(low, low_unit or high_unit), _minutes(high, high_unit)
    elif match := TIME_UP_TO.match(text):
        minimum, maximum = None, _minutes(*match.groups())
    elif match := TIME_AT_LEAST.match(text):
        minimum, maximum = _minutes(*match.groups()), None
    elif match := TIME_SINGLE.match(text):
        minimum = maximum = _minutes(*match.groups())
    else:
        return None
    if minimum is not None and maximum is not None and minimum > maximum:
        return None
    return Duration(minimum, maximum, text[match.end():].strip(" ,;()"))


def difficulty_parse(text: str) -> str | None:
    """low, medium or high from a level such as "Einfach" or "Mittel – Hoch" (a range takes its upper end)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    levels = [LEVEL_OF_WORD.get(word) for word in words if word not in RANGE_WORDS]
    if not levels or None in levels:
        return None
    return max(levels, key=LEVEL_ORDER.index)


def list_split(content: object) -> list[str]:
    """Entries of a comma-separated text (or a YAML list), keeping clauses with the entry they belong to."""
    parts = [str(item) for item in content] if isinstance(content, list) else _split_outside_brackets(str(content))
    entries: list[str] = []
    for part in (" ".join(part.replace("\u00ad", "").split()) for part in parts):
        if part and entries and CLAUSE.match(part):
            entries[-1] = f"{entries[-1]}, {part}"
        elif part:
            entries.append(part)
    return [entry.rstrip(".") for entry in entries if entry.rstrip(".")]


def _minutes(number: str, unit: str) -> int:
    value = float(number.replace(",", "."))
    return round(value * (60 if unit.lower() in HOURS else 1))


def _split_outside_brackets(text: str) -> list[str]:
    """Split at commas, semicolons and line breaks that lie outside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ",;\n" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    return parts + ["".join(current)]


def _map_unknown_keys(front: dict[str, Any], mapped: Mapped) -> None:
    for key in sorted(set(front) - KNOWN_KEYS, key=str):
        mapped.not_mapped.append(f"front matter {_quote(key)}: {_quote(front[key])}")


def _map_time(value: object, label: str, mapped: Mapped) -> None:
    """duration_min and duration_max from a time text; the words after it are reported."""
    if value in (None, ""):
        return
    duration = duration_parse(str(value)) if isinstance(value, (str, int)) else None
    if duration is None:
        mapped.not_mapped.append(f"{label} {_quote(value)}: not a duration in minutes or hours")
        return
    mapped.fields |= {"duration_min": duration.minimum, "duration_max": duration.maximum}
    if duration.rest:
        mapped.not_mapped.append(f"{label} {_quote(value)}: {_quote(duration.rest)} is not kept")


def _map_attributes(attributes: object, mapped: Mapped, language: str) -> None:
    """Difficulty, materials, roles, tips (and a time given as an attribute) from the label/content pairs."""
    if attributes in (None, ""):
        return
    if not isinstance(attributes, list):
        mapped.not_mapped.append(f"attributes {_quote(attributes)}: not a list of label/content pairs")
        return
    tips: list[str] = []
    for attribute in attributes:
        _map_attribute(attribute, mapped, tips, language)
    if tips:
        mapped.fields["tips"] = "\n\n".join(tips)


def _map_attribute(attribute: object, mapped: Mapped, tips: list[str], language: str) -> None:
    if not isinstance(attribute, dict) or set(attribute) - {"label", "content"}:
        mapped.not_mapped.append(f"attribute {_quote(attribute)}: not a label/content pair")
        return
    label, content = str(attribute.get("label") or "").strip(), attribute.get("content")
    if content in (None, "", []):
        return
    target = FIELD_OF_LABEL.get(label.lower().rstrip(": "))
    if target == "difficulty" and (level := difficulty_parse(str(content))):
        mapped.fields["difficulty"] = level
    elif target in ("materials", "roles"):
        mapped.fields[target] = mapped.fields.get(target, []) + list_split(content)
    elif target == "tips":
        tips.append(markdown_clean(str(content), language=language)[0])
    elif target == "time":
        _map_time(content, f"attribute {_quote(label)}", mapped)
    else:
        mapped.not_mapped.append(f"attribute {_quote(label)}: {_quote(content)}")


def _map_note(note: object, mapped: Mapped, language: str) -> None:
    """The note becomes the background, followed by the handbook's attribution."""
    attribution = ATTRIBUTION.get(language, ATTRIBUTION["en"])
    text = markdown_clean(str(note), language=language)[0] if note not in (None, "") else ""
    mapped.fields["background"] = f"{text}\n\n{attribution}" if text else attribution


def _map_sections(body: str, mapped: Mapped, language: str) -> None:
    """"Was und wofür?" is the summary, "Mehrwert" the added value, every other section the body."""
    markdown, dropped = markdown_clean(body, language=language)
    mapped.not_mapped += [f"component <{name}> in the text" for name in dropped]
    parts: dict[str, list[str]] = {"summary": [], "added_value": [], "body": []}
    for section in sections_split(markdown):
        key = heading_key(section.heading)
        if key in SUMMARY_HEADINGS:
            parts["summary"].append(section.text)
        elif key in ADDED_VALUE_HEADINGS:
            parts["added_value"].append(section.text)
        elif section.heading:
            parts["body"].append(f"{'#' * section.level} {section.heading}\n\n{section.text}".strip())
        else:
            parts["body"].append(section.text)
    mapped.fields |= {name: "\n\n".join(text for text in texts if text) for name, texts in parts.items()}


def _quote(value: object, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return f"“{text[:limit - 1]}…”" if len(text) > limit else f"“{text}”"
