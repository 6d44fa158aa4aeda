"""POST /api/federation/join as a hostile caller meets it: the invitation is checked before any request
leaves the node, descriptors are small, callers are throttled, and refusals echo nothing remote.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc
import zlib
from datetime import timedelta

import orjson
import pytest
from django.test import Client
from django.utils import timezone

from federation.models import Invitation, Peer
from federation.peering import InvitationContent, invitation_read, peer_invite
from hub.roles import SYSTEM
from tests.conftest import PROJECT_DIR
from tests.network.fakes import BodyServer, ConnectionCounter, FakeNode

MiB = 1024 * 1024
MEMORY_SLACK = 4 * MiB  # what one refused join may allocate at its peak, the request's own work included
REMOTE_TEXT = "Fernfehler-7f3a: interne Adresse 10.20.30.40:5432"


@pytest.fixture
def invitation(node) -> InvitationContent:
    """A fresh, valid invitation of this node, as the joining node received it."""
    return invitation_read(peer_invite(actor=SYSTEM))


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
    """Post a join request as a node at ``node_url`` would, from the client ``address`` (answers in English)."""
    headers = {"HTTP_ACCEPT_LANGUAGE": "en", **headers}
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


# Throttled per client.


@pytest.mark.django_db
def test_the_eleventh_join_from_one_address_within_the_window_gets_429(invitation, listener, settings):
    settings.HUB_THROTTLE_JOIN = (10, 3600)
    answers = [join(invitation, listener.url, secret="falsch", address="198.51.100.7").status_code for _ in range(10)]
    eleventh = join(invitation, listener.url, address="198.51.100.7")
    assert answers == [403] * 10
    assert eleventh.status_code == 429
    assert 0 < int(eleventh["Retry-After"]) <= 3600
    assert "Too many join requests" in problem(eleventh)["detail"]
    assert join(invitation, listener.url, secret="falsch", address="198.51.100.8").status_code == 403
    assert listener.connections == 0


@pytest.mark.django_db
def test_clients_behind_the_local_proxy_are_throttled_each_by_their_own_address(invitation, listener, settings):
    settings.HUB_THROTTLE_JOIN = (2, 3600)
    proxied = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    first = [join(invitation, listener.url, secret="falsch", **proxied).status_code for _ in range(3)]
    other = join(invitation, listener.url, secret="falsch", address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert first == [403, 403, 429]
    assert other.status_code == 403


THROTTLED_PROCESS = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.test import Client
answers = [Client().post("/api/federation/join", b"{}", content_type="application/json", REMOTE_ADDR="198.51.100.9")
           .status_code for _ in range(int(sys.argv[1]))]
print(" ".join(map(str, answers)))
"""


def test_the_join_throttle_counts_across_the_nodes_processes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL"))}
    env |= {"HUB_DATA_DIR": str(tmp_path), "HUB_THROTTLE_JOIN": "3/hour"}

    def run(requests: int) -> str:
        result = subprocess.run([sys.executable, "-c", THROTTLED_PROCESS, str(requests)], cwd=PROJECT_DIR, env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert run(2) == "400 400"
    assert run(2) == "400 429"


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
