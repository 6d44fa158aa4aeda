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
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.iri, "type": "Person", "preferredUsername": self.name,
            "inbox": f"{self.iri}/inbox", "endpoints": {"sharedInbox": f"{self.server.base_url}/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.iri, "publicKeyPem": public_pem(self.key)},
        }
        if self.server.advertises_rfc9421:  # FEP-844e, as WordPress and Mitra write it
            document["@context"].append("https://w3id.org/fep/844e")
            document["generator"] = {"type": "Application", "implements": [
                {"href": "https://datatracker.ietf.org/doc/html/rfc9421", "name": "RFC-9421: HTTP Message Signatures"}]}
        return document

    def follow(self, lab: Lab, **extra: Any) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{self.iri}/follows/1", "type": "Follow",
                "actor": self.iri, "object": actor_iri(lab), **extra}

    def post(self, client, path: str, activity: Any, **options: Any):
        """Post ``activity`` to this node, signed with this actor's key."""
        return signed_post(client, path, activity, key=self.key, key_id=self.key_id, **options)


class RemoteServer:
    """A fediverse server of the test's own on 127.0.0.1: serves its actors, records what its inboxes get.

    It takes requests signed in the schemes of ``accepts`` (by the headers' shape: ``Signature-Input``
    is RFC 9421) and answers 401 to a signature in another, or ``status`` to every post when set;
    ``advertises_rfc9421`` has its actors say (FEP-844e) that it takes RFC 9421.
    """

    def __init__(self) -> None:
        self.accepts = {"draft-cavage", "rfc9421"}
        self.advertises_rfc9421 = False
        self.status: int | None = None
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
                refused = server.scheme_of(self.headers) not in server.accepts | {None}  # unsigned fetches are served
                body = json.dumps(document).encode() if document is not None and not refused else b"{}"
                self.send_response(401 if refused else 200 if document is not None else 404)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append(("POST", self.path, dict(self.headers)))
                server.received.append((dict(self.headers), body))
                self.send_response(server.status or (202 if server.scheme_of(self.headers) in server.accepts else 401))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def scheme_of(headers) -> str | None:
        """The signature scheme of a request, by its headers' shape; None if unsigned."""
        return "rfc9421" if "Signature-Input" in headers else "draft-cavage" if "Signature" in headers else None

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
