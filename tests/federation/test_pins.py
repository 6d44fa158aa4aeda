"""Keys pinned only from their origin (protocol §3): held documents, catching up, recovery, re-pinning.

The origins here are real HTTP servers of the test's own (``FakeNode``) on loopback, asked through the
guarded client exactly as a sync asks them; a forger signs with a key of its own.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from federation.blocks import origin_block
from federation.codecs import key_id, node_to_document
from federation.management.commands.sync import report
from federation.models import CursorRewind, HeldDocument, KeyPin, Peer, RejectedCopy
from federation.pins import fingerprint, origin_pin
from federation.proofs import sign_jcs
from federation.sync import feed_apply_page, sync_peer
from federation.sync.catch_up import mirror_catch_up
from federation.sync.origins import origin_descriptor
from federation.tasks import mirror_catch_up_task
from hub.models import ChangeLogEntry, Node
from hub.multikey import encode_public_key, generate_key
from methods.models import MethodCard
from tests.network.fakes import FakeNode, method_document


class Forger:
    """A dishonest peer's key, and what it signs in the name of a city it is not."""

    def __init__(self) -> None:
        self.key = generate_key()
        self.public_key = encode_public_key(self.key.public_key())

    def descriptor(self, city: FakeNode) -> dict:
        node = Node(iri=city.iri, name=city.name, city=city.city, public_key_multibase=self.public_key, version=1,
                    date_modified=datetime(2026, 1, 1, tzinfo=UTC))
        return sign_jcs(node_to_document(node, [city.lab_iri]), self.key, key_id(city.iri))

    def method(self, city: FakeNode, title: str, **fields) -> dict:
        return sign_jcs(method_document(city.base_url, title, **fields), self.key, key_id(city.iri))


@pytest.fixture
def city():
    """The real city: a node with its own key, answering on loopback."""
    fake = FakeNode("CityLAB Berlin", "Berlin")
    yield fake
    fake.close()


@pytest.fixture
def relay():
    """A peer of this node that relays documents of other origins."""
    fake = FakeNode("Nachbarlabor", "Nachbarstadt")
    yield fake
    fake.close()


@pytest.fixture
def peer(node, relay) -> Peer:
    origin_pin(descriptor=relay.descriptor(), source=KeyPin.Source.JOINED)
    return Peer.objects.create(node=Node.objects.get(iri=relay.iri), client_id="x", client_secret="y")


def apply(peer: Peer, *documents, cursor: str = "1"):
    return feed_apply_page(peer=peer, documents=list(documents), cursor=cursor, fetch_descriptor=origin_descriptor)


def stored_key(iri: str) -> str:
    """The key named by the descriptor this node stores (and relays) for a node."""
    document = orjson.loads(ChangeLogEntry.objects.get(iri=iri).document)
    return document["verificationMethod"][0]["publicKeyMultibase"]


def all_due() -> None:
    """Let the backoff pass."""
    HeldDocument.objects.update(next_attempt_at=timezone.now())
    KeyPin.objects.filter(next_check_at__isnull=False).update(next_check_at=timezone.now())
    RejectedCopy.objects.update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_a_relayed_descriptor_pins_nothing_and_the_documents_of_its_origin_are_held(peer, city):
    forger = Forger()
    forged = forger.method(city, "Untergeschoben")
    city.switch("down")
    result = apply(peer, forger.descriptor(city), forged)
    assert (result.applied, result.held, result.rejections) == (0, 2, [])
    assert not Node.objects.filter(iri=city.iri).exists()
    assert not ChangeLogEntry.objects.filter(iri__in=[forged["id"], city.iri]).exists()
    held = HeldDocument.objects.get(iri=forged["id"])
    assert (held.peer, held.origin, held.version, held.attempts) == (peer, city.iri, 1, 1)
    assert "waiting until its origin's own descriptor can be fetched" in held.reason and "127.0.0.1" in held.reason
    assert held.next_attempt_at > timezone.now() + timedelta(seconds=5)
    peer.refresh_from_db()
    assert peer.cursor == "1"  # held documents do not stop the walk


@pytest.mark.django_db
def test_held_documents_are_checked_and_applied_once_their_origin_is_reached(peer, city):
    forger = Forger()
    genuine, forged = city.method("Kiezspaziergang"), forger.method(city, "Untergeschoben")
    city.switch("down")
    assert apply(peer, forger.descriptor(city), forged, genuine).held == 3
    mirror_catch_up_task()  # not due yet: nothing is asked
    assert city.served("/.well-known/stadtlabor") == 0 and HeldDocument.objects.count() == 3

    city.switch("healthy")
    all_due()
    outcome = mirror_catch_up()
    reasons = {item["id"]: item["reason"] for item in outcome.rejections}
    assert outcome.applied == 2  # the city's own descriptor and its genuine method
    assert f"proof not verified against the key of {city.iri}" in reasons[forged["id"]]
    assert stored_key(city.iri) == city.public_key  # the forged descriptor, no newer than the city's own, is skipped
    assert Node.objects.get(iri=city.iri).public_key_multibase == city.public_key
    assert KeyPin.objects.get(node__iri=city.iri).source == KeyPin.Source.FETCHED
    assert MethodCard.objects.get(iri=genuine["id"]).title == "Kiezspaziergang"
    assert not MethodCard.objects.filter(iri=forged["id"]).exists()
    assert HeldDocument.objects.count() == 0


@pytest.mark.django_db
def test_an_origin_reachable_during_the_page_is_pinned_from_its_own_descriptor(peer, city):
    forger = Forger()
    genuine = city.method("Kiezspaziergang")
    result = apply(peer, forger.descriptor(city), genuine, forger.method(city, "Untergeschoben"))
    assert (result.applied, result.held, len(result.rejections)) == (2, 0, 2), result
    assert Node.objects.get(iri=city.iri).public_key_multibase == city.public_key
    assert stored_key(city.iri) == city.public_key
    assert MethodCard.objects.filter(iri=genuine["id"]).exists()


@pytest.mark.django_db
def test_a_key_learnt_from_a_relay_gives_way_to_the_origins_own_and_what_it_let_in_is_removed(peer, city, relay):
    forger = Forger()
    forged = [forger.method(city, "Untergeschoben"), forger.method(city, "Auch untergeschoben")]
    # As a node before this version did: the key of a relayed descriptor pinned, the forged items mirrored.
    origin_pin(descriptor=forger.descriptor(city), source=KeyPin.Source.FETCHED)
    assert feed_apply_page(peer=peer, documents=[forger.descriptor(city), *forged], cursor="9").applied == 3
    KeyPin.objects.filter(node__iri=city.iri).update(source=KeyPin.Source.RELAYED, next_check_at=timezone.now())

    run = sync_peer(peer_id=peer.pk)
    text = report(run)
    assert run.ok and run.removed == 2, text
    assert f"removed 2 item(s) of {city.iri}: the key learnt from a relay ({forger.public_key[:16]}…)" in text
    assert Node.objects.get(iri=city.iri).public_key_multibase == city.public_key
    assert KeyPin.objects.get(node__iri=city.iri).source == KeyPin.Source.FETCHED
    assert not MethodCard.objects.filter(iri__in=[item["id"] for item in forged]).exists()
    assert stored_key(city.iri) == city.public_key
    assert CursorRewind.objects.filter(peer=peer).exists()  # the genuine items may lie behind the cursor

    genuine = city.method("Kiezspaziergang")
    relay.feed = [forged[0], genuine]
    run = sync_peer(peer_id=peer.pk)
    assert MethodCard.objects.filter(iri=genuine["id"]).exists() and not MethodCard.objects.filter(iri=forged[0]["id"]).exists()
    assert "proof not verified" in {item["id"]: item["reason"] for item in run.rejections}[forged[0]["id"]]


@pytest.mark.django_db
def test_a_relayed_descriptor_that_conflicts_with_a_key_learnt_from_a_relay_is_reported_and_settled(peer, city):
    forger = Forger()
    origin_pin(descriptor=forger.descriptor(city), source=KeyPin.Source.FETCHED)
    KeyPin.objects.filter(node__iri=city.iri).update(source=KeyPin.Source.RELAYED,
                                                     next_check_at=timezone.now() + timedelta(days=1))
    result = apply(peer, city.descriptor(version=2), city.method("Kiezspaziergang"))
    assert result.held == 1  # the item waits: a key learnt from a relay is not trusted
    assert "differs from the key learnt from a relay for this node" in result.rejections[0]["reason"]
    assert KeyPin.objects.get(node__iri=city.iri).next_check_at <= timezone.now()  # settled at once
    outcome = mirror_catch_up()
    assert outcome.removals[0]["origin"] == city.iri and outcome.applied == 2  # its descriptor, then the item
    assert Node.objects.get(iri=city.iri).public_key_multibase == city.public_key


@pytest.mark.django_db
def test_a_different_key_for_a_key_pinned_from_the_origin_is_refused_and_kept(peer, city):
    origin_pin(descriptor=city.descriptor(), source=KeyPin.Source.FETCHED)
    forger = Forger()
    result = apply(peer, forger.descriptor(city), forger.method(city, "Untergeschoben"))
    assert result.applied == 0 and len(result.rejections) == 2
    assert Node.objects.get(iri=city.iri).public_key_multibase == city.public_key


# A refused copy is asked for again at its origin (§6.5).

@pytest.mark.django_db
def test_an_item_version_whose_only_copy_was_bad_is_fetched_again_from_its_origin(peer, city):
    origin_pin(descriptor=city.descriptor(), source=KeyPin.Source.FETCHED)
    first = city.method("Kiezspaziergang")
    apply(peer, first)
    second = city.sign({**{k: v for k, v in first.items() if k != "proof"}, "version": 2, "name": "Kiezrundgang"})
    bad = {**second, "name": "Verfälscht"}
    result = apply(peer, bad, cursor="2")
    assert "proof not verified" in result.rejections[0]["reason"]
    assert RejectedCopy.objects.filter(iri=first["id"], version=2, peer=peer).exists()

    city.documents[first["id"].removeprefix(city.base_url)] = second
    outcome = mirror_catch_up()
    assert outcome.applied == 1
    assert MethodCard.objects.get(iri=first["id"]).title == "Kiezrundgang"
    assert not RejectedCopy.objects.exists()


@pytest.mark.django_db
def test_an_item_its_origin_does_not_have_is_not_asked_for_again(peer, city):
    origin_pin(descriptor=city.descriptor(), source=KeyPin.Source.FETCHED)
    bad = {**city.method("Kiezspaziergang"), "name": "Verfälscht"}
    apply(peer, bad)
    assert mirror_catch_up().applied == 0
    assert not RejectedCopy.objects.exists() and not MethodCard.objects.exists()
    assert city.served(bad["id"].removeprefix(city.base_url)) == 1


# manage.py peer keys and peer repin.

@pytest.mark.django_db
def test_peer_keys_lists_every_pinned_key_with_its_fingerprint_and_how_it_was_pinned(peer, city, node):
    city.switch("down")
    apply(peer, city.method("Kiezspaziergang"))
    out = io.StringIO()
    call_command("peer", "keys", stdout=out)
    text = out.getvalue()
    assert f"{node.iri} {node.name} ({node.city})\n  key {node.public_key_multibase}  fingerprint " \
           f"{fingerprint(node.public_key_multibase)}\n  this node's own key" in text
    assert f"key {peer.node.public_key_multibase}" in text
    assert "pinned from the descriptor fetched from the node itself when peering" in text
    assert f"{city.iri} is not pinned: 1 documents held since" in text and "1 failed attempt(s)" in text


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["z6MkNICHT-BASE58", "zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "ed25519:abc"])
def test_repin_refuses_a_malformed_key_and_changes_nothing(peer, key):
    before = peer.node.public_key_multibase
    with pytest.raises(CommandError, match="is not an Ed25519 Multikey"):
        call_command("peer", "repin", peer.node.iri, "--key", key, "--yes", stdout=io.StringIO())
    assert Node.objects.get(pk=peer.node.pk).public_key_multibase == before


@pytest.mark.django_db
def test_repin_asks_for_confirmation_and_changes_nothing_without_it(peer, monkeypatch):
    other = encode_public_key(generate_key().public_key())
    monkeypatch.setattr("sys.stdin", io.StringIO("nein\n"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing changed"):
        call_command("peer", "repin", peer.node.iri, "--key", other, stdout=out)
    assert f"The new key is {other} ({fingerprint(other)})" in out.getvalue()
    assert "Type yes to re-pin" in out.getvalue()
    assert Node.objects.get(pk=peer.node.pk).public_key_multibase != other


@pytest.mark.django_db
def test_repin_replaces_a_key_removes_what_it_let_in_and_releases_held_documents(peer, city, monkeypatch):
    forger = Forger()
    origin_pin(descriptor=forger.descriptor(city), source=KeyPin.Source.FETCHED)  # the wrong key, by mistake
    forged = forger.method(city, "Untergeschoben")
    apply(peer, forged)
    city.switch("down")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    out = io.StringIO()
    call_command("peer", "repin", city.iri, "--key", city.public_key, "--note", "am Telefon bestätigt", stdout=out)
    assert "The 1 item(s) that verified with the old key will be removed" in out.getvalue()
    assert f"Pinned {city.public_key} ({fingerprint(city.public_key)}) for {city.iri}" in out.getvalue()
    pin = KeyPin.objects.get(node__iri=city.iri)
    assert (pin.source, pin.note, pin.node.public_key_multibase) == ("operator", "am Telefon bestätigt", city.public_key)
    assert pin.pinned_by.startswith("manage.py")
    assert not MethodCard.objects.filter(iri=forged["id"]).exists()
    assert CursorRewind.objects.filter(peer=peer).exists()  # every feed is read again at its next sync

    genuine = city.method("Kiezspaziergang")
    assert apply(peer, genuine).applied == 1  # pinned by the operator: applied without asking the city
    keys = io.StringIO()
    call_command("peer", "keys", stdout=keys)
    assert "confirmed by an operator" in keys.getvalue() and "(am Telefon bestätigt)" in keys.getvalue()


@pytest.mark.django_db
def test_an_operators_pin_releases_the_held_documents_of_an_unreachable_origin(peer, city):
    genuine = city.method("Kiezspaziergang")
    city.switch("down")
    assert apply(peer, genuine).held == 1
    call_command("peer", "repin", city.base_url, "--key", city.public_key, "--yes", stdout=io.StringIO())
    assert mirror_catch_up().applied == 1  # due at once: the key it waited for is pinned
    assert MethodCard.objects.filter(iri=genuine["id"]).exists() and not HeldDocument.objects.exists()


@pytest.mark.django_db
def test_a_production_node_asks_no_http_origin_for_its_descriptor_or_its_items(peer, city, settings):
    settings.HUB_PEERS_HTTPS_ONLY = True
    genuine = city.method("Kiezspaziergang")
    assert apply(peer, genuine).held == 1
    assert "https only" in HeldDocument.objects.get(iri=genuine["id"]).reason
    origin_pin(descriptor=city.descriptor(), source=KeyPin.Source.OPERATOR)
    RejectedCopy.objects.create(iri=genuine["id"], version=2, origin=city.iri, reason="proof not verified")
    mirror_catch_up()
    assert city.requests == []


@pytest.mark.django_db
def test_what_waits_for_an_origin_this_node_blocks_is_dropped_and_the_origin_is_not_asked(peer, city):
    genuine = city.method("Kiezspaziergang")
    city.switch("down")
    assert apply(peer, genuine).held == 1
    origin_block(origin=city.iri, reason="Spam")
    city.switch("healthy")
    all_due()
    assert mirror_catch_up().applied == 0
    assert not HeldDocument.objects.exists() and city.requests == []
    assert "origin blocked" in apply(peer, city.method("Noch einer")).rejections[0]["reason"]
