"""Turning the handbook's MDX-flavoured Markdown into the plain Markdown a method card holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

SOFT_HYPHEN = "\u00ad"
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_LINK = re.compile(r"<a\s[^>]*?href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.DOTALL | re.IGNORECASE)
BOLD = re.compile(r"<(?:b|strong)>(.*?)</(?:b|strong)>", re.DOTALL | re.IGNORECASE)
ITALIC = re.compile(r"<(?:i|em)>(.*?)</(?:i|em)>", re.DOTALL | re.IGNORECASE)
LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
COMPONENT = re.compile(r"<([A-Z][A-Za-z0-9]*)\b")
ABSOLUTE = ("http://", "https://", "mailto:")
# A hyphen left where a printed line was broken ("Veränderungs- impulse"); "Vor- und Nachteile" stays.
BROKEN_WORD = re.compile(r"(\w{2,})- (?!(?:und|oder|bis|sowie|als|wie|and|or|to|nor)\b)([a-zäöüß])")
CALLOUT = "Hint"


@dataclass(frozen=True)
class Section:
    """A part of a Markdown text under one heading (an empty heading for the text before the first)."""

    heading: str
    level: int
    text: str


def markdown_clean(text: str, *, language: str) -> tuple[str, list[str]]:
    """Plain Markdown from the handbook's text, and the names of the components that were dropped."""
    text = COMMENT.sub("", text.replace(SOFT_HYPHEN, "")).replace("\r\n", "\n")
    text, dropped = components_replace(text)
    text = LINE_BREAK.sub("\n", ITALIC.sub(r"_\1_", BOLD.sub(r"**\1**", text)))
    text = MARKDOWN_LINK.sub(_link, HTML_LINK.sub(lambda m: _link_text(m.group(2), m.group(1)), text))
    text = BROKEN_WORD.sub(r"\1\2" if language == "de" else r"\1-\2", text)
    return _tidy(text), dropped


def components_replace(text: str) -> tuple[str, list[str]]:
    """Replace ``<Hint>`` callouts by a paragraph and drop every other MDX component."""
    dropped: list[str] = []
    while match := COMPONENT.search(text):
        name, end = match.group(1), _element_end(text, match.start(), match.group(1))
        element = text[match.start():end]
        replacement = ""
        if name == CALLOUT:
            replacement = "\n\n" + " ".join(_inner(element, name).split()) + "\n\n"
        else:
            dropped.append(name)
        text = text[:match.start()] + replacement + text[end:]
    return text, dropped


def sections_split(markdown: str) -> list[Section]:
    """The text before the first heading and each headed part, in order."""
    sections, heading, level, lines = [], "", 0, []
    for line in markdown.split("\n"):
        match = HEADING.match(line)
        if match is None:
            lines.append(line)
            continue
        sections.append(Section(heading=heading, level=level, text="\n".join(lines).strip()))
        heading, level, lines = match.group(2).strip(), len(match.group(1)), []
    sections.append(Section(heading=heading, level=level, text="\n".join(lines).strip()))
    return [section for section in sections if section.heading or section.text]


def heading_key(heading: str) -> str:
    """A heading compared without case, punctuation at its end, emphasis or extra spaces."""
    return " ".join(heading.replace("*", "").replace("_", " ").lower().rstrip("?:!. ").split())


def _element_end(text: str, start: int, name: str) -> int:
    """Where the JSX element starting at ``start`` ends (self-closing or with its closing tag)."""
    depth, index = 0, start + 1 + len(name)
    while index < len(text):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and text.startswith("/>", index):
            return index + 2
        elif depth == 0 and char == ">":
            close = text.find(f"</{name}>", index)
            return len(text) if close < 0 else close + len(name) + 3
        index += 1
    return len(text)


def _inner(element: str, name: str) -> str:
    """The children of a JSX element with a closing tag."""
    opening = element.find(">")
    closing = element.rfind(f"</{name}>")
    return element[opening + 1:closing] if 0 <= opening < closing else ""


def _link(match: re.Match) -> str:
    return _link_text(match.group(1), match.group(2))


def _link_text(text: str, target: str) -> str:
    """A link to another web site stays; one into the handbook's own pages becomes its text."""
    text = " ".join(text.split())
    return f"[{text}]({target})" if target.startswith(ABSOLUTE) else text


def _tidy(text: str) -> str:
    """Trailing spaces removed, at most one blank line in a row, no blank lines around the text."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
