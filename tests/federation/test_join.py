"""POST /api/federation/join as a hostile caller meets it: the invitation is checked before any request
leaves the node, descriptors are small, and refusals echo nothing remote.
"""

from __future__ import annotations

import gc
import tracemalloc
import zlib
from datetime import timedelta

import orjson
import pytest
from django.test import Client
from django.utils import timezone

from federation.models import Invitation, Peer
from federation.peering import InvitationContent, invitation_read, peer_invite
from tests.network.fakes import BodyServer, ConnectionCounter, FakeNode

MiB = 1024 * 1024
MEMORY_SLACK = 4 * MiB  # what one refused join may allocate at its peak, the request's own work included
REMOTE_TEXT = "Fernfehler-7f3a: interne Adresse 10.20.30.40:5432"


@pytest.fixture
def invitation(node) -> InvitationContent:
    """A fresh, valid invitation of this node, as the joining node received it."""
    return invitation_read(peer_invite())


@pytest.fixture
def listener():
    """A listener the claimed base URL points at: it counts every connection made to it."""
    counter = ConnectionCounter()
    yield counter
    counter.close()


@pytest.fixture
def joining_node():
    fake = FakeNode("Beitrittslabor", "Beitrittsstadt")
    yield fake
    fake.close()


def join(invitation: InvitationContent, node_url: str, *, secret: str | None = None, address: str = "192.0.2.10",
         **headers: str):
    """Post a join request as a node at ``node_url`` would, from the client ``address``."""
    body = {"invitation": invitation.id, "secret": invitation.secret if secret is None else secret,
            "node": node_url, "client_id": "c", "client_secret": "s"}
    return Client(raise_request_exception=False).post(
        "/api/federation/join", orjson.dumps(body), content_type="application/json", REMOTE_ADDR=address, **headers
    )


def problem(response) -> dict:
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    return orjson.loads(response.content)


# The invitation comes first.


def spoil(invitation: InvitationContent, how: str) -> InvitationContent:
    """The invitation made unusable in one of the ways a caller may hold one."""
    if how == "wrong secret":
        return InvitationContent(node=invitation.node, id=invitation.id, secret=invitation.secret + "x")
    if how == "unknown":
        return InvitationContent(node=invitation.node, id="6f1c1a64-3c2e-4d7c-9a55-0d8f5cc1e7a1", secret=invitation.secret)
    if how == "used":
        Invitation.objects.filter(pk=invitation.id).update(used_at=timezone.now())
    if how == "expired":
        Invitation.objects.filter(pk=invitation.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    return invitation


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["wrong secret", "unknown", "used", "expired"])
def test_a_join_with_an_unusable_invitation_makes_no_outbound_connection(invitation, listener, how):
    response = join(spoil(invitation, how), listener.url)
    assert listener.connections == 0
    assert response.status_code == 403
    assert "invitation" in problem(response)["detail"]
    assert not Peer.objects.exists()


# Descriptors are small, also when compressed.


def gzip_bomb(inflated: int) -> bytes:
    """Gzip of ``inflated`` bytes of JSON whitespace, compressed as far as gzip goes (about 1:1000)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * MiB
    return b"".join([*(packer.compress(block) for _ in range(inflated // MiB)), packer.flush()])


def peak_memory_of(action) -> tuple[int, object]:
    """The most memory Python held above what it held before, while ``action`` ran (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = action()
        return tracemalloc.get_traced_memory()[1] - before, result
    finally:
        tracemalloc.stop()


HOSTILE_BODIES = {
    "a large descriptor": (lambda: b'{"name": "' + b"x" * (20 * MiB) + b'"}', {}, False),
    "a large descriptor sent in chunks": (lambda: b'{"name": "' + b"x" * (20 * MiB) + b'"}', {}, True),
    "a gzip bomb under 64 KiB": (lambda: gzip_bomb(60 * MiB), {"Content-Encoding": "gzip"}, False),
    "a gzip bomb sent in chunks": (lambda: gzip_bomb(512 * MiB), {"Content-Encoding": "gzip"}, True),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HOSTILE_BODIES))
def test_a_hostile_descriptor_is_refused_without_the_memory_growing(invitation, kind):
    make, headers, chunked = HOSTILE_BODIES[kind]
    server, harmless = BodyServer(make(), headers=headers, chunked=chunked), BodyServer(b"{}")
    try:
        join(invitation, harmless.url)  # the first request of a process sets up sessions and imports: not measured
        growth, response = peak_memory_of(lambda: join(invitation, server.url))
    finally:
        server.close()
        harmless.close()
    assert growth < MEMORY_SLACK, f"{kind}: the join held {growth / MiB:.1f} MiB more at its peak"
    assert response.status_code == 400, response.content[:300]
    assert not Peer.objects.exists()


# Refusals say what is wrong in the node's own words, never in the remote's.


@pytest.fixture
def remote_says():
    """A claimed node that answers every request with an error holding text of its own."""
    server = BodyServer(orjson.dumps({"title": REMOTE_TEXT, "detail": REMOTE_TEXT}), status=500,
                        headers={"Content-Type": "application/json"})
    yield server
    server.close()


@pytest.fixture
def remote_descriptor():
    """A claimed node that serves a document that is no descriptor, naming internal things."""
    server = BodyServer(orjson.dumps({"@context": REMOTE_TEXT, "id": REMOTE_TEXT, "type": REMOTE_TEXT}))
    yield server
    server.close()


def closed_port() -> str:
    counter = ConnectionCounter()
    counter.close()
    return counter.url


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["error answer", "not a descriptor", "closed port", "name of a private host"])
def test_join_errors_hold_none_of_the_remote_text(invitation, remote_says, remote_descriptor, settings, case):
    if case == "name of a private host":
        settings.HUB_ALLOW_PRIVATE_PEERS = False
    url = {"error answer": remote_says.url, "not a descriptor": remote_descriptor.url, "closed port": closed_port(),
           "name of a private host": "http://localhost:5432"}[case]
    response = join(invitation, url)
    text = response.content.decode()
    for leak in ("Fernfehler", "10.20.30.40", "127.0.0.1", "5432", url.rsplit(":", 1)[1], "Connection refused", "Errno"):
        assert leak not in text, f"{case}: {leak!r} echoed in {text}"
    assert response.status_code == 400, text
    assert problem(response)["detail"]
