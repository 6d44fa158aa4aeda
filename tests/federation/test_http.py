"""Tests of federation.http against real HTTP servers on 127.0.0.1 (no network mocks)."""

from __future__ import annotations

import base64
import gzip
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from federation import http as peer_http
from federation.http import PeerRequestError, addresses, transport

SECRET = "s3cr3t-Token-never-shown"
Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Serves the routes of its server and records every request."""

    protocol_version = "HTTP/1.1"
    server: Server

    def do_GET(self) -> None:
        """Dispatch a GET."""
        self.dispatch()

    def do_POST(self) -> None:
        """Dispatch a POST."""
        self.dispatch()

    def dispatch(self) -> None:
        """Record the request and answer it with its route (404 when there is none)."""
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        route = self.server.routes.get(
            self.path, lambda handler: handler.send(404, b'{"title": "Not Found"}')
        )
        route(self)

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """Send a complete answer with a Content-Length."""
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def raw(self, data: bytes) -> None:
        """Write bytes to the client, ignoring a client that went away."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class Server(ThreadingHTTPServer):
    """A threaded test server that counts the connections it accepts."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1") -> None:
        """Listen on a free port of host."""
        super().__init__((host, 0), Handler)
        self.connections = 0
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Count an accepted connection."""
        self.connections += 1
        return True

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        return f"http://127.0.0.1:{self.server_address[1]}"


def start_server(tls: ssl.SSLContext | None = None) -> Server:
    """Start a server (over TLS when given a context) in a daemon thread."""
    server = Server()
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


@pytest.fixture
def server() -> Iterator[Server]:
    """A running test server."""
    running = start_server()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def other_server() -> Iterator[Server]:
    """A second running test server (another origin)."""
    running = start_server()
    yield running
    running.shutdown()
    running.server_close()


def json_route(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    """Return a route answering with a JSON document."""
    return lambda handler: handler.send(status, orjson.dumps(document), headers)


def redirect_route(location: str, status: int = 302) -> Route:
    """Return a route redirecting to location."""
    return lambda handler: handler.send(status, b"", {"Location": location})


def expect_error(
    kind: str, call: Callable[..., Any], *args: Any, **kwargs: Any
) -> PeerRequestError:
    """Run a call expected to fail with the given kind; check no message shows the secret."""
    with pytest.raises(PeerRequestError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert error.kind == kind, str(error)
    chained: BaseException | None = error
    while chained is not None:
        assert SECRET not in str(chained) and SECRET not in repr(chained)
        chained = chained.__cause__ or chained.__context__
    return error


# --- Success paths ----------------------------------------------------------------------------


def test_get_json_sends_token_and_headers(server):
    """A JSON answer is parsed and the bearer token, User-Agent and Accept are sent."""
    server.routes["/data"] = json_route({"items": [1, 2]})
    assert peer_http.get_json(server.url + "/data", token=SECRET, allow_private=True) == {
        "items": [1, 2]
    }
    _, _, headers, _ = server.seen[0]
    assert headers["Authorization"] == f"Bearer {SECRET}"
    assert headers["User-Agent"] == "StadtlaborHub/1"
    assert headers["Accept"] == "application/ld+json, application/json"


def test_connections_are_reused(server):
    """Two requests to one peer from one thread share a connection."""
    server.routes["/data"] = json_route([])
    for _ in range(2):
        assert peer_http.get_json(server.url + "/data", allow_private=True) == []
    assert server.connections == 1


def test_post_json_sends_the_payload(server):
    """post_json sends JSON and returns the JSON answer."""
    server.routes["/inbox"] = json_route({"accepted": True}, status=201)
    answer = peer_http.post_json(
        server.url + "/inbox", {"a": "ü"}, token=SECRET, allow_private=True
    )
    method, _, headers, body = server.seen[0]
    assert answer == {"accepted": True}
    assert (method, headers["Content-Type"], orjson.loads(body)) == (
        "POST",
        "application/json",
        {"a": "ü"},
    )


def test_post_form_uses_basic_auth(server):
    """post_form sends a form with form-encoded client credentials as HTTP Basic auth."""
    server.routes["/o/token/"] = json_route({"access_token": "abc", "token_type": "Bearer"})
    data = {"grant_type": "client_credentials", "scope": "sync"}
    answer = peer_http.post_form(
        server.url + "/o/token/", data, auth=("hub client", SECRET + ":x"), allow_private=True
    )
    _, _, headers, body = server.seen[0]
    assert answer["access_token"] == "abc"
    assert parse_qs(body.decode()) == {"grant_type": ["client_credentials"], "scope": ["sync"]}
    assert (
        base64.b64decode(headers["Authorization"].removeprefix("Basic ")).decode()
        == f"hub+client:{SECRET}%3Ax"
    )


def test_no_content_gives_none(server):
    """A 204 answer gives None."""
    server.routes["/inbox"] = lambda handler: handler.send(204, b"")
    assert peer_http.post_json(server.url + "/inbox", {}, allow_private=True) is None


# --- Status and content errors ----------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 404, 500, 502])
def test_error_status_raises_bad_status(server, status):
    """4xx and 5xx answers raise bad_status with the status."""
    server.routes["/data"] = json_route({"error": "nope"}, status=status)
    error = expect_error(
        "bad_status", peer_http.get_json, server.url + "/data", token=SECRET, allow_private=True
    )
    assert error.status == status and error.retry_after is None
    assert f"HTTP {status}" in str(error)


def test_oauth_error_detail_is_in_the_message(server):
    """A small JSON error body's OAuth error code shows in the message."""
    server.routes["/o/token/"] = json_route({"error": "invalid_client"}, status=401)
    error = expect_error(
        "bad_status",
        peer_http.post_form,
        server.url + "/o/token/",
        {},
        auth=("id", SECRET),
        allow_private=True,
    )
    assert error.detail == "invalid_client" and "invalid_client" in str(error)


def test_429_retry_after_seconds(server):
    """429 carries Retry-After in seconds."""
    server.routes["/data"] = json_route({}, status=429, headers={"Retry-After": "120"})
    error = expect_error("bad_status", peer_http.get_json, server.url + "/data", allow_private=True)
    assert (error.status, error.retry_after) == (429, 120)
    assert "retry after 120 s" in str(error)


def test_503_retry_after_http_date_is_capped(server):
    """503 with an HTTP-date Retry-After far in the future is capped at an hour."""
    later = format_datetime(datetime.now(UTC) + timedelta(days=2), usegmt=True)
    server.routes["/data"] = json_route({}, status=503, headers={"Retry-After": later})
    error = expect_error("bad_status", peer_http.get_json, server.url + "/data", allow_private=True)
    assert (error.status, error.retry_after) == (503, 3600)


def test_parse_retry_after():
    """Retry-After parses seconds and HTTP dates, clamps to [0, 3600] and ignores garbage."""
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert peer_http.parse_retry_after("30", now=now) == 30
    assert peer_http.parse_retry_after("999999", now=now) == 3600
    assert peer_http.parse_retry_after("Fri, 01 May 2026 12:01:30 GMT", now=now) == 90
    assert peer_http.parse_retry_after("Fri, 01 May 2026 11:00:00 GMT", now=now) == 0
    assert peer_http.parse_retry_after("soon", now=now) is None
    assert peer_http.parse_retry_after(None) is None


@pytest.mark.parametrize("body", [b"<html>hello</html>", b'{"a": ', b""])
def test_invalid_json_raises_bad_content(server, body):
    """An answer that is not JSON raises bad_content."""
    server.routes["/data"] = lambda handler: handler.send(200, body, {"Content-Type": "text/html"})
    expect_error(
        "bad_content", peer_http.get_json, server.url + "/data", token=SECRET, allow_private=True
    )


# --- Size limits and time limits --------------------------------------------------------------


def test_announced_length_too_large(server):
    """A Content-Length above max_bytes is refused before the body is read."""
    server.routes["/big"] = lambda handler: handler.send(200, b"[" + b"0," * 50_000 + b"0]")
    error = expect_error(
        "too_large", peer_http.get_json, server.url + "/big", allow_private=True, max_bytes=10_000
    )
    assert "10000 bytes" in str(error)


def endless(chunked: bool) -> Route:
    """Return a route streaming an endless JSON array, chunked or delimited by closing."""

    def route(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header(
            "Transfer-Encoding" if chunked else "Connection", "chunked" if chunked else "close"
        )
        handler.end_headers()
        piece = b"0," * 8192
        frame = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
        handler.raw(frame.replace(b"0,", b"[0", 1))
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                handler.wfile.write(frame)
            except OSError:
                return

    return route


@pytest.mark.parametrize("chunked", [True, False])
def test_streamed_body_too_large(server, chunked):
    """A body without Content-Length is refused once past max_bytes, not read whole."""
    server.routes["/endless"] = endless(chunked)
    started = time.monotonic()
    expect_error(
        "too_large",
        peer_http.get_json,
        server.url + "/endless",
        allow_private=True,
        max_bytes=200_000,
    )
    assert time.monotonic() - started < 1


def trickle(head: bytes, byte: bytes) -> Route:
    """Return a route sending head, then one byte every 50 ms for up to 4 s."""

    def route(handler: Handler) -> None:
        handler.raw(head)
        for _ in range(80):
            time.sleep(0.05)
            try:
                handler.wfile.write(byte)
                handler.wfile.flush()
            except OSError:
                return

    return route


@pytest.mark.parametrize(
    ("head", "byte"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[", b" "),
        (b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a"),
    ],
    ids=["body", "headers"],
)
def test_trickling_server_hits_the_deadline(server, head, byte):
    """A peer trickling body or header bytes is cut off at the deadline."""
    server.routes["/slow"] = trickle(head, byte)
    started = time.monotonic()
    error = expect_error(
        "unreachable",
        peer_http.get_json,
        server.url + "/slow",
        token=SECRET,
        allow_private=True,
        timeout=1,
    )
    assert 0.9 < time.monotonic() - started < 1.8
    assert "within 1 s" in str(error)


def test_hanging_server_times_out():
    """A server that accepts but never answers times out at the deadline."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data"
        started = time.monotonic()
        expect_error(
            "unreachable", peer_http.get_json, url, token=SECRET, allow_private=True, timeout=1
        )
        assert time.monotonic() - started < 1.8


def test_a_hang_is_blamed_on_the_deadline_even_when_the_watchdog_runs_late(monkeypatch):
    """On a busy machine the read's own timeout can end the wait before the watchdog thread has run.

    The report must still name the deadline, the operator's cue that the peer hangs, as it did
    in a CI run where the two raced.
    """
    monkeypatch.setattr(transport.GuardedCall, "_expire", lambda call: None)  # a watchdog that never gets its turn
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data"
        error = expect_error(
            "unreachable", peer_http.get_json, url, token=SECRET, allow_private=True, timeout=1
        )
    assert str(error) == f"Peer unreachable: GET {url} (no complete answer within 1 s)"


def test_closed_port_is_unreachable():
    """A port nobody listens on is unreachable."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    expect_error(
        "unreachable",
        peer_http.get_json,
        f"http://127.0.0.1:{port}/",
        allow_private=True,
        timeout=1,
    )


# --- Redirects --------------------------------------------------------------------------------


def test_same_origin_redirect_is_followed(server):
    """Redirects within the origin are followed (relative and absolute), keeping the token."""
    server.routes["/a"] = redirect_route("/b", 301)
    server.routes["/b"] = redirect_route(server.url + "/c", 307)
    server.routes["/c"] = json_route({"ok": True})
    assert peer_http.get_json(server.url + "/a", token=SECRET, allow_private=True) == {"ok": True}
    assert [path for _, path, _, _ in server.seen] == ["/a", "/b", "/c"]
    assert server.seen[-1][2]["Authorization"] == f"Bearer {SECRET}"


def test_see_other_after_post_turns_into_get(server):
    """A 303 after POST is followed with a GET without body."""
    server.routes["/inbox"] = redirect_route("/status", 303)
    server.routes["/status"] = json_route({"state": "queued"})
    assert peer_http.post_json(server.url + "/inbox", {"x": 1}, allow_private=True) == {
        "state": "queued"
    }
    assert [(method, path, body) for method, path, _, body in server.seen][1] == (
        "GET",
        "/status",
        b"",
    )


def test_three_hops_followed_four_refused(server):
    """At most three redirects are followed."""
    for hop in range(1, 5):
        server.routes[f"/r{hop}"] = redirect_route(f"/r{hop - 1}" if hop > 1 else "/done")
    server.routes["/done"] = json_route("done")
    assert peer_http.get_json(server.url + "/r3", allow_private=True) == "done"
    expect_error(
        "refused", peer_http.get_json, server.url + "/r4", token=SECRET, allow_private=True
    )


@pytest.mark.parametrize(
    "target", ["other_port", "http://127.0.0.2:{port}/data", "https://127.0.0.1:{port}/data"]
)
def test_cross_origin_redirect_is_refused(server, other_server, target):
    """A redirect to another port, host or scheme is refused without connecting there."""
    location = (
        other_server.url + "/data"
        if target == "other_port"
        else target.format(port=server.server_address[1])
    )
    server.routes["/go"] = redirect_route(location)
    other_server.routes["/data"] = json_route("leaked")
    error = expect_error(
        "refused", peer_http.get_json, server.url + "/go", token=SECRET, allow_private=True
    )
    assert "another origin" in str(error)
    assert other_server.connections == 0 and len(server.seen) == 1


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "http://user:pw@{host}/data", "gopher://{host}/"]
)
def test_redirect_to_forbidden_url_is_refused(server, location):
    """A redirect to a forbidden URL is refused."""
    server.routes["/go"] = redirect_route(location.format(host=server.url.removeprefix("http://")))
    error = expect_error("refused", peer_http.get_json, server.url + "/go", allow_private=True)
    assert "pw@" not in str(error)


# --- Refused URLs and addresses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "10.0.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "[::ffff:127.0.0.1]",
        "localhost",
        "127.1",
    ],
)
def test_private_addresses_refused_without_connecting(server, host):
    """Without allow_private, non-public hosts are refused before any connection is made."""
    server.routes["/data"] = json_route("reached")
    url = f"http://{host}:{server.server_address[1]}/data"
    expect_error("refused", peer_http.get_json, url, token=SECRET, allow_private=False, timeout=1)
    expect_error("refused", peer_http.check_outbound_url, url, allow_private=False)
    assert server.connections == 0


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1:70/_GET",
        "javascript:alert(1)",
        "data:application/json,{}",
        "//127.0.0.1/x",
        "http:///x",
        f"http://user:{SECRET}@127.0.0.1:8000/x",
        "http://:pw@127.0.0.1/x",
        "http://127.0.0.1:8000/x#frag",
        "http://127.0.0.1:0/",
        "http://127.0.0.1:70000/",
        "http://127.0.0.1:8x/",
        "http://127.0.0.1 /",
        "http://127.0.0.1\\@evil.example/",
        "http://exa mple.org/",
        "http://[::1/",
        "http://0x7f.0.0.1/",
        "",
    ],
)
def test_malformed_or_forbidden_urls_refused(url):
    """Other schemes, user info, fragments, bad ports and odd hosts are refused, even privately."""
    error = expect_error("refused", peer_http.get_json, url, allow_private=True)
    expect_error("refused", peer_http.validate_peer_url, url, allow_private=True)
    assert "pw@" not in str(error)


def test_transport_refuses_private_address_itself(server):
    """The guarded connection refuses a private address even when the URL check is bypassed."""
    server.routes["/data"] = json_route("reached")
    with (
        transport.GuardedCall(allow_private=False, timeout=1),
        pytest.raises(peer_http.PeerRefused),
    ):
        transport.thread_session().get(server.url + "/data", timeout=1)
    assert server.connections == 0


def test_pooled_private_connection_not_reused_under_strict_policy(server):
    """A connection pooled under allow_private is re-checked before a strict request uses it."""
    server.routes["/data"] = json_route("reached")
    assert peer_http.get_json(server.url + "/data", allow_private=True) == "reached"
    with (
        transport.GuardedCall(allow_private=False, timeout=1),
        pytest.raises(peer_http.PeerRefused),
    ):
        transport.thread_session().get(server.url + "/data", timeout=1)
    assert len(server.seen) == 1


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("239.1.1.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("0.0.0.0", False),
        ("::", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("2002:7f00:1::", False),
        ("2002:a00:1::", False),
        ("64:ff9b::a00:1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
    ],
)
def test_is_public_address(address, public):
    """Only public unicast addresses pass, embedded IPv4 forms included."""
    assert peer_http.is_public_address(address) is public


# --- Base URLs and settings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("HTTPS://Lab.Example.ORG:443/", "https://lab.example.org"),
        ("http://127.0.0.1:8001/", "http://127.0.0.1:8001"),
        ("http://[::1]:80", "http://[::1]"),
        ("https://münchen.example/hub/", "https://xn--mnchen-3ya.example/hub"),
        ("https://lab.example:8443", "https://lab.example:8443"),
    ],
)
def test_validate_peer_url_normalises(url, normalised):
    """A base URL comes back as scheme://host[:port][/path] without trailing slash."""
    assert peer_http.validate_peer_url(url, allow_private=True) == normalised


def test_validate_peer_url_refuses_query_and_private_hosts():
    """A base URL with a query, or on a private address when not allowed, is refused."""
    expect_error(
        "refused", peer_http.validate_peer_url, "https://lab.example/?a=1", allow_private=True
    )
    expect_error(
        "refused", peer_http.validate_peer_url, "http://10.0.0.1:8000/", allow_private=False
    )


def test_token_with_line_break_is_rejected_without_echo(server):
    """A token that cannot be a header value is rejected without showing it."""
    with pytest.raises(ValueError) as caught:
        peer_http.get_json(server.url + "/data", token=SECRET + "\r\nX: y", allow_private=True)
    assert SECRET not in str(caught.value) and server.connections == 0


def test_bad_header_is_rejected_without_echo(server):
    """A header value with a line break is rejected without showing it."""
    with pytest.raises(ValueError) as caught:
        peer_http.get_json(server.url + "/", headers={"X-Key": SECRET + "\n"}, allow_private=True)
    assert SECRET not in str(caught.value) and server.connections == 0


def test_threads_use_their_own_sessions(server):
    """Concurrent requests from several threads all succeed, each thread with its own session."""
    server.routes["/data"] = json_route({"ok": True})
    results: list[Any] = []
    sessions: list[Any] = []

    def fetch() -> None:
        results.append(peer_http.get_json(server.url + "/data", allow_private=True))
        sessions.append(transport.thread_session())

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [{"ok": True}] * 4 and len({id(session) for session in sessions}) == 4


@pytest.mark.parametrize("flag", [True, False])
def test_allow_private_default_reads_settings(settings, flag):
    """allow_private_default follows HUB_ALLOW_PRIVATE_PEERS."""
    settings.HUB_ALLOW_PRIVATE_PEERS = flag
    assert peer_http.allow_private_default() is flag


# --- The pinned connection path (127.0.0.1 treated as public) ---------------------------------


def treat_loopback_as_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the address policy count 127.0.0.1 as public, to exercise the strict path locally.

    Both readers of the policy are patched: the URL check and the connection.
    """

    def only_loopback(address: object) -> bool:
        return str(address) == "127.0.0.1"

    monkeypatch.setattr(addresses, "is_public_address", only_loopback)
    monkeypatch.setattr(transport, "is_public_address", only_loopback)


def test_strict_path_connects_to_checked_address(server, monkeypatch):
    """Without allow_private, a request connects through the checked-address path and works."""
    treat_loopback_as_public(monkeypatch)
    server.routes["/data"] = json_route({"ok": 1})
    assert peer_http.get_json(server.url + "/data", token=SECRET, allow_private=False) == {"ok": 1}
    assert server.connections == 1


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """Write a test CA and a certificate for localhost; return CA, certificate and key paths."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder(
            subject_name=ca_name, issuer_name=ca_name, public_key=ca_key.public_key()
        )
        .serial_number(1)
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder(
            subject_name=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]),
            issuer_name=ca_name,
            public_key=key.public_key(),
        )
        .serial_number(2)
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def tls_server(tmp_path) -> Iterator[tuple[Server, Path, list[str | None]]]:
    """A running HTTPS test server for localhost, its CA file and the SNI names it was sent."""
    ca, cert, key = make_certificates(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    running = start_server(context)
    yield running, ca, names
    running.shutdown()
    running.server_close()


def test_pinned_tls_keeps_sni_and_hostname_verification(tls_server, monkeypatch):
    """On the checked-address path TLS sends the URL's host as SNI and verifies it."""
    server, ca, names = tls_server
    treat_loopback_as_public(monkeypatch)
    server.routes["/data"] = json_route("secure")
    port = server.server_address[1]
    with transport.GuardedCall(allow_private=False, timeout=2):
        assert (
            transport.thread_session()
            .get(f"https://localhost:{port}/data", verify=str(ca), timeout=2)
            .json()
            == "secure"
        )
    assert names == ["localhost"]
    wrong_name = f"https://127.0.0.1:{port}/data"
    with (
        transport.GuardedCall(allow_private=False, timeout=2),
        pytest.raises(requests.exceptions.SSLError),
    ):
        transport.thread_session().get(wrong_name, verify=str(ca), timeout=2)


def test_untrusted_certificate_is_unreachable(tls_server):
    """A certificate outside the trusted CA bundle makes the peer unreachable."""
    server, _, _ = tls_server
    url = f"https://localhost:{server.server_address[1]}/data"
    error = expect_error(
        "unreachable", peer_http.get_json, url, token=SECRET, allow_private=True, timeout=2
    )
    assert "CERTIFICATE_VERIFY_FAILED" in str(error)


def empty_gzip_members(count: int) -> bytes:
    """``count`` gzip members that each inflate to nothing: bytes on the wire, none decoded."""
    member = gzip.compress(b"")
    return member * count


def test_a_compressed_body_that_inflates_to_nothing_is_still_capped_on_the_wire():
    from tests.network.fakes import BodyServer

    body = empty_gzip_members(200_000)  # about 4 MiB on the wire, nothing decoded
    server = BodyServer(body, headers={"Content-Encoding": "gzip"}, chunked=True)
    try:
        with pytest.raises(peer_http.PeerTooLarge):
            peer_http.get_json(server.url + "/x", allow_private=True, max_bytes=64 * 1024, timeout=30)
    finally:
        server.close()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_answers_are_read_whole(encoding):
    from tests.network.fakes import BodyServer

    document = {"name": "Zukunftswerk", "text": "ö" * 5000}
    raw = orjson.dumps(document)
    body = gzip.compress(raw) if encoding == "gzip" else zlib.compress(raw)
    server = BodyServer(body, headers={"Content-Encoding": encoding}, chunked=True)
    try:
        assert peer_http.get_json(server.url + "/x", allow_private=True, max_bytes=64 * 1024) == document
    finally:
        server.close()
