"""Requests: send to a peer URL under one deadline and return its parsed JSON answer.

``get_json``, ``post_json`` and ``post_form`` return the parsed JSON answer (``None`` for ``204 No
Content``). ``token`` is sent as ``Authorization: Bearer``; ``auth=(client_id, client_secret)`` as
HTTP Basic auth, both parts form-encoded first as RFC 6749 section 2.3.1 asks of OAuth clients.
``timeout`` is the deadline of the whole exchange (connect, answer, body, redirects). Invalid tokens
or headers raise ``ValueError`` without echoing them; every other failure is a
``PeerRequestError``. ``parse_retry_after`` reads a ``Retry-After`` header (seconds or HTTP date),
capped at one hour.

* URLs are checked before any request; redirects are never followed by requests itself: a
  redirect to the same scheme, host and port is followed (at most ``MAX_REDIRECTS`` hops, 303 and
  a 301/302 after POST turn into GET), any other is refused.
* The body is streamed raw and refused once it passes ``max_bytes`` on the wire or decoded (an
  announced Content-Length above it is refused before reading); gzip and deflate are undone here a
  chunk at a time with the output bounded, so a compression bomb is cut, and so is a body of empty
  gzip members that inflates to nothing. Only gzip and deflate are asked for.
* Frame locals in tracebacks (Django's debug page, error e-mails with locals) can show the headers
  dict of a request in progress; messages and logs of this package never do.
"""

from __future__ import annotations

import base64
import http
import http.client
import math
import re
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote_plus, urldefrag, urlencode, urljoin

import orjson
import requests
import urllib3.exceptions

from federation.http.addresses import check_outbound_url, url_origin
from federation.http.errors import (
    PeerBadContent,
    PeerBadStatus,
    PeerRefused,
    PeerRequestError,
    PeerTooLarge,
    PeerUnreachable,
    display_url,
    url_refused,
)
from federation.http.transport import GuardedCall, thread_session

MAX_REDIRECTS = 3
RETRY_AFTER_CAP = 3600

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_DETAIL_BYTES = 4096
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_BREAK = re.compile(r"[\r\n\x00]")


def get_json(
    url: str,
    *,
    token: str | None = None,
    allow_private: bool,
    timeout: float = 10,
    max_bytes: int = 32 * 1024 * 1024,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """GET a peer URL and return its parsed JSON answer."""
    return _exchange(
        "GET", url, None, _headers(headers, token=token), allow_private, timeout, max_bytes
    )


def post_json(
    url: str,
    payload: Any,
    *,
    token: str | None = None,
    allow_private: bool,
    timeout: float = 10,
    max_bytes: int = 1024 * 1024,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """POST a JSON payload to a peer URL and return its parsed JSON answer."""
    sent = {"Content-Type": "application/json", **_headers(headers, token=token)}
    return _exchange("POST", url, orjson.dumps(payload), sent, allow_private, timeout, max_bytes)


def post_bytes(
    url: str,
    body: bytes,
    *,
    allow_private: bool,
    timeout: float = 10,
    max_bytes: int = 64 * 1024,
    headers: Mapping[str, str] | None = None,
) -> int:
    """POST a body as it is (the caller signed these very bytes) and return the success status; the
    answer's body is read up to ``max_bytes`` and dropped (an inbox answers 202 with nothing, or anything)."""
    return _exchange("POST", url, body, _headers(headers), allow_private, timeout, max_bytes, json_answer=False)


def post_form(
    url: str,
    data: Mapping[str, str],
    *,
    auth: tuple[str, str] | None,
    allow_private: bool,
    timeout: float = 10,
    max_bytes: int = 1024 * 1024,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """POST a form (OAuth token endpoint: client credentials as Basic auth), return its JSON."""
    sent = {"Content-Type": "application/x-www-form-urlencoded", **_headers(headers)}
    if auth is not None:
        sent["Authorization"] = _basic_auth(*auth)
    body = urlencode(dict(data)).encode("ascii")
    return _exchange("POST", url, body, sent, allow_private, timeout, max_bytes)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> int | None:
    """Return the seconds a Retry-After header (seconds or HTTP date) asks for, capped at 1 h."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,12}", value):
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = math.ceil((when - (now or datetime.now(UTC))).total_seconds())
    return max(0, min(seconds, RETRY_AFTER_CAP))


def _headers(extra: Mapping[str, str] | None, *, token: str | None = None) -> dict[str, str]:
    """Return the request headers, with the bearer token when one is given."""
    headers = dict(extra or {})
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or _HEADER_BREAK.search(value):
            raise ValueError("a request header name or value is not valid")
    if token is not None:
        if not _HEADER_VALUE.fullmatch(token):
            raise ValueError("the token holds characters an HTTP header cannot carry")
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _basic_auth(client_id: str, secret: str) -> str:
    """Return a Basic Authorization value, both parts form-encoded (RFC 6749 section 2.3.1)."""
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode("ascii")
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _exchange(
    method: str,
    url: str,
    body: bytes | None,
    headers: dict[str, str],
    allow_private: bool,
    timeout: float,
    max_bytes: int,
    *,
    json_answer: bool = True,
) -> Any:
    """Run a request and its same-origin redirects under one deadline; return the JSON answer
    (without ``json_answer``: the status, the body read within its bound and dropped)."""
    if not timeout > 0:
        raise ValueError("timeout must be positive")
    check_outbound_url(url, allow_private=allow_private)
    with GuardedCall(allow_private=allow_private, timeout=timeout) as call:
        for _hop in range(MAX_REDIRECTS + 1):
            response = _send(call, method, url, body, headers)
            try:
                if response.status_code not in _REDIRECTS and not json_answer:
                    return _status(call, response, method, url, max_bytes)
                if response.status_code not in _REDIRECTS:
                    return _answer(call, response, method, url, max_bytes)
                target = _redirect_target(response, url, allow_private)
            finally:
                response.close()
            if response.status_code == 303 or (
                response.status_code in (301, 302) and method == "POST"
            ):
                method, body = "GET", None
                headers = {
                    name: value for name, value in headers.items() if name.lower() != "content-type"
                }
            url = target
    raise PeerRefused(
        f"Peer request refused: more than {MAX_REDIRECTS} redirects from {display_url(url)}",
        url=url,
    )


def _send(
    call: GuardedCall, method: str, url: str, body: bytes | None, headers: dict[str, str]
) -> requests.Response:
    """Send one request without following redirects and return the response with its body unread."""
    left = call.remaining()
    try:
        return thread_session().request(
            method,
            url,
            data=body,
            headers=headers,
            timeout=(left, left),
            allow_redirects=False,
            stream=True,
        )
    except PeerRequestError:
        raise
    except requests.exceptions.InvalidHeader:
        raise PeerRefused(
            f"Peer request refused: a request header is not valid ({method} {display_url(url)})",
            url=url,
        ) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, ValueError):
        raise url_refused(url, "the HTTP library cannot send to it") from None
    except (
        requests.RequestException,
        urllib3.exceptions.HTTPError,
        http.client.HTTPException,
        OSError,
    ) as exc:
        raise _unreachable(call, method, url, exc) from exc


def _answer(
    call: GuardedCall, response: requests.Response, method: str, url: str, max_bytes: int
) -> Any:
    """Return the parsed JSON of a final response, or raise the matching PeerRequestError."""
    status = response.status_code
    if not 200 <= status < 300:
        raise _bad_status(call, response, method, url)
    body = _read_body(call, response, method, url, max_bytes)
    if status == 204:
        return None
    if not body.strip():
        raise PeerBadContent(
            f"Peer sent an empty answer to {method} {display_url(url)} where JSON was expected",
            url=url,
        )
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PeerBadContent(
            f"Peer sent invalid JSON to {method} {display_url(url)} ({exc})", url=url
        ) from None


def _status(call: GuardedCall, response: requests.Response, method: str, url: str, max_bytes: int) -> int:
    """The success status of a final response whose body does not matter, or the PeerRequestError."""
    if not 200 <= response.status_code < 300:
        raise _bad_status(call, response, method, url)
    _read_body(call, response, method, url, max_bytes)
    return response.status_code


def _read_body(
    call: GuardedCall, response: requests.Response, method: str, url: str, max_bytes: int
) -> bytes:
    """Stream the body; refuse it past max_bytes on the wire or decoded (or announced larger) and at the deadline."""
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise _too_large(method, url, max_bytes)
    decoder = _BodyDecoder(response.headers.get("Content-Encoding", ""), method=method, url=url)
    chunks: list[bytes] = []
    wire = size = 0
    try:
        for raw in response.raw.stream(_CHUNK, decode_content=False):
            wire += len(raw)
            chunk = decoder.decode(raw, limit=max_bytes - size + 1)
            size += len(chunk)
            if wire > max_bytes or size > max_bytes:
                raise _too_large(method, url, max_bytes)
            if call.expired:
                break
            chunks.append(chunk)
    except PeerRequestError:
        raise
    except (
        requests.RequestException,
        urllib3.exceptions.HTTPError,
        http.client.HTTPException,
        OSError,
        zlib.error,
    ) as exc:
        raise _unreachable(call, method, url, exc) from exc
    if call.expired:
        raise _unreachable(call, method, url, None)
    return b"".join(chunks)


class _BodyDecoder:
    """Undo gzip or deflate a chunk at a time, never producing more than the caller's limit.

    The body is read raw and decoded here rather than by urllib3, so that the bytes on the wire
    are counted too: a compressed body that inflates to next to nothing (many empty gzip members)
    is stopped at the size cap like any other, instead of being read until the deadline.
    """

    def __init__(self, encoding: str, *, method: str, url: str) -> None:
        self.encoding = encoding.strip().lower()
        if self.encoding not in _ENCODINGS:
            raise PeerBadContent(f"Peer sent an answer in the content encoding {self.encoding[:40]!r}, "
                                 f"which this node did not ask for, to {method} {display_url(url)}", url=url)
        self._inflater = self._new_inflater()

    def decode(self, data: bytes, *, limit: int) -> bytes:
        """The decoded bytes of ``data`` (at most ``limit`` more than nothing, so a bomb stops here)."""
        if self._inflater is None:
            return data
        out = b""
        while data and len(out) < limit:
            out += self._inflater.decompress(data, limit - len(out))
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:  # a gzip body may hold several members, one after the other
                data, self._inflater = self._inflater.unused_data + data, self._new_inflater()
        return out

    def _new_inflater(self):
        if self.encoding in ("", "identity"):
            return None
        return zlib.decompressobj(_ENCODINGS[self.encoding])


# zlib's window bits: 31 reads a gzip member, 47 a zlib or gzip stream (deflate as HTTP names it).
_ENCODINGS = {"": 0, "identity": 0, "gzip": 31, "x-gzip": 31, "deflate": 47}


def _redirect_target(response: requests.Response, url: str, allow_private: bool) -> str:
    """Return the URL a redirect points to, refusing anything but the same scheme, host and port."""
    location = response.headers.get("Location", "").strip()
    if not location:
        raise PeerBadStatus(
            f"Peer answered HTTP {response.status_code} without a Location to {display_url(url)}",
            url=url,
            status=response.status_code,
        )
    target = urldefrag(urljoin(url, location)).url
    check_outbound_url(target, allow_private=allow_private)
    if url_origin(target) != url_origin(url):
        raise PeerRefused(
            f"Peer request refused: {display_url(url)} redirects to another origin"
            f" ({display_url(target)})",
            url=target,
        )
    return target


def _bad_status(
    call: GuardedCall, response: requests.Response, method: str, url: str
) -> PeerBadStatus:
    """Build the error for a non-success status, with Retry-After (429/503) and error detail."""
    status = response.status_code
    retry_after = (
        parse_retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
    )
    detail = _error_detail(call, response, method, url)
    try:
        phrase = " " + http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    message = f"Peer answered HTTP {status}{phrase} to {method} {display_url(url)}"
    if detail:
        message += f" ({detail})"
    if retry_after is not None:
        message += f"; retry after {retry_after} s"
    return PeerBadStatus(message, url=url, status=status, retry_after=retry_after, detail=detail)


def _error_detail(
    call: GuardedCall, response: requests.Response, method: str, url: str
) -> str | None:
    """Return short printable text from a small JSON error body (OAuth ``error``, ``title``)."""
    length = response.headers.get("Content-Length", "").strip()
    if (
        "json" not in response.headers.get("Content-Type", "")
        or not length.isdigit()
        or int(length) > _DETAIL_BYTES
    ):
        return None
    try:
        document = orjson.loads(_read_body(call, response, method, url, _DETAIL_BYTES))
    except (PeerRequestError, orjson.JSONDecodeError):
        return None
    if not isinstance(document, dict):
        return None
    parts = [document.get(key) for key in ("error", "title", "detail", "error_description")]
    text = ": ".join(
        dict.fromkeys(part for part in parts if isinstance(part, str) and part.strip())
    )
    text = "".join(char if char.isprintable() else " " for char in text).strip()
    return (text if len(text) <= 200 else text[:199] + "…") or None


def _too_large(method: str, url: str, max_bytes: int) -> PeerTooLarge:
    """Build the error for an answer past max_bytes."""
    return PeerTooLarge(
        f"Peer answer to {method} {display_url(url)} is larger than {max_bytes} bytes", url=url
    )


def _unreachable(
    call: GuardedCall, method: str, url: str, exc: BaseException | None
) -> PeerUnreachable:
    """Build the error for a failed connection, naming the cause without request headers."""
    if call.expired:
        reason = f"no complete answer within {call.timeout:g} s"
    elif isinstance(exc, requests.exceptions.ConnectTimeout):
        reason = "connection timed out"
    elif isinstance(exc, requests.exceptions.Timeout):
        reason = "timed out waiting for the answer"
    else:
        reason = _cause_text(exc)
    return PeerUnreachable(f"Peer unreachable: {method} {display_url(url)} ({reason})", url=url)


def _cause_text(exc: BaseException | None) -> str:
    """Return the innermost transport reason of an exception as short printable text."""
    reason: Any = exc
    if exc is not None and exc.args and isinstance(exc.args[0], urllib3.exceptions.MaxRetryError):
        reason = exc.args[0].reason or exc.args[0]
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return "host name could not be resolved"
    text = re.sub(r"^(<[^>]*>|\w+\([^)]*\)): ", "", str(reason)) or type(reason).__name__
    text = "".join(char if char.isprintable() else " " for char in text)
    return "connection failed: " + (text if len(text) <= 160 else text[:159] + "…")
