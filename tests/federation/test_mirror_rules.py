"""Mirroring rules a dishonest peer tries to get round (protocol §3, §6.2, §6.5), without HTTP."""

from __future__ import annotations

import copy

import pytest

from events.models import Event
from federation.codecs import key_id
from federation.models import Peer
from federation.proofs import sign_rdfc
from federation.sync import feed_apply_page
from hub.models import ChangeLogEntry, Lab, Node
from methods.models import MethodCard
from tests.robustness.documents import Signer, new_uuid, resigned


@pytest.fixture
def origin(db) -> Signer:
    """A node whose key this node pinned from its own descriptor."""
    signer = Signer("http://127.0.0.1:8301", name="Fernlabor", city="Fernstadt")
    signer.node.save()
    return signer


@pytest.fixture
def peer(node) -> Peer:
    neighbour = Signer("http://127.0.0.1:8302", name="Nachbar")
    neighbour.node.save()
    return Peer.objects.create(node=neighbour.node, client_id="x", client_secret="y")


def apply(peer: Peer, *documents, cursor: str = "1"):
    return feed_apply_page(peer=peer, documents=[copy.deepcopy(d) for d in documents], cursor=cursor)


def reasons(result) -> dict[str, str]:
    return {item["id"]: item["reason"] for item in result.rejections}


# §6.2: an item's lab is a lab of the item's origin.

@pytest.mark.django_db
def test_an_event_a_peer_attaches_to_this_nodes_lab_is_rejected_and_the_lab_page_does_not_list_it(client, peer, origin, lab):
    hijacked = resigned(origin, {**origin.event(new_uuid()), "organizer": lab.iri, "name": "Fremd untergeschoben"})
    result = apply(peer, origin.lab(), hijacked)
    assert result.applied == 1
    assert f"organizer {lab.iri} is not a lab of the item's origin {origin.node.iri}" in reasons(result)[hijacked["id"]]
    assert not Event.objects.filter(iri=hijacked["id"]).exists()
    page = client.get(f"/labs/{lab.slug}", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "Fremd untergeschoben" not in page.content.decode()


@pytest.mark.django_db
def test_a_method_credited_to_a_lab_of_another_origin_is_rejected(peer, origin):
    other = Signer("http://127.0.0.1:8303", name="Anderes Labor")
    card = resigned(origin, {**origin.method(new_uuid()), "creator": other.lab_iri})
    result = apply(peer, card)
    assert f"creator {other.lab_iri} is not a lab of the item's origin {origin.node.iri}" in reasons(result)[card["id"]]
    assert not MethodCard.objects.filter(iri=card["id"]).exists()


@pytest.mark.django_db
def test_an_item_whose_known_lab_belongs_to_another_node_is_rejected(peer, origin, remote_node):
    # A lab row under the origin's IRI held for another node (as data written before labs were checked might be).
    Lab.objects.create(iri=origin.lab_iri, origin=remote_node, slug="fern", name="Fernlabor", city="Fernstadt")
    card = origin.method(new_uuid())
    result = apply(peer, card)
    assert f"its lab {origin.lab_iri} is held as a lab of {remote_node.iri}" in reasons(result)[card["id"]]


# §6.5: copies are verified before one is chosen.

@pytest.mark.django_db
def test_a_bad_copy_ahead_of_the_genuine_copy_at_the_same_version_does_not_hide_it(peer, origin):
    uid = new_uuid()
    apply(peer, origin.method(uid, 1))
    genuine = origin.method(uid, 2)
    bad = copy.deepcopy(genuine)
    bad["name"] = "Verfälscht"
    result = apply(peer, bad, genuine, cursor="2")
    assert result.applied == 1, result
    assert MethodCard.objects.get(iri=genuine["id"]).version == 2
    assert MethodCard.objects.get(iri=genuine["id"]).title == "Stadtspaziergang"
    assert "proof not verified" in reasons(result)[genuine["id"]]
    stored = ChangeLogEntry.objects.get(iri=genuine["id"])
    assert stored.version == 2 and "Verfälscht" not in stored.document


@pytest.mark.django_db
def test_a_bad_copy_of_a_higher_version_does_not_hide_the_genuine_lower_one(peer, origin):
    uid = new_uuid()
    genuine = origin.method(uid, 2)
    forged = copy.deepcopy(origin.method(uid, 3))
    forged["name"] = "Verfälscht"
    result = apply(peer, forged, genuine)
    assert result.applied == 1 and MethodCard.objects.get(iri=genuine["id"]).version == 2


# §3: no eddsa-rdfc-2022 in feeds.

@pytest.mark.django_db
def test_a_feed_document_signed_with_eddsa_rdfc_2022_is_rejected(peer, origin):
    unsigned = {key: value for key, value in origin.method(new_uuid()).items() if key != "proof"}
    rdfc = sign_rdfc(unsigned, origin.key, key_id(origin.node.iri))
    result = apply(peer, rdfc)
    assert result.applied == 0
    assert "eddsa-rdfc-2022" in reasons(result)[rdfc["id"]] and "eddsa-jcs-2022" in reasons(result)[rdfc["id"]]
    assert not MethodCard.objects.filter(iri=rdfc["id"]).exists()


@pytest.mark.django_db
def test_a_relayed_descriptor_signed_with_eddsa_rdfc_2022_is_rejected(peer, origin):
    unsigned = {key: value for key, value in origin.descriptor(version=2).items() if key != "proof"}
    rdfc = sign_rdfc(unsigned, origin.key, key_id(origin.node.iri))
    result = apply(peer, rdfc)
    assert result.applied == 0 and "eddsa-rdfc-2022" in reasons(result)[origin.node.iri]
    assert Node.objects.get(iri=origin.node.iri).version == 1
