"""Fixtures of the fediverse face's tests: a remote server with actors of its own, and signed posts to inboxes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from fediverse.iris import actor_iri
from fediverse.keys import public_pem
from fediverse.signatures import sign_request
from hub.choices import Visibility
from hub.models import Lab


@dataclass
class RemoteActorOnServer:
    """An actor of the remote server: its IRI, key and the activities it is made to send."""

    server: RemoteServer
    name: str
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @property
    def iri(self) -> str:
        return f"{self.server.base_url}/users/{self.name}"

    @property
    def key_id(self) -> str:
        return self.iri + "#main-key"

    def document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.iri, "type": "Person", "preferredUsername": self.name,
            "inbox": f"{self.iri}/inbox", "endpoints": {"sharedInbox": f"{self.server.base_url}/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.iri, "publicKeyPem": public_pem(self.key)},
        }

    def follow(self, lab: Lab, **extra: Any) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{self.iri}/follows/1", "type": "Follow",
                "actor": self.iri, "object": actor_iri(lab), **extra}

    def post(self, client, path: str, activity: Any, **options: Any):
        """Post ``activity`` to this node, signed with this actor's key."""
        return signed_post(client, path, activity, key=self.key, key_id=self.key_id, **options)


class RemoteServer:
    """A fediverse server of the test's own on 127.0.0.1: serves its actors, records what its inboxes get."""

    def __init__(self) -> None:
        self.actors: dict[str, RemoteActorOnServer] = {}
        self.documents: dict[str, Any] = {}  # extra documents by path, served as they are
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        self.received: list[tuple[dict[str, str], bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's API)
                server.requests.append(("GET", self.path, dict(self.headers)))
                name = self.path.removeprefix("/users/")
                document = server.documents.get(self.path) or (server.actors[name].document() if name in server.actors else None)
                body = json.dumps(document).encode() if document is not None else b"{}"
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append(("POST", self.path, dict(self.headers)))
                server.received.append((dict(self.headers), body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def actor(self, name: str) -> RemoteActorOnServer:
        self.actors[name] = RemoteActorOnServer(self, name)
        return self.actors[name]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def remote_server() -> Iterator[RemoteServer]:
    server = RemoteServer()
    yield server
    server.close()


@pytest.fixture
def public_lab(lab) -> Lab:
    """This node's first lab, public (as ``node_init`` makes it)."""
    assert lab.visibility == Visibility.PUBLIC
    return lab


def signed_post(client, path: str, activity: Any, *, key: rsa.RSAPrivateKey, key_id: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, **extra: Any):
    """POST an activity to this node's ``path`` as a remote server would: signed, with Digest."""
    body = json.dumps(activity).encode() if body is None else body
    signed = sign_request(method="POST", url=f"http://testserver{path}", key=key, key_id=key_id, body=body,
                          headers={"Content-Type": "application/activity+json", **(headers or {})})
    return client.generic("POST", path, body, content_type=signed.pop("Content-Type"), **_meta(signed), **extra)


def _meta(headers: dict[str, str]) -> dict[str, str]:
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
