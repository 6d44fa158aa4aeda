"""Another node's key rotation as this node receives it (protocol section 3), hostile cases first.

A node that pinned an origin's key accepts another key for it only from a descriptor whose proof chain
the pinned key signed, wherever the descriptor came from; anything else is refused and reported, and the
pin stays. After a revocation an operator re-pins; what the revoked key signed before its revocation
stays, what it signed later is removed and refused. The origins are HTTP servers of the test's own.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from django.core.management import call_command

from federation.codecs import DescribedKey, node_to_document
from federation.models import CursorRewind, KeyPin, NodeKey, Peer
from federation.pins import origin_pin
from federation.proofs import sign_jcs, sign_jcs_chain
from federation.sync import feed_apply_page
from federation.sync.catch_up import mirror_catch_up
from federation.sync.origins import origin_descriptor
from hub.models import ChangeLogEntry, Node
from hub.multikey import encode_public_key, generate_key
from tests.network.fakes import FakeNode, method_document


@pytest.fixture
def city():
    """A: the origin whose key rotates."""
    fake = FakeNode("Zukunftswerk Wiesbaden", "Wiesbaden")
    yield fake
    fake.close()


@pytest.fixture
def relay():
    """Another peer, which relays A's documents."""
    fake = FakeNode("Nachbarlabor", "Nachbarstadt")
    yield fake
    fake.close()


def peer_of(fake: FakeNode) -> Peer:
    origin_pin(descriptor=fake.descriptor(), source=KeyPin.Source.JOINED)
    return Peer.objects.create(node=Node.objects.get(iri=fake.iri), client_id="x", client_secret="y")


@pytest.fixture
def city_peer(node, city) -> Peer:
    return peer_of(city)


@pytest.fixture
def relay_peer(node, relay) -> Peer:
    return peer_of(relay)


def apply(peer: Peer, *documents, cursor: str = "1"):
    return feed_apply_page(peer=peer, documents=list(documents), cursor=cursor, fetch_descriptor=origin_descriptor)


def reasons(result) -> dict[str, str]:
    return {item["id"]: item["reason"] for item in result.rejections}


def pinned(fake: FakeNode) -> Node:
    return Node.objects.get(iri=fake.iri)


def held(iri: str) -> bool:
    return ChangeLogEntry.objects.filter(iri=iri).exists()


def keys_listing() -> str:
    out = io.StringIO()
    call_command("peer", "keys", stdout=out)
    return out.getvalue()


def history(fake: FakeNode) -> dict[str, str]:
    return dict(NodeKey.objects.filter(node__iri=fake.iri).values_list("key_id", "status"))


def self_signed_rotation(fake: FakeNode, key, *, version: int) -> dict:
    """A descriptor for ``fake`` naming ``key`` as its new key, the real key as retired, signed by ``key`` alone."""
    node = Node(iri=fake.iri, name=fake.name, city=fake.city, public_key_multibase=encode_public_key(key.public_key()),
                version=version, date_modified=datetime(2026, 1, 1, tzinfo=UTC))
    keys = [DescribedKey(id=fake.iri + "#key-2", key=encode_public_key(key.public_key())),
            DescribedKey(id=fake.key_id, key=fake.public_key, retired=datetime(2026, 12, 1, tzinfo=UTC))]
    return sign_jcs_chain(node_to_document(node, [fake.lab_iri], keys), [(key, fake.iri + "#key-2")])


@pytest.mark.django_db
def test_a_forged_rotation_relayed_by_a_peer_is_refused_reported_and_the_pin_stays(city_peer, relay_peer, city):
    old_key = city.public_key
    forger = generate_key()
    forged_descriptor = self_signed_rotation(city, forger, version=2)
    forged_item = sign_jcs(method_document(city.base_url, "Untergeschoben"), forger, city.iri + "#key-2")
    result = apply(relay_peer, forged_descriptor, forged_item)

    found = reasons(result)
    assert "conflicts with the key pinned for this node" in found[city.iri] and "pinned key is kept" in found[city.iri]
    assert f"proof not verified against the key of {city.iri}" in found[forged_item["id"]]
    assert (result.applied, pinned(city).public_key_multibase) == (0, old_key)
    assert not held(forged_item["id"]) and KeyPin.objects.get(node__iri=city.iri).source == "joined"
    assert KeyPin.objects.get(node__iri=city.iri).next_check_at is not None  # the origin is asked itself

    outcome = mirror_catch_up()  # A's own descriptor has its pinned key: nothing changes, nothing is offered
    pin = KeyPin.objects.get(node__iri=city.iri)
    assert (pin.next_check_at, pin.offered_document, outcome.rejections) == (None, "", [])
    assert pinned(city).public_key_multibase == old_key


@pytest.mark.django_db
def test_a_rotation_signed_by_the_pinned_key_moves_the_pin_and_old_items_keep_verifying(city_peer, relay_peer, city):
    old_item, late = city.method("Kiezspaziergang"), city.method("Ideenwand")  # both signed with #key-1
    assert apply(city_peer, city.descriptor(), city.lab(), old_item).applied == 3
    old_key = city.public_key

    city.rotate()
    new_item = city.method("Zukunftswerkstatt")
    result = apply(city_peer, city.descriptor(), new_item, cursor="2")
    assert (result.applied, result.rejections) == (2, [])
    node = pinned(city)
    assert (node.public_key_multibase, node.key_id) == (city.public_key, city.iri + "#key-2")
    assert history(city) == {city.iri + "#key-1": "retired", city.iri + "#key-2": "current"}
    assert KeyPin.objects.get(node=node).source == "rotation"
    assert NodeKey.objects.get(node=node, public_key_multibase=old_key).retired_at is not None

    assert apply(relay_peer, late).applied == 1  # signed by the retired key before the rotation: still valid
    assert held(old_item["id"]) and held(new_item["id"])
    listing = keys_listing()
    assert f"retired {city.iri}#key-1 {old_key}" in listing
    assert "followed from the key pinned before: a rotation its proof chain signed" in listing


@pytest.mark.django_db
def test_a_rotation_relayed_by_another_peer_is_followed_through_its_chain(city_peer, relay_peer, city):
    apply(city_peer, city.descriptor())
    city.rotate()
    city.rotate()  # this node missed one: the chain holds #key-1, #key-2, #key-3
    new_item = city.method("Neu")
    result = apply(relay_peer, city.descriptor(), new_item)
    assert (result.applied, result.rejections) == (2, [])
    assert pinned(city).key_id == city.iri + "#key-3"
    assert history(city) == {city.iri + "#key-1": "retired", city.iri + "#key-2": "retired",
                             city.iri + "#key-3": "current"}
    relayed_on = orjson.loads(ChangeLogEntry.objects.get(iri=city.iri).document)  # as received, chain and all
    assert [proof["verificationMethod"] for proof in relayed_on["proof"]] == [
        city.iri + "#key-1", city.iri + "#key-2", city.iri + "#key-3"]


@pytest.mark.django_db
def test_a_new_key_the_origin_serves_itself_without_the_chain_is_refused_and_offered_to_the_operator(city_peer, city):
    apply(city_peer, city.descriptor())
    old_key = city.public_key
    city.key = generate_key()  # restarted with a fresh key file: no chain
    result = apply(city_peer, city.descriptor(version=2), cursor="2")

    assert "conflicts with the key pinned for this node" in reasons(result)[city.iri]
    assert pinned(city).public_key_multibase == old_key
    listing = keys_listing()
    assert "OFFERED on" in listing and city.public_key in listing
    assert "it does not revoke the pinned key: a forged rotation, or a lost key" in listing
    assert f"manage.py peer repin {city.iri} --key {city.public_key}" in listing


@pytest.mark.django_db
def test_a_revocation_waits_for_the_operator_then_keeps_what_the_revoked_key_signed_before(
    city_peer, relay_peer, city
):
    revoked_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    before = city.method("Vorher")  # signed now, before the revocation time
    leaked_key = city.key
    forged_later = sign_jcs(method_document(city.base_url, "Mit dem geleakten Schlüssel"), leaked_key, city.key_id,
                            created=(revoked_at + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert apply(city_peer, city.descriptor(), city.lab(), before, forged_later).applied == 4  # key-1 still pinned

    city.rotate(revoke=True, at=revoked_at)
    result = apply(city_peer, city.descriptor(), city.method("Nachher"), cursor="2")
    refusal = reasons(result)[city.iri]
    assert "which it says was revoked at" in refusal and f"peer repin {city.iri} --key {city.public_key}" in refusal
    assert pinned(city).public_key_multibase == encode_public_key(leaked_key.public_key())
    listing = keys_listing()
    assert f"it says the pinned key {city.iri}#key-1 was revoked at" in listing

    out = io.StringIO()
    call_command("peer", "repin", city.iri, "--key", city.public_key, "--yes", stdout=out)
    text = out.getvalue()
    assert "the 1 item(s) signed after it are removed" in text

    node = pinned(city)
    assert (node.public_key_multibase, node.key_id) == (city.public_key, city.iri + "#key-2")
    revoked = NodeKey.objects.get(node=node, key_id=city.iri + "#key-1")
    assert (revoked.status, revoked.revoked_at) == ("revoked", revoked_at)
    assert held(before["id"]) and not held(forged_later["id"])
    assert CursorRewind.objects.count() == 2  # what the new key signed comes back from every peer

    late_forgery = sign_jcs(method_document(city.base_url, "Noch eine"), leaked_key, city.iri + "#key-1",
                            created=(revoked_at + timedelta(minutes=9)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    genuine = city.method("Echt")
    result = apply(relay_peer, late_forgery, forged_later, genuine, cursor="3")
    found = reasons(result)
    assert "revoked at" in found[late_forgery["id"]] and "revoked at" in found[forged_later["id"]]
    assert result.applied == 1 and held(genuine["id"])


@pytest.mark.django_db
def test_a_descriptor_that_revokes_an_earlier_key_removes_what_it_signed_from_then_on(city_peer, city):
    """The path without an operator: the node had pinned the new key by hand before the descriptor came."""
    revoked_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    before = city.method("Vorher")
    forged_later = sign_jcs(method_document(city.base_url, "Später"), city.key, city.key_id,
                            created=(revoked_at + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    apply(city_peer, city.descriptor(), city.lab(), before, forged_later)
    city.rotate(revoke=True, at=revoked_at)
    call_command("peer", "repin", city.iri, "--key", city.public_key, "--yes", stdout=io.StringIO())
    assert not held(before["id"])  # a key pinned by hand: everything of the old key is set aside at first

    result = apply(city_peer, city.descriptor(), before, forged_later, cursor="0")
    assert reasons(result).keys() == {forged_later["id"]}
    assert held(before["id"]) and not held(forged_later["id"])
    assert NodeKey.objects.get(node__iri=city.iri, key_id=city.iri + "#key-1").status == "revoked"
