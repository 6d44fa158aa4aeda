"""Small HTTP servers of the tests' own, run in a thread of the test process on 127.0.0.1.

``FakeNode`` impersonates a node of the network well enough for a real node to peer with it and
pull from it: its own Ed25519 key, a signed descriptor at ``/.well-known/stadtlabor``, a token
endpoint, the join endpoint (it accepts any invitation) and a feed of whatever documents the test
puts in ``feed`` (appending to it is a change the next pull sees). It can misbehave on request
(``switch``): be down, answer 500, answer garbage or hang. ``HostileFeed`` is a FakeNode whose feed
walk never ends in one of the ways a hostile peer would try. ``ConnectionCounter`` is a listener that
only counts who connects to it; ``BodyServer`` answers every request with one body (too large, a
compression bomb, an error page).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from federation.codecs import DescribedKey, key_id, node_to_document
from federation.codecs.labs import lab_to_document
from federation.codecs.methods import method_to_document
from federation.peering import INVITATION_PREFIX
from federation.proofs import sign_jcs, sign_jcs_chain
from hub.models import Lab, Node
from hub.multikey import encode_public_key, generate_key
from methods.models import MethodCard, MethodStep

MODES = ("healthy", "down", "error", "garbage", "hang")
PAGE_SIZE = 100
HANG_AT_MOST = 60  # seconds a hanging answer is held back at most, so no thread outlives a run for long


def invitation_for(base_url: str) -> str:
    """An invitation text naming ``base_url``, as ``manage.py peer invite`` would print it there."""
    content = {"v": 1, "node": base_url, "id": str(uuid.uuid4()), "secret": "fake-secret"}
    return INVITATION_PREFIX + base64.urlsafe_b64encode(json.dumps(content).encode()).decode().rstrip("=")


def method_document(base: str, title: str, *, version: int = 1, **fields: Any) -> dict[str, Any]:
    """An unsigned MethodCard document whose id and origin lie under ``base``."""
    uid = str(uuid.uuid4())
    origin = Node(iri=base + "/", name="-", city="-", public_key_multibase="-")
    method = MethodCard(
        iri=f"{base}/methods/{uid}", origin=origin, title=title, slug=uid, summary=fields.pop("summary", "Gehen und fragen"),
        phase="erkunden", lab_id=f"{base}/labs/schatten", version=version,
        date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, 1, tzinfo=UTC), **fields,
    )
    return method_to_document(method, steps=[MethodStep(title="Losgehen")])


class FakeNode:
    """A node impersonated by the test: it signs with its own key and serves what the test tells it."""

    def __init__(self, name: str = "Schattenlabor", city: str = "Nirgendwo") -> None:
        self.key = generate_key()
        self.key_number = 1
        self.earlier_keys: list[tuple[Any, DescribedKey]] = []  # (private key, as described), newest first
        self.name, self.city = name, city
        self.feed: list[Any] = []
        self.documents: dict[str, Any] = {}  # served at their path, as a node serves an item's document
        self.mode = "healthy"
        self.requests: list[tuple[str, str]] = []
        self.joins: list[dict[str, Any]] = []
        self.on_join: Callable[[dict[str, Any]], None] | None = None  # called while answering a join
        self.documents: dict[str, Any] = {}  # more paths it answers GET on, such as its block list
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._open(0)

    # The server's life.

    def _open(self, port: int) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", port), _FakeNodeHandler)
        server.daemon_threads = True
        server.fake = self
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server

    def _shut(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def switch(self, mode: str) -> None:
        """Behave as ``mode`` from now on: healthy, down (port closed), error (500), garbage or hang."""
        assert mode in MODES, mode
        self._release.set()  # let go of any hanging answer
        self._release = threading.Event()
        if mode == "down":
            self._shut()
        elif self._server is None:
            self._open(self.port)  # the same address as before, as a restarted node would have
        self.mode = mode

    def close(self) -> None:
        self._release.set()
        self._shut()

    # What it is and signs.

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def iri(self) -> str:
        return self.base_url + "/"

    @property
    def public_key(self) -> str:
        return encode_public_key(self.key.public_key())

    @property
    def lab_iri(self) -> str:
        return f"{self.base_url}/labs/schatten"

    def sign(self, document: dict[str, Any], *, verification_method: str | None = None) -> dict[str, Any]:
        """The document with a proof made with this node's key (by default naming its own key id)."""
        return sign_jcs(document, self.key, verification_method or self.key_id)

    @property
    def key_id(self) -> str:
        return key_id(self.iri, self.key_number)

    def rotate(self, *, revoke: bool = False, at: datetime | None = None) -> None:
        """Change its key as ``manage.py rotate_key`` (or ``revoke_key``) would: the descriptor follows."""
        at = at or datetime.now(UTC).replace(microsecond=0)
        old = DescribedKey(id=self.key_id, key=self.public_key, **({"revoked": at} if revoke else {"retired": at}))
        if revoke:
            self.earlier_keys = [(key, DescribedKey(id=d.id, key=d.key, revoked=d.revoked or at))
                                 for key, d in self.earlier_keys]
        self.earlier_keys.insert(0, (self.key, old))
        self.key, self.key_number = generate_key(), self.key_number + 1

    def _described_keys(self) -> list[DescribedKey]:
        return [DescribedKey(id=self.key_id, key=self.public_key)] + [described for _key, described in self.earlier_keys]

    def _chain(self) -> list[tuple[Any, str]]:
        """The keys retired since its last revocation, oldest first, then its current key."""
        retired = []
        for key, described in self.earlier_keys:
            if described.revoked is not None:
                break
            retired.append((key, described.id))
        return [*reversed(retired), (self.key, self.key_id)]

    def descriptor(self, *, iri: str | None = None, name: str | None = None, version: int | None = None) -> dict[str, Any]:
        """Its signed descriptor (after a rotation, chain-signed and one version on); with ``iri``, a descriptor
        claiming another node's IRI with this key."""
        version = version or 1 + len(self.earlier_keys)
        node = Node(iri=iri or self.iri, name=name or self.name, city=self.city, public_key_multibase=self.public_key,
                    version=version, date_modified=datetime(2026, 1, 1, tzinfo=UTC))
        if iri or not self.earlier_keys:
            return self.sign(node_to_document(node, [] if iri else [self.lab_iri]))
        return sign_jcs_chain(node_to_document(node, [self.lab_iri], self._described_keys()), self._chain())

    def lab(self) -> dict[str, Any]:
        """Its one lab, signed."""
        lab = Lab(iri=self.lab_iri, origin=Node(iri=self.iri), slug="schatten", name=self.name, city=self.city,
                  date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, 1, tzinfo=UTC))
        return self.sign(lab_to_document(lab))

    def method(self, title: str, **fields: Any) -> dict[str, Any]:
        """A method card of its own lab, signed."""
        return self.sign(method_document(self.base_url, title, **fields))

    def feed_page(self, after: str) -> dict[str, Any]:
        """The feed page after a cursor: the cursor is the number of documents of ``feed`` already seen."""
        start = int(after) if after.isdigit() else 0
        items = self.feed[start:start + PAGE_SIZE]
        feed_url = f"{self.base_url}/api/federation/feed"
        page = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{feed_url}?after={start}",
                "type": "OrderedCollectionPage", "partOf": feed_url, "orderedItems": items}
        if items:  # as a node's own feed does: the next link states the limit the page was cut at
            page["next"] = f"{feed_url}?after={start + len(items)}&limit={PAGE_SIZE}"
        return page

    def relayed_descriptor(self, iri: str) -> dict[str, Any] | None:
        """The descriptor it answers at /api/federation/descriptor for ``iri``: only its own."""
        return self.descriptor() if iri == self.iri else None

    def invitation(self) -> str:
        """An invitation to peer with this fake (it accepts any)."""
        return invitation_for(self.base_url)

    def served(self, path: str) -> int:
        """How many requests it received for ``path`` (without the query)."""
        return sum(1 for _method, each in self.requests if each == path)


class _FakeNodeHandler(BaseHTTPRequestHandler):
    """Answers for a FakeNode, according to its mode."""

    server_version = "FakeNode/1"
    protocol_version = "HTTP/1.1"

    @property
    def fake(self) -> FakeNode:
        return self.server.fake

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.fake.requests.append((method, parts.path))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        mode = self.fake.mode
        if mode == "hang":
            self.fake._release.wait(HANG_AT_MOST)
            self.close_connection = True
            return
        if mode == "error":
            return self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
        if mode == "garbage":
            return self._send(200, b"<html>\x00this is not JSON {[", "application/json")
        route = (method, parts.path)
        if route == ("GET", "/.well-known/stadtlabor"):
            return self._json(200, self.fake.descriptor())
        if route == ("POST", "/o/token/"):
            return self._json(200, {"access_token": uuid.uuid4().hex, "token_type": "Bearer", "expires_in": 3600,
                                    "scope": "federation"})
        if route == ("POST", "/api/federation/join"):
            self.fake.joins.append(json.loads(body))
            if self.fake.on_join is not None:
                self.fake.on_join(json.loads(body))
            return self._json(201, {"client_id": "fake-client", "client_secret": "fake-client-secret"})
        if route == ("POST", "/api/federation/nudge"):
            return self._json(202, {"queued": True})
        if route == ("GET", "/api/federation/descriptor"):
            document = self.fake.relayed_descriptor(parse_qs(parts.query).get("iri", [""])[0])
            if document is not None:
                return self._json(200, document)
            return self._json(404, {"title": "This node holds no descriptor for that node."})
        if method == "GET" and parts.path in self.fake.documents:
            return self._json(200, self.fake.documents[parts.path])
        if route == ("GET", "/api/federation/feed"):
            return self._json(200, self.fake.feed_page(parse_qs(parts.query).get("after", ["0"])[0]))
        if method == "GET" and parts.path in self.fake.documents:
            return self._json(200, self.fake.documents[parts.path])
        return self._json(404, {"title": "Not found"})

    def _json(self, status: int, document: Any) -> None:
        self._send(status, json.dumps(document).encode(), "application/ld+json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True


class ConnectionCounter:
    """A listener that counts the connections made to it and answers each with a harmless context."""

    def __init__(self) -> None:
        counter = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address) -> bool:
                counter.connections += 1
                return True

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b'{"@context": {"name": "http://schema.org/name"}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.connections = 0
        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class HostileFeed(FakeNode):
    """A FakeNode whose feed walk never ends: after a first honest page it serves ``walk`` pages.

    ``empty``: empty pages, each with a ``next``; ``stuck``: a page whose ``next`` repeats its own cursor;
    ``back``: a page whose ``next`` goes back to the start; ``endless``: one new method card a page, for
    ever, each page ``delay`` seconds late; ``relays``: one page of cards from ``RELAYED`` origins the reader
    does not know, so that it asks each origin for its descriptor (``SlowOrigin``: each answers ``delay``
    seconds late).
    After ``SAFETY_PAGES`` pages it answers something that is not a page, so that a reader without limits
    still stops and the test can say what it saw.
    """

    SAFETY_PAGES = 40
    RELAYED = 6

    def __init__(self, walk: str, *, delay: float = 0.0) -> None:
        super().__init__("Endloslabor", "Nirgendwo")
        assert walk in ("empty", "stuck", "back", "endless", "relays"), walk
        self.walk, self.delay = walk, delay
        # The relayed origins themselves: a reader asks each for its own descriptor, and each answers late.
        self.origins = [SlowOrigin(delay) for _ in range(self.RELAYED)] if walk == "relays" else []

    def close(self) -> None:
        super().close()
        for origin in self.origins:
            origin.close()

    def origin_requests(self) -> int:
        """How many requests the relayed origins received."""
        return sum(origin.requests for origin in self.origins)

    def feed_page(self, after: str) -> dict[str, Any]:
        """The first page holds its descriptor, lab and a card; what follows depends on ``walk``."""
        served = self.served("/api/federation/feed")
        if served > self.SAFETY_PAGES:
            return {"type": "NotAPage", "note": f"served {served} pages"}
        start = int(after) if after.isdigit() else 0
        if start == 0:
            return self._page(start, [self.descriptor(), self.lab(), self.method("Erste Seite"), *self._relayed()], 1)
        if self.walk == "relays":
            return self._page(start, [], None)
        if self.walk == "empty":
            return self._page(start, [], start + 1)
        time.sleep(self.delay)
        following = {"stuck": start, "back": 0, "endless": start + 1}[self.walk]
        return self._page(start, [self.method(f"Seite {start}")], following)

    def relayed_descriptor(self, iri: str) -> dict[str, Any] | None:
        """Its own descriptor; for the origins it relays, nothing, slowly."""
        if iri == self.iri:
            return self.descriptor()
        time.sleep(self.delay)
        return None

    def _relayed(self) -> list[dict[str, Any]]:
        if self.walk != "relays":
            return []
        return [self.sign(method_document(origin.base_url, f"Weitergereicht {number}"))
                for number, origin in enumerate(self.origins, start=1)]

    def _page(self, start: int, items: list[Any], following: int | None) -> dict[str, Any]:
        feed_url = f"{self.base_url}/api/federation/feed"
        page = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{feed_url}?after={start}",
                "type": "OrderedCollectionPage", "partOf": feed_url, "orderedItems": items}
        if following is not None:
            page["next"] = f"{feed_url}?after={following}"
        return page


class SlowOrigin:
    """A node address that answers every request ``delay`` seconds late, with 404: an origin a reader asks
    for its descriptor in vain, slowly."""

    def __init__(self, delay: float) -> None:
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                origin.requests += 1
                time.sleep(origin.delay)
                body = b'{"title": "Not found"}'
                try:
                    self.send_response(404)
                    self.send_header("Content-Type", "application/problem+json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.delay, self.requests = delay, 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class BodyServer:
    """A listener that counts connections and answers every request with the same status, headers and body.

    With ``chunked`` the body is sent in chunks without a Content-Length, so the reader cannot know its
    size before reading it.
    """

    def __init__(self, body: bytes, *, status: int = 200, headers: dict[str, str] | None = None,
                 chunked: bool = False) -> None:
        server_side = self

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address) -> bool:
                server_side.connections += 1
                return True

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server_side.answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.body, self.status, self.chunked = body, status, chunked
        self.headers = {"Content-Type": "application/ld+json", **(headers or {})}
        self.connections = 0
        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        """Send the body; a reader that hangs up early is no error."""
        try:
            handler.send_response(self.status)
            for name, value in self.headers.items():
                handler.send_header(name, value)
            handler.send_header("Transfer-Encoding" if self.chunked else "Content-Length",
                                "chunked" if self.chunked else str(len(self.body)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            if not self.chunked:
                handler.wfile.write(self.body)
                return
            for start in range(0, len(self.body), 16 * 1024):
                piece = self.body[start:start + 16 * 1024]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        handler.close_connection = True

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
