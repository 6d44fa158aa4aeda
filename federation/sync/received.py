"""A received document as the mirror handles it, and what applying a set of them did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from federation.codecs import NOT_UNDERSTOOD, Decoded


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

    @property
    def understood(self) -> bool:
        """Whether this node knows the document's type (else it is kept unapplied, protocol section 8)."""
        return self.decoded.type != NOT_UNDERSTOOD

    @property
    def item_type(self) -> str:
        """The item's type: a tombstone's former type, a kept document's own."""
        if not self.understood:
            return self.decoded.fields["item_type"]
        return self.decoded.fields["former_type"] if self.is_tombstone else self.decoded.type


@dataclass
class PageResult:
    """What applying a page did: applied, unchanged, held until their origin is pinned, kept until this node
    knows their type, and refused."""

    applied: int = 0
    skipped: int = 0
    held: int = 0
    kept: dict[str, int] = field(default_factory=dict)  # {type: count}: skipped as a type this node does not know
    unkept: list[str] = field(default_factory=list, repr=False)  # 'type X', 'term Y': refused until it knows more
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
