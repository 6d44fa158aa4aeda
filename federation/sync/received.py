"""A received document as the mirror handles it, and what applying a set of them did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from federation.codecs import Decoded


@dataclass
class Received:
    """A document that passed the shape checks, with its compact JSON text as it will be stored."""

    document: dict[str, Any]
    text: str
    decoded: Decoded
    fetched: bool = False  # fetched from its origin for this page, not one of the page's documents

    @property
    def iri(self) -> str:
        return self.decoded.iri

    @property
    def is_tombstone(self) -> bool:
        return self.decoded.type == "Tombstone"


@dataclass
class PageResult:
    """What applying a page did: applied, unchanged, held until their origin is pinned, and refused."""

    applied: int = 0
    skipped: int = 0
    held: int = 0
    rejections: list[dict[str, str]] = field(default_factory=list)
    removals: list[dict[str, Any]] = field(default_factory=list)  # {origin, count, reason}: what a revocation removed
    copies: list[Any] = field(default_factory=list, repr=False)  # refused copies to ask their origin for again

    def reject(self, iri: object, reason: str) -> None:
        """Count a refused document with the reason, both cut short: a refusal never stores the document."""
        shown = iri if isinstance(iri, str) else repr(iri)
        self.rejections.append({"id": _short(shown, 300), "reason": _short(reason, 500)})


def _short(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters, NUL shown as \\0 (PostgreSQL's JSON cannot hold it)."""
    text = text.replace("\x00", "\\0")
    return text if len(text) <= limit else text[: limit - 1] + "…"
