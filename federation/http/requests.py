"""Guarded outbound HTTP: every request this node makes to a peer-supplied URL goes through here.

The network security rule of the project is "no network fetch a peer can steer; peer URLs
validated". This module enforces it in one place.

API
---
``validate_peer_url(url, *, allow_private) -> str``
    Check a peer's base URL and return it normalised: ``scheme://host[:port][/path]`` in lower
    case, IDNA host in ASCII, default port dropped, no trailing slash
    (``"HTTPS://Lab.Example:443/"`` gives ``"https://lab.example"``). Refuses a query as well as
    everything ``check_outbound_url`` refuses.
``check_outbound_url(url, *, allow_private) -> str``
    Check a full URL before fetching it and return it unchanged: http(s) only, no user
    information, a host, a valid non-zero port, no fragment, no whitespace, control characters or
    backslashes, no ambiguous numeric host (``127.1``, ``0x7f.0.0.1``); unless ``allow_private``,
    the host is resolved and refused if ANY address is not public.
``is_public_address(address) -> bool``
    False for private, loopback, link-local, multicast, reserved, unspecified, shared (CGNAT) and
    other non-global addresses, and for IPv4-mapped, 6to4, NAT64 and Teredo forms of them.
``get_json(url, *, token=None, allow_private, timeout=10, max_bytes=32 MiB, headers=None)``
``post_json(url, payload, *, token=None, allow_private, timeout=10, max_bytes=1 MiB, headers=None)``
``post_form(url, data, *, auth, allow_private, timeout=10, max_bytes=1 MiB, headers=None)``
    Send the request and return the parsed JSON answer (``None`` for ``204 No Content``).
    ``token`` is sent as ``Authorization: Bearer``; ``auth=(client_id, client_secret)`` as HTTP
    Basic auth, both parts form-encoded first as RFC 6749 section 2.3.1 asks of OAuth clients.
    ``timeout`` is the deadline of the whole exchange (connect, answer, body, redirects).
``allow_private_default() -> bool``
    ``settings.HUB_ALLOW_PRIVATE_PEERS``, what callers pass as ``allow_private``.
``parse_retry_after(value, *, now=None) -> int | None``
    Seconds from a ``Retry-After`` header (seconds or HTTP date), capped at one hour.

Every failure raises a ``PeerRequestError`` whose message is fit for sync reports and command
output and never holds a token or credential; its subclass and ``kind`` attribute tell why:
``PeerRefused`` ("refused": URL or redirect not allowed), ``PeerUnreachable`` ("unreachable":
DNS, connect, timeout, deadline, broken connection), ``PeerTooLarge`` ("too_large"),
``PeerBadStatus`` ("bad_status", with ``status``, ``retry_after`` for 429 and 503, ``detail``)
and ``PeerBadContent`` ("bad_content": not JSON). ``url`` holds the URL concerned (without user
information). Invalid tokens or headers raise ``ValueError`` without echoing them.

How the guard works
-------------------
* URLs are checked before any request; redirects are never followed by requests itself: a
  redirect to the same scheme, host and port is followed (at most ``MAX_REDIRECTS`` hops,
  303 and a 301/302 after POST turn into GET), any other is refused.
* Connections are made by urllib3 connection classes of this module: with ``allow_private``
  off they resolve the host, refuse if any address is not public and then connect to exactly
  those checked addresses, so a DNS answer that changes between the URL check and the connect
  (DNS rebinding) cannot reach an internal address. A pooled connection is re-checked (its
  peer address) before it carries a request under a stricter policy. TLS SNI, the certificate
  host name check and the Host header use the URL's host name as usual.
* A watchdog timer shuts the socket down at the deadline, so a peer that trickles header or
  body bytes cannot hold a worker; the body is streamed and refused once it passes
  ``max_bytes`` of decoded bytes (an announced Content-Length above it is refused before
  reading; urllib3 2.6+ bounds gzip/deflate output per read, so a compression bomb is cut too).
* One ``requests.Session`` per thread reuses connections. It ignores the environment
  (``trust_env`` off: no proxies, no ``.netrc`` credentials) and keeps no cookies.

Residual risks
--------------
* Name resolution (``socket.getaddrinfo``) has no timeout of its own: a slow resolver can
  delay a request past its deadline by the system resolver's timeout.
* TLS uses the certifi CA bundle; CA bundle variables in the environment are ignored.
* Frame locals in tracebacks (Django's debug page, error e-mails with locals) can show the
  headers dict of a request in progress; messages and logs of this module never do.
"""

from __future__ import annotations

import base64
import http
import http.client
import http.cookiejar
import ipaddress
import math
import os
import re
import socket
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Self
from urllib.parse import SplitResult, quote_plus, urldefrag, urlencode, urljoin, urlsplit

import orjson
import requests
import urllib3.exceptions
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as urllib3_connection

USER_AGENT = "StadtlaborHub/1"
ACCEPT = "application/ld+json, application/json"
MAX_REDIRECTS = 3
RETRY_AFTER_CAP = 3600

_SCHEMES = {"http": 80, "https": 443}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_MAX_URL = 8192
_DETAIL_BYTES = 4096
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_BREAK = re.compile(r"[\r\n\x00]")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PeerRequestError(Exception):
    """A request to a peer failed; the message is safe to show and never holds a secret."""

    kind: ClassVar[str] = "error"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = _display(url) if url is not None else None


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


def allow_private_default() -> bool:
    """Tell whether this node may reach peers at private addresses (HUB_ALLOW_PRIVATE_PEERS)."""
    return bool(settings.HUB_ALLOW_PRIVATE_PEERS)


# --- URL and address checks -------------------------------------------------------------------


def validate_peer_url(url: str, *, allow_private: bool) -> str:
    """Check a peer's base URL and return it normalised, without trailing slash."""
    parts = _split(url)
    if "?" in url:
        raise PeerRefused(f"Peer URL refused: {_display(url)} (a base URL has no query)", url=url)
    host = _ascii_host(parts, url)
    _check_host_addresses(host, url, allow_private=allow_private)
    scheme = parts.scheme.lower()
    port = parts.port
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _SCHEMES[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def check_outbound_url(url: str, *, allow_private: bool) -> str:
    """Check a full URL before fetching it and return it unchanged."""
    parts = _split(url)
    _check_host_addresses(_ascii_host(parts, url), url, allow_private=allow_private)
    return url


def is_public_address(address: str | IPAddress) -> bool:
    """Tell whether an IP address is a public unicast one (embedded IPv4 forms included)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        if ip.teredo is not None:
            return False
        embedded = ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None
        )
        if embedded is not None and not is_public_address(embedded):
            return False
    flags = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    return ip.is_global and not any(flags)


def _split(url: str) -> SplitResult:
    """Parse an outbound URL, refusing anything but a plain http(s) URL with a host."""
    if not isinstance(url, str) or not url:
        raise PeerRefused("Peer URL refused: empty or not a string")
    if len(url) > _MAX_URL:
        raise PeerRefused(f"Peer URL refused: longer than {_MAX_URL} characters", url=url)
    if _UNSAFE_URL_CHARS.search(url):
        raise _refused(url, "it contains whitespace, control characters or a backslash")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused(url, "malformed host or port") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise _refused(url, "only http and https URLs are fetched")
    if "@" in parts.netloc:
        raise _refused(url, "user information (user:password@) is not allowed")
    if "#" in url:
        raise _refused(url, "a fragment is not allowed")
    if not parts.hostname:
        raise _refused(url, "no host")
    if port == 0:
        raise _refused(url, "port 0")
    return parts


def _ascii_host(parts: SplitResult, url: str) -> str:
    """Return the URL's host as an IP literal or a lower-case ASCII (IDNA) name."""
    host = parts.hostname or ""
    bracketed = parts.netloc.rpartition("@")[2].startswith("[")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        if bracketed or ":" in host:
            raise _refused(url, "invalid IPv6 address") from None
    try:
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise _refused(url, "invalid international host name") from None
    labels = name.removesuffix(".").split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise _refused(url, "invalid host name")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        raise _refused(url, "ambiguous numeric host (write IP addresses in full dotted form)")
    return name


def _check_host_addresses(host: str, url: str, *, allow_private: bool) -> None:
    """Refuse the host unless all its addresses are public (no check when private is allowed)."""
    if allow_private:
        return
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = [ipaddress.ip_address(_strip_scope(info[4][0])) for info in _resolve(host, url)]
    for address in addresses:
        if not is_public_address(address):
            raise _refused(url, f"{host} is or resolves to the non-public address {address}")


def _resolve(host: str, url: str) -> list[tuple[Any, ...]]:
    """Resolve a host name for TCP, or raise PeerUnreachable."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise PeerUnreachable(
            f"Peer unreachable: {_display(url)} (host name could not be resolved)", url=url
        ) from None
    if not infos:
        raise PeerUnreachable(
            f"Peer unreachable: {_display(url)} (host name has no address)", url=url
        )
    return infos


def _strip_scope(address: str) -> str:
    """Drop an IPv6 zone index (``%eth0``) so ipaddress accepts it on every Python version."""
    return address.partition("%")[0]


def _refused(url: str, reason: str) -> PeerRefused:
    """Build the refusal error for a URL."""
    return PeerRefused(f"Peer URL refused: {_display(url)} ({reason})", url=url)


def _display(url: str) -> str:
    """Return a URL fit for messages: no user information, no control characters, bounded length."""
    text = re.sub(r"(//)[^/?#]*@", r"\1", str(url))
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= 200 else text[:199] + "…"


# --- Transport: pinned, checked connections and a hard deadline -------------------------------

_local = threading.local()


class _Call:
    """One guarded exchange: address policy, deadline and the socket the watchdog may cut."""

    def __init__(self, *, allow_private: bool, timeout: float) -> None:
        """Start the clock; the watchdog starts when the call is entered."""
        self.allow_private = allow_private
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Self:
        """Make this the current call of the thread and arm the watchdog."""
        _local.call = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Disarm the watchdog and forget the call."""
        self._timer.cancel()
        _local.call = None

    def remaining(self) -> float:
        """Return the seconds left, marking the call expired when none are."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.expired = True
        return max(left, 0.001)

    def watch(self, sock: socket.socket) -> None:
        """Let the watchdog cut this socket at the deadline (at once if it has passed)."""
        with self._lock:
            self._sock = sock
            expired = self.expired
        if expired:
            _cut(sock)

    def _expire(self) -> None:
        """Mark the deadline as passed and cut the socket in use."""
        with self._lock:
            self.expired = True
            sock = self._sock
        if sock is not None:
            _cut(sock)


def _cut(sock: socket.socket) -> None:
    """Shut a socket down so a blocked read in another thread returns at once."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


def _current_call() -> _Call | None:
    """Return the thread's current guarded call, if any."""
    return getattr(_local, "call", None)


class _GuardedConnectionMixin:
    """A urllib3 connection to checked addresses only, whose socket the watchdog may cut."""

    host: str
    port: int
    timeout: Any
    socket_options: Any
    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        """Resolve and check all addresses (unless private is allowed), then connect to one."""
        call = _current_call()
        if call is not None and call.allow_private:
            sock = super()._new_conn()
        else:
            sock = self._connect_public()
        if call is not None:
            call.watch(sock)
        return sock

    def _connect_public(self) -> socket.socket:
        """Connect to the host's addresses after refusing the host if any of them is not public."""
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise urllib3.exceptions.NameResolutionError(self.host, self, exc) from exc
        addresses = [_strip_scope(info[4][0]) for info in infos]
        for address in addresses:
            if not is_public_address(address):
                raise PeerRefused(
                    f"Peer URL refused: {self.host} resolves to the non-public address {address}"
                )
        error: OSError | None = None
        for address in dict.fromkeys(addresses):
            try:
                return urllib3_connection.create_connection(
                    (address, self.port), self.timeout, socket_options=self.socket_options
                )
            except OSError as exc:
                error = exc
        if isinstance(error, socket.timeout):
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f"Connection to {self.host} timed out"
            )
        raise urllib3.exceptions.NewConnectionError(
            self, f"Failed to establish a new connection: {error}"
        )

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Check a reused connection's peer address under the current policy, then send."""
        call = _current_call()
        if self.sock is not None:
            if call is None or not call.allow_private:
                address = _strip_scope(self.sock.getpeername()[0])
                if not is_public_address(address):
                    reason = f"{self.host} is connected to the non-public address {address}"
                    raise PeerRefused(f"Peer URL refused: {reason}")
            if call is not None:
                call.watch(self.sock)
        super().request(*args, **kwargs)


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    """Guarded plain HTTP connection."""


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    """Guarded HTTPS connection (SNI and certificate check use the URL's host name)."""


class _GuardedHTTPPool(HTTPConnectionPool):
    """HTTP pool of guarded connections."""

    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    """HTTPS pool of guarded connections."""

    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """A requests adapter whose pools make guarded connections and which never uses a proxy."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Create the pool manager with the guarded pool classes."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Refuse proxies: they would bypass the address guard."""
        raise PeerRefused("Peer request refused: proxies are not used for peer requests")


def _session() -> requests.Session:
    """Return this thread's session, made on first use and anew after a fork."""
    session = getattr(_local, "session", None)
    if session is None or _local.pid != os.getpid():
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        session.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT})
        adapter = _GuardedAdapter(pool_connections=8, pool_maxsize=4, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session, _local.pid = session, os.getpid()
    return session


# --- Requests ---------------------------------------------------------------------------------


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
) -> Any:
    """Run a request and its same-origin redirects under one deadline; return the JSON answer."""
    if not timeout > 0:
        raise ValueError("timeout must be positive")
    check_outbound_url(url, allow_private=allow_private)
    with _Call(allow_private=allow_private, timeout=timeout) as call:
        for _hop in range(MAX_REDIRECTS + 1):
            response = _send(call, method, url, body, headers)
            try:
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
        f"Peer request refused: more than {MAX_REDIRECTS} redirects from {_display(url)}", url=url
    )


def _send(
    call: _Call, method: str, url: str, body: bytes | None, headers: dict[str, str]
) -> requests.Response:
    """Send one request without following redirects and return the response with its body unread."""
    left = call.remaining()
    try:
        return _session().request(
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
            f"Peer request refused: a request header is not valid ({method} {_display(url)})",
            url=url,
        ) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, ValueError):
        raise _refused(url, "the HTTP library cannot send to it") from None
    except (
        requests.RequestException,
        urllib3.exceptions.HTTPError,
        http.client.HTTPException,
        OSError,
    ) as exc:
        raise _unreachable(call, method, url, exc) from exc


def _answer(call: _Call, response: requests.Response, method: str, url: str, max_bytes: int) -> Any:
    """Return the parsed JSON of a final response, or raise the matching PeerRequestError."""
    status = response.status_code
    if not 200 <= status < 300:
        raise _bad_status(call, response, method, url)
    body = _read_body(call, response, method, url, max_bytes)
    if status == 204:
        return None
    if not body.strip():
        raise PeerBadContent(
            f"Peer sent an empty answer to {method} {_display(url)} where JSON was expected",
            url=url,
        )
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PeerBadContent(
            f"Peer sent invalid JSON to {method} {_display(url)} ({exc})", url=url
        ) from None


def _read_body(
    call: _Call, response: requests.Response, method: str, url: str, max_bytes: int
) -> bytes:
    """Stream the body; refuse it past max_bytes (or announced larger) and at the deadline."""
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise _too_large(method, url, max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(method, url, max_bytes)
            call.remaining()
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
    ) as exc:
        raise _unreachable(call, method, url, exc) from exc
    if call.expired:
        raise _unreachable(call, method, url, None)
    return b"".join(chunks)


def _redirect_target(response: requests.Response, url: str, allow_private: bool) -> str:
    """Return the URL a redirect points to, refusing anything but the same scheme, host and port."""
    location = response.headers.get("Location", "").strip()
    if not location:
        raise PeerBadStatus(
            f"Peer answered HTTP {response.status_code} without a Location to {_display(url)}",
            url=url,
            status=response.status_code,
        )
    target = urldefrag(urljoin(url, location)).url
    check_outbound_url(target, allow_private=allow_private)
    if _origin(target) != _origin(url):
        raise PeerRefused(
            f"Peer request refused: {_display(url)} redirects to another origin"
            f" ({_display(target)})",
            url=target,
        )
    return target


def _origin(url: str) -> tuple[str, str, int]:
    """Return a checked URL's scheme, lower-case host and effective port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, _ascii_host(parts, url), parts.port or _SCHEMES[scheme]


def _bad_status(call: _Call, response: requests.Response, method: str, url: str) -> PeerBadStatus:
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
    message = f"Peer answered HTTP {status}{phrase} to {method} {_display(url)}"
    if detail:
        message += f" ({detail})"
    if retry_after is not None:
        message += f"; retry after {retry_after} s"
    return PeerBadStatus(message, url=url, status=status, retry_after=retry_after, detail=detail)


def _error_detail(call: _Call, response: requests.Response, method: str, url: str) -> str | None:
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
        f"Peer answer to {method} {_display(url)} is larger than {max_bytes} bytes", url=url
    )


def _unreachable(call: _Call, method: str, url: str, exc: BaseException | None) -> PeerUnreachable:
    """Build the error for a failed connection, naming the cause without request headers."""
    if call.expired:
        reason = f"no complete answer within {call.timeout:g} s"
    elif isinstance(exc, requests.exceptions.ConnectTimeout):
        reason = "connection timed out"
    elif isinstance(exc, requests.exceptions.Timeout):
        reason = "timed out waiting for the answer"
    else:
        reason = _cause_text(exc)
    return PeerUnreachable(f"Peer unreachable: {method} {_display(url)} ({reason})", url=url)


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
