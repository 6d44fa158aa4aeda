"""Transport: connections pinned to checked addresses, and a hard deadline on every exchange.

* Connections are made by urllib3 connection classes of this module: with ``allow_private`` off
  they resolve the host, refuse if any address is not public and then connect to exactly those
  checked addresses, so a DNS answer that changes between the URL check and the connect (DNS
  rebinding) cannot reach an internal address. A pooled connection is re-checked (its peer
  address) before it carries a request under a stricter policy. TLS SNI, the certificate host name
  check and the Host header use the URL's host name as usual.
* A watchdog timer shuts the socket down at the deadline, so a peer that trickles header or body
  bytes cannot hold a worker.
* One ``requests.Session`` per thread reuses connections. It ignores the environment
  (``trust_env`` off: no proxies, no ``.netrc`` credentials) and keeps no cookies.

Residual risks: name resolution (``socket.getaddrinfo``) has no timeout of its own, so a slow
resolver can delay a request past its deadline by the system resolver's timeout; TLS uses the
certifi CA bundle, and CA bundle variables in the environment are ignored.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import threading
import time
from typing import Any, Self

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as urllib3_connection

from federation.http.addresses import is_public_address, strip_scope
from federation.http.errors import PeerRefused

USER_AGENT = "StadtlaborHub/1"
ACCEPT = "application/ld+json, application/json"

_local = threading.local()


class GuardedCall:
    """One guarded exchange: address policy, deadline and the socket the watchdog may cut."""

    def __init__(self, *, allow_private: bool, timeout: float) -> None:
        """Start the clock; the watchdog starts when the call is entered."""
        self.allow_private = allow_private
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self._cut_off = False  # the watchdog has fired
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

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed, by the clock or by the watchdog.

        The clock counts too: a read whose own timeout ends at the deadline may return before the
        watchdog thread has had its turn on a busy machine.
        """
        return self._cut_off or time.monotonic() >= self.deadline

    def remaining(self) -> float:
        """Return the seconds left (a millisecond at least, so a timeout is never zero)."""
        return max(self.deadline - time.monotonic(), 0.001)

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
            self._cut_off = True
            sock = self._sock
        if sock is not None:
            _cut(sock)


def _cut(sock: socket.socket) -> None:
    """Shut a socket down so a blocked read in another thread returns at once."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


def _current_call() -> GuardedCall | None:
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
        addresses = [strip_scope(info[4][0]) for info in infos]
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
                address = strip_scope(self.sock.getpeername()[0])
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


def thread_session() -> requests.Session:
    """Return this thread's session, made on first use and anew after a fork."""
    session = getattr(_local, "session", None)
    if session is None or _local.pid != os.getpid():
        session = requests.Session()
        session.trust_env = False
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        session.headers.update({"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"})
        adapter = _GuardedAdapter(pool_connections=8, pool_maxsize=4, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session, _local.pid = session, os.getpid()
    return session
