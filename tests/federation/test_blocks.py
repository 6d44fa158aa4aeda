"""Blocking and allowing origins (protocol §8) without HTTP between nodes: what a page, the feed,
the federation endpoints and a block list do when a peer or an origin is refused."""

from __future__ import annotations

import base64
import copy
import json
import secrets
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value

from federation.blocklists import BlockListError, blocklist_signed_document, blocklist_verified
from federation.blocks import (
    GovernanceError,
    origin_allow,
    origin_block,
    origin_policy,
    origin_unblock,
    peer_cursor_rewind,
)
from federation.codecs import key_id
from federation.codecs.blocklists import BlockListEntry, blocklist_to_document
from federation.feed import feed_page
from federation.models import Block, Invitation, Peer
from federation.proofs import sign_jcs
from federation.sync import feed_apply_page
from hub.models import ChangeLogEntry, Lab, Node
from hub.multikey import encode_public_key, generate_key
from hub.roles import SYSTEM
from methods.models import MethodCard
from methods.services import method_create
from tests.federation.test_apply import Origin

pytestmark = pytest.mark.django_db

RELAY = "http://127.0.0.1:8102"


@pytest.fixture
def origin(db) -> Origin:
    """An origin whose key this node pinned from its own descriptor."""
    return Origin("http://127.0.0.1:8101", name="Spamlabor").pinned()


@pytest.fixture
def relay(node) -> Peer:
    """A peer that relays other origins' items; it has its own OAuth application at this node."""
    relay_node = Node.objects.create(iri=RELAY + "/", name="Nachbar", city="Nachbarstadt",
                                     public_key_multibase=encode_public_key(generate_key().public_key()))
    application = Application.objects.create(name="Peer", client_type=Application.CLIENT_CONFIDENTIAL,
                                             authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)
    return Peer.objects.create(node=relay_node, application=application, client_id="x", client_secret="y")


@pytest.fixture
def origin_peer(node, origin) -> Peer:
    """The origin itself as a peer of this node (its key pinned), with its OAuth application here."""
    application = Application.objects.create(name="Peer Spam", client_type=Application.CLIENT_CONFIDENTIAL,
                                             authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)
    return Peer.objects.create(node=Node.objects.get(iri=origin.node.iri), application=application, client_id="a",
                               client_secret="b")


def token_of(peer: Peer) -> str:
    raw = secrets.token_urlsafe(32)
    token = AccessToken(application=peer.application, scope="federation", expires=timezone.now() + timedelta(hours=1))
    set_token_value(token, raw)
    token.save()
    return raw


def apply(peer: Peer, *documents: dict, cursor: str = "1"):
    return feed_apply_page(peer=peer, documents=[copy.deepcopy(d) for d in documents], cursor=cursor)


def held_from(origin: Origin) -> list[str]:
    return list(ChangeLogEntry.objects.filter(origin__iri=origin.node.iri).values_list("iri", flat=True))


# --- a relay brings a blocked origin's items -----------------------------------------------------


def test_a_relay_is_refused_a_blocked_origins_items_with_origin_blocked(relay, origin):
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    method = origin.method()
    result = apply(relay, origin.descriptor(), method, cursor="5")
    assert sorted((r["id"], r["reason"]) for r in result.rejections) == sorted(
        [(origin.node.iri, "origin blocked"), (method["id"], "origin blocked")]
    )
    assert result.applied == 0 and held_from(origin) == [] and not MethodCard.objects.filter(iri=method["id"]).exists()
    relay.refresh_from_db()
    assert relay.cursor == "5"  # the page is done with; unblocking rewinds the cursor


def test_blocking_removes_the_mirrored_items_labs_and_their_change_log_entries(relay, origin):
    method = origin.method()
    lab = origin.sign({**_lab_document(origin)})
    assert apply(relay, origin.descriptor(), lab, method).applied == 3
    block = origin_block(actor=SYSTEM, origin=origin.base + "/", reason="Spam")
    assert block.removed == {"Node": 1, "Lab": 1, "MethodCard": 1} and block.removed_total == 3
    assert held_from(origin) == [] and not MethodCard.objects.filter(origin__iri=origin.node.iri).exists()
    assert not Lab.objects.filter(origin__iri=origin.node.iri).exists()
    served = "".join(feed_page(after=0, limit=500).documents)
    assert origin.base not in served
    assert Node.objects.filter(iri=origin.node.iri).exists()  # the pinned key stays


def test_a_block_made_while_a_page_is_checked_wins_over_the_page(relay, origin, monkeypatch):
    """The policy is read again under the change log's lock: a block committed meanwhile is obeyed."""
    from federation.sync import apply as apply_module

    real = apply_module._newer_than_stored
    calls = []

    def block_between(received):
        calls.append(1)
        if len(calls) == 2:  # the second look, under the lock: the block has been made meanwhile
            Block.objects.create(origin=origin.node.iri, reason="Spam")
        return real(received)

    monkeypatch.setattr(apply_module, "_newer_than_stored", block_between)
    result = apply(relay, origin.descriptor(), origin.method())
    assert result.applied == 0 and {r["reason"] for r in result.rejections} == {"origin blocked"}
    assert held_from(origin) == []


def test_this_nodes_own_origin_can_be_neither_blocked_nor_disallowed(node, settings):
    with pytest.raises(GovernanceError, match="own address"):
        origin_block(actor=SYSTEM, origin=settings.HUB_BASE_URL, reason="Versehen")
    assert origin_policy().refusal(settings.HUB_BASE_URL + "/methods/x") is None


def test_an_address_with_a_path_is_not_taken_for_a_node(node):
    with pytest.raises(GovernanceError, match="node's address"):
        origin_block(actor=SYSTEM, origin="https://hub.example.de/methods/1", reason="Spam")


# --- unblocking ----------------------------------------------------------------------------------


def test_unblocking_reads_every_peers_feed_again_even_after_a_sync_that_ran_meanwhile(relay, origin):
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    apply(relay, origin.method(), cursor="40")
    origin_unblock(actor=SYSTEM, origin=origin.base)
    apply(relay, origin.method(), cursor="41")  # a sync that was running during the unblock moves on
    assert peer_cursor_rewind(peer_id=relay.pk) is True  # ... and the next sync starts from 0
    relay.refresh_from_db()
    assert relay.cursor == "0"
    assert peer_cursor_rewind(peer_id=relay.pk) is False


def test_after_unblocking_the_origins_items_are_accepted_again(relay, origin):
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    method = origin.method()
    assert apply(relay, origin.descriptor(), method).applied == 0
    origin_unblock(actor=SYSTEM, origin=origin.base)
    assert apply(relay, origin.descriptor(), method).applied == 2


# --- allow-list mode -----------------------------------------------------------------------------


def test_in_allowlist_mode_only_listed_origins_are_taken_from_a_relay(relay, origin, settings):
    settings.HUB_FEDERATION_MODE = "allowlist"
    origin_allow(actor=SYSTEM, origin=RELAY)
    method = origin.method()
    result = apply(relay, origin.descriptor(), method)
    assert {r["reason"] for r in result.rejections} == {"origin not on the allow list"} and result.applied == 0
    origin_allow(actor=SYSTEM, origin=origin.base)
    assert apply(relay, origin.descriptor(), method).applied == 2


# --- the federation endpoints --------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/federation/feed?after=0"),
    ("get", "/api/federation/descriptor?iri=http://127.0.0.1:8101/"),
    ("post", "/api/federation/nudge"),
])
def test_a_blocked_nodes_token_is_refused_with_403_saying_it_is_blocked(client, origin_peer, origin, method, path):
    token = token_of(origin_peer)
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == f"This node has blocked the node {origin.node.iri}: it serves it nothing."


def test_in_allowlist_mode_a_peer_not_on_the_list_is_refused_and_a_listed_one_served(client, relay, origin_peer,
                                                                                      origin, settings):
    settings.HUB_FEDERATION_MODE = "allowlist"
    origin_allow(actor=SYSTEM, origin=RELAY)
    refused = client.get("/api/federation/feed", HTTP_AUTHORIZATION=f"Bearer {token_of(origin_peer)}")
    assert refused.status_code == 403 and "not on this node's allow list" in refused.json()["detail"]
    assert client.get("/api/federation/feed", HTTP_AUTHORIZATION=f"Bearer {token_of(relay)}").status_code == 200


def test_a_blocked_nodes_token_reads_no_network_item_on_the_pages_or_the_api(client, origin_peer, origin, lab):
    method_create(actor=SYSTEM, title="Nur im Netzwerk", summary="Intern", phase="erkennen", lab=lab,
                  visibility="network")
    token = token_of(origin_peer)
    reads = client.get("/api/methods/", HTTP_AUTHORIZATION=f"Bearer {token}").json()["results"]
    assert [item["title"] for item in reads] == ["Nur im Netzwerk"]  # a peer's token reads network items
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    assert client.get("/api/methods/", HTTP_AUTHORIZATION=f"Bearer {token}").json()["results"] == []
    assert "Nur im Netzwerk" not in client.get("/methods/", HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()


def test_a_blocked_node_gets_no_new_token(client, origin_peer, origin):
    secret = "geheim-" + secrets.token_hex(8)
    origin_peer.application.client_secret = secret
    origin_peer.application.save()
    ask = {"grant_type": "client_credentials", "client_id": origin_peer.application.client_id,
           "client_secret": secret}
    assert client.post("/o/token/", ask).json()["scope"] == "federation"
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    refused = client.post("/o/token/", ask)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"


def test_a_blocked_node_cannot_join_again_with_a_fresh_invitation(client, origin):
    from federation.peering import invitation_read, peer_invite

    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    invitation = invitation_read(peer_invite(actor=SYSTEM))
    body = {"invitation": invitation.id, "secret": invitation.secret, "node": origin.base, "client_id": "c",
            "client_secret": "s"}
    response = client.post("/api/federation/join", orjson.dumps(body), content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "This node does not peer with the joining node."
    assert not Peer.objects.filter(node__iri=origin.node.iri).exists()
    assert Invitation.objects.get(pk=invitation.id).used_at is None  # the invitation still works for others


def test_joining_a_blocked_node_is_refused_before_any_request(origin):
    from federation.peering import INVITATION_PREFIX, PeeringError, peer_join

    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    content = json.dumps({"node": origin.base, "id": "x", "secret": "y"}).encode()  # nothing listens there
    invitation = INVITATION_PREFIX + base64.urlsafe_b64encode(content).decode().rstrip("=")
    with pytest.raises(PeeringError, match="This node has blocked"):
        peer_join(invitation=invitation, actor=SYSTEM)


def test_a_blocked_peer_is_not_pulled(origin_peer, origin, capsys):
    origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    call_command("sync")
    assert "not pulled, origin blocked" in capsys.readouterr().out
    assert not origin_peer.runs.exists()


# --- block lists ---------------------------------------------------------------------------------


def coordinator_list(coordinator: Origin, *entries: tuple[str, str], key=None, when=datetime(2026, 12, 4, tzinfo=UTC)):
    document = blocklist_to_document(
        iri=coordinator.base + "/api/federation/blocklist", origin=coordinator.node.iri, date_modified=when,
        entries=[BlockListEntry(origin=o, reason=r, date=when) for o, r in entries],
    )
    return sign_jcs(document, key or coordinator.key, key_id(coordinator.node.iri))


@pytest.fixture
def coordinator(node) -> Origin:
    coordinator = Origin("http://127.0.0.1:8120", name="Koordination")
    coordinator.node.save()
    return coordinator


def test_a_block_list_signed_by_another_key_is_refused(coordinator):
    forged = coordinator_list(coordinator, ("http://127.0.0.1:8101/", "Spam"), key=generate_key())
    with pytest.raises(BlockListError, match="not signed by the key pinned for that node"):
        blocklist_verified(forged, node=coordinator.node)


def test_a_block_list_naming_another_publisher_is_refused(coordinator):
    other = Origin("http://127.0.0.1:8121")
    with pytest.raises(BlockListError, match="is not the block list of"):
        blocklist_verified(coordinator_list(other, ("http://127.0.0.1:8101/", "Spam")), node=coordinator.node)


def test_a_genuine_block_list_is_accepted(coordinator):
    content = blocklist_verified(coordinator_list(coordinator, ("http://127.0.0.1:8101/", "Spam")), node=coordinator.node)
    assert [(entry.origin, entry.reason) for entry in content.entries] == [("http://127.0.0.1:8101/", "Spam")]


def test_this_nodes_block_list_is_signed_by_its_key_and_lists_only_active_blocks(node, settings):
    origin_block(actor=SYSTEM, origin="https://spam.example", reason="Werbung")
    Block.objects.create(origin="https://vielleicht.example/", reason="?", status=Block.Status.PROPOSED)
    document = orjson.loads(blocklist_signed_document())
    content = blocklist_verified(document, node=node)
    assert [(entry.origin, entry.reason) for entry in content.entries] == [("https://spam.example/", "Werbung")]
    assert document["proof"]["verificationMethod"] == key_id(node.iri)


def test_the_block_list_is_not_served_unless_the_node_publishes_it(client, relay, settings):
    token = token_of(relay)
    assert client.get("/api/federation/blocklist", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    settings.HUB_BLOCKLIST_PUBLISH = True
    response = client.get("/api/federation/blocklist", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["type"] == "BlockList"
    assert client.get("/api/federation/blocklist").status_code == 401


def test_a_proposed_block_refuses_nothing_until_confirmed(relay, origin):
    Block.objects.create(origin=origin.node.iri, reason="Spam", status=Block.Status.PROPOSED)
    assert apply(relay, origin.descriptor(), origin.method()).applied == 2
    call_command("peer", "block", origin.base, "--confirm")
    assert held_from(origin) == [] and Block.objects.get(origin=origin.node.iri).status == Block.Status.ACTIVE


def test_confirming_a_block_nobody_proposed_fails_with_a_message(node):
    with pytest.raises(CommandError, match="No block of https://spam.example/ is proposed"):
        call_command("peer", "block", "https://spam.example", "--confirm")


def _lab_document(origin: Origin) -> dict:
    from federation.codecs.labs import lab_to_document

    lab = Lab(iri=f"{origin.base}/labs/fern", origin=origin.node, slug="fern", name="Fernlabor", city="Fernstadt",
              date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, 1, tzinfo=UTC))
    return lab_to_document(lab)


def test_every_property_of_a_block_list_is_a_term_of_the_vocabulary(node):
    from federation.jsonld import canonize

    origin_block(actor=SYSTEM, origin="https://spam.example", reason="Werbung")
    nquads = canonize(orjson.loads(blocklist_signed_document()))  # refuses a property it would drop
    for term in ("BlockList", "BlockedOrigin", "blockedOrigin", "blockedNode", "reason"):
        assert f"<https://w3id.org/stadtlabor/ns#{term}>" in nquads


@pytest.fixture
def coordinator_fake(node):
    """A coordinating peer served by the test (its key pinned here), with a block list it can change."""
    from tests.network.fakes import FakeNode

    fake = FakeNode("Koordination", "Mitte")
    pinned = Node.objects.create(iri=fake.iri, name=fake.name, city=fake.city, public_key_multibase=fake.public_key)
    Peer.objects.create(node=pinned, client_id="a", client_secret="b")
    yield fake
    fake.close()


def serve_list(fake, *entries: tuple[str, str], when: datetime) -> None:
    document = blocklist_to_document(
        iri=fake.base_url + "/api/federation/blocklist", origin=fake.iri, date_modified=when,
        entries=[BlockListEntry(origin=o, reason=r, date=when) for o, r in entries],
    )
    fake.documents["/api/federation/blocklist"] = fake.sign(document)


def proposals() -> dict[str, str]:
    return dict(Block.objects.filter(status=Block.Status.PROPOSED).values_list("origin", "reason"))


def test_a_dismissed_proposal_is_not_proposed_again_and_a_dropped_one_is_withdrawn(coordinator_fake):
    from federation.blocklists import blocklist_subscribe, blocklists_refresh

    one, two = "https://eins.example/", "https://zwei.example/"
    serve_list(coordinator_fake, (one, "Spam"), (two, "Betrug"), when=datetime(2026, 12, 1, tzinfo=UTC))
    _subscription, proposed = blocklist_subscribe(actor=SYSTEM, url=coordinator_fake.base_url)
    assert {block.origin for block in proposed} == {one, two} and proposals() == {one: "Spam", two: "Betrug"}
    origin_unblock(actor=SYSTEM, origin=one)  # dismissed
    serve_list(coordinator_fake, (one, "Spam"), when=datetime(2026, 12, 2, tzinfo=UTC))  # the list drops two
    assert blocklists_refresh() == {coordinator_fake.base_url: []}
    assert proposals() == {}
    assert origin_policy().blocked == frozenset()


def test_an_older_block_list_replayed_is_refused(coordinator_fake):
    from federation.blocklists import blocklist_subscribe, blocklists_refresh

    serve_list(coordinator_fake, when=datetime(2026, 12, 2, tzinfo=UTC))
    blocklist_subscribe(actor=SYSTEM, url=coordinator_fake.base_url)
    serve_list(coordinator_fake, ("https://eins.example/", "Alt"), when=datetime(2026, 12, 1, tzinfo=UTC))
    outcome = blocklists_refresh()[coordinator_fake.base_url]
    assert "is older" in outcome and proposals() == {}
