"""The errors of a request to a peer: one family, whose messages are safe to show.

Every failure of a request raises a ``PeerRequestError`` whose message is fit for sync reports and
command output and never holds a token or credential; its subclass and ``kind`` attribute tell why:
``PeerRefused`` ("refused": URL or redirect not allowed), ``PeerUnreachable`` ("unreachable":
DNS, connect, timeout, deadline, broken connection), ``PeerTooLarge`` ("too_large"),
``PeerBadStatus`` ("bad_status", with ``status``, ``retry_after`` for 429 and 503, ``detail``)
and ``PeerBadContent`` ("bad_content": not JSON). ``url`` holds the URL concerned (without user
information).
"""

from __future__ import annotations

import re
from typing import ClassVar


class PeerRequestError(Exception):
    """A request to a peer failed; the message is safe to show and never holds a secret."""

    kind: ClassVar[str] = "error"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = display_url(url) if url is not None else None


class PeerRefused(PeerRequestError):
    """The URL, an address it resolves to, or a redirect is not allowed."""

    kind = "refused"


class PeerUnreachable(PeerRequestError):
    """The peer could not be resolved, connected to or did not answer in time."""

    kind = "unreachable"


class PeerTooLarge(PeerRequestError):
    """The answer is larger than allowed."""

    kind = "too_large"


class PeerBadStatus(PeerRequestError):
    """The peer answered with an error status; ``retry_after`` is set for 429 and 503 when given."""

    kind = "bad_status"

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int,
        retry_after: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
        self.detail = detail


class PeerBadContent(PeerRequestError):
    """The answer is not the JSON that was asked for."""

    kind = "bad_content"


def display_url(url: str) -> str:
    """Return a URL fit for messages: no user information, no control characters, bounded length."""
    text = re.sub(r"(//)[^/?#]*@", r"\1", str(url))
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= 200 else text[:199] + "…"


def url_refused(url: str, reason: str) -> PeerRefused:
    """Build the refusal error for a URL."""
    return PeerRefused(f"Peer URL refused: {display_url(url)} ({reason})", url=url)
