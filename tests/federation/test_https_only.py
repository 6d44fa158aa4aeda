"""A production node (HUB_BASE_URL not on loopback) peers over https only; a development node may use http.

The production tests keep HUB_ALLOW_PRIVATE_PEERS on, so that the loopback listener would be
reachable and only the scheme refuses it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest
from django.test import Client

from federation import http
from federation.management.commands.sync import report
from federation.models import Peer
from federation.peering import (
    PeeringError,
    descriptor_fetch,
    invitation_read,
    peer_invite,
    peer_join,
)
from federation.sync import sync_peer
from hub.models import Node
from hub.roles import SYSTEM
from tests.conftest import PROJECT_DIR
from tests.network.fakes import ConnectionCounter, FakeNode, invitation_for

HTTPS_ONLY = "over https only"


@pytest.fixture
def production(settings):
    """This node as a production node treats peers."""
    settings.HUB_PEERS_HTTPS_ONLY = True


@pytest.fixture
def listener():
    """A plain-http node address that counts every connection made to it."""
    counter = ConnectionCounter()
    yield counter
    counter.close()


@pytest.fixture
def fake():
    node = FakeNode("Klartextlabor", "Klartextstadt")
    yield node
    node.close()


def join_request(node_url: str):
    """A join request from ``node_url`` holding a valid invitation of this node."""
    invitation = invitation_read(peer_invite(actor=SYSTEM))
    body = {"invitation": invitation.id, "secret": invitation.secret, "node": node_url,
            "client_id": "c", "client_secret": "s"}
    return Client(raise_request_exception=False).post("/api/federation/join", orjson.dumps(body),
                                                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_a_production_node_refuses_an_invitation_naming_an_http_node(node, production, listener):
    with pytest.raises(PeeringError, match=HTTPS_ONLY):
        peer_join(actor=SYSTEM, invitation=invitation_for(listener.url))
    assert listener.connections == 0


@pytest.mark.django_db
def test_a_production_node_refuses_a_join_from_an_http_node(node, production, listener):
    response = join_request(listener.url)
    assert response.status_code == 400
    assert HTTPS_ONLY in orjson.loads(response.content)["detail"]
    assert listener.connections == 0


@pytest.mark.django_db
def test_a_production_node_fetches_no_descriptor_over_http(production, listener):
    with pytest.raises(http.PeerRefused, match=HTTPS_ONLY):
        descriptor_fetch(listener.url)
    assert listener.connections == 0


@pytest.mark.django_db
def test_a_production_node_does_not_pull_from_an_http_peer(node, production, listener):
    known = Node.objects.create(iri=listener.url + "/", name="Alt", city="Altstadt", public_key_multibase="z6MkAlt")
    peer = Peer.objects.create(node=known, client_id="x", client_secret="y")
    run = sync_peer(peer_id=peer.pk)
    assert not run.ok
    text = report(run)
    assert f"error: Peer URL refused: {listener.url}/api/federation/feed?after=0" in text
    assert f"(this node is in production and contacts peers {HTTPS_ONLY})" in text
    assert listener.connections == 0


@pytest.mark.django_db
def test_a_development_node_joins_and_admits_http_nodes(node, fake):
    assert join_request(fake.base_url).status_code == 201
    Peer.objects.all().delete()
    Node.objects.filter(iri=fake.iri).delete()
    assert peer_join(actor=SYSTEM, invitation=fake.invitation()).base_url == fake.base_url


SHOW_SETTING = "import django; django.setup(); from django.conf import settings; print(settings.HUB_PEERS_HTTPS_ONLY)"


@pytest.mark.parametrize(("base_url", "https_only"), [("https://hub.example.de", "True"),
                                                      ("http://127.0.0.1:8000", "False")])
def test_peers_are_https_only_exactly_on_a_production_node(tmp_path, base_url, https_only):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_", "DATABASE_URL"))}
    env |= {"HUB_BASE_URL": base_url, "HUB_DATA_DIR": str(tmp_path), "DJANGO_SECRET_KEY": "k" * 64,
            "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", SHOW_SETTING], cwd=PROJECT_DIR, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == https_only
