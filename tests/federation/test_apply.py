"""Applying feed pages: the mirroring rules of protocol section 6, without HTTP."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

import pytest

from federation.codecs import key_id, node_to_document, tombstone_to_document
from federation.codecs.methods import method_to_document
from federation.models import KeyPin, Peer
from federation.pins import origin_pin
from federation.proofs import sign_jcs
from federation.sync import feed_apply_page
from hub.models import ChangeLogEntry, Node
from hub.multikey import encode_public_key, generate_key
from methods.models import MethodCard, MethodStep


class Origin:
    """Another node that signs its own documents."""

    def __init__(self, base: str, name: str = "Fernlabor") -> None:
        self.base, self.key = base, generate_key()
        self.node = Node(iri=base + "/", name=name, city="Fernstadt", public_key_multibase=encode_public_key(self.key.public_key()),
                         version=1, date_modified=datetime(2026, 1, 1, tzinfo=UTC))

    def sign(self, document: dict) -> dict:
        return sign_jcs(document, self.key, key_id(self.node.iri))

    def descriptor(self, **changes) -> dict:
        node = copy.copy(self.node)
        for name, value in changes.items():
            setattr(node, name, value)
        return self.sign(node_to_document(node, [f"{self.base}/labs/fern"]))

    def method(self, title: str = "Stadtspaziergang", *, version: int = 1, uuid_: str | None = None, **fields) -> dict:
        uid = uuid_ or str(uuid.uuid4())
        method = MethodCard(
            iri=f"{self.base}/methods/{uid}", origin=self.node, title=title, slug=uid, summary="Gehen und fragen",
            phase="erkunden", lab_id=f"{self.base}/labs/fern", version=version,
            date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, version, tzinfo=UTC), **fields,
        )
        return self.sign(method_to_document(method, steps=[MethodStep(title="Losgehen")]))

    def tombstone(self, iri: str, version: int) -> dict:
        return self.sign(tombstone_to_document(iri=iri, former_type="MethodCard", version=version,
                                               deleted=datetime(2026, 2, 1, tzinfo=UTC)))

    def pinned(self) -> Origin:
        """This origin with its key pinned from its own descriptor, as a sync that reached it pins it."""
        origin_pin(descriptor=self.descriptor(), source=KeyPin.Source.FETCHED)
        return self


@pytest.fixture
def origin(db) -> Origin:
    return Origin("http://127.0.0.1:8101").pinned()


@pytest.fixture
def peer(node, origin) -> Peer:
    peer_node = Node.objects.create(iri="http://127.0.0.1:8102/", name="Nachbar", city="Nachbarstadt",
                                    public_key_multibase=encode_public_key(generate_key().public_key()))
    return Peer.objects.create(node=peer_node, client_id="x", client_secret="y")


def apply(peer: Peer, *documents: dict, cursor: str = "1"):
    return feed_apply_page(peer=peer, documents=[copy.deepcopy(d) for d in documents], cursor=cursor)


@pytest.mark.django_db
def test_a_page_mirrors_a_pinned_origins_descriptor_and_items_with_their_proofs(peer, origin):
    method = origin.method()
    result = apply(peer, origin.descriptor(), method, cursor="7")
    assert (result.applied, result.skipped, result.rejections) == (2, 0, [])
    mirrored = MethodCard.objects.get(iri=method["id"])
    assert mirrored.title == "Stadtspaziergang" and not mirrored.is_local
    assert [step.title for step in mirrored.steps.all()] == ["Losgehen"]
    assert str(mirrored.uuid) == method["id"].rsplit("/", 1)[1]
    assert Node.objects.get(iri=origin.node.iri).public_key_multibase == origin.node.public_key_multibase
    stored = ChangeLogEntry.objects.get(iri=method["id"])
    assert stored.version == 1 and stored.document and '"proofValue"' in stored.document
    peer.refresh_from_db()
    assert (peer.cursor, peer.items_applied) == ("7", 2)


@pytest.mark.django_db
def test_versions_only_move_forward_and_tombstones_win(peer, origin):
    uid = str(uuid.uuid4())
    first, second = origin.method(uuid_=uid, version=1), origin.method("Neu", uuid_=uid, version=2)
    apply(peer, origin.descriptor(), second)
    assert apply(peer, first).skipped == 1
    assert MethodCard.objects.get(iri=second["id"]).title == "Neu"
    result = apply(peer, origin.tombstone(second["id"], 3))
    assert result.applied == 1
    assert not MethodCard.objects.filter(iri=second["id"]).exists()
    assert ChangeLogEntry.objects.filter(iri=second["id"], deleted=True, version=3).exists()
    late = origin.method("Wiederauferstanden", uuid_=uid, version=4)
    assert apply(peer, late).skipped == 1
    assert not MethodCard.objects.filter(iri=second["id"]).exists()


@pytest.mark.django_db
def test_every_bad_document_is_rejected_with_a_reason_and_the_good_ones_are_applied(peer, origin):
    other = Origin("http://127.0.0.1:8103", name="Anderer")
    good = origin.method("Gut")
    forged = other.sign(method_to_document(MethodCard(
        iri=f"{origin.base}/methods/{uuid.uuid4()}", origin=origin.node, title="Gefälscht", slug="x", summary="s",
        phase="erkunden", lab_id=f"{origin.base}/labs/fern", date_created=datetime(2026, 1, 1, tzinfo=UTC),
        date_modified=datetime(2026, 1, 1, tzinfo=UTC)), steps=[]))
    tampered = origin.method("Echt")
    tampered["name"] = "Verändert"
    unknown_origin = Origin("http://127.0.0.1:8104").method()  # held until its origin is reached
    bad_context = origin.method()
    bad_context["@context"] = ["http://127.0.0.1:9/evil"]
    wrong_type = origin.method()
    wrong_type["type"] = "Person"
    huge = origin.method(body="x" * 300_000)
    result = apply(peer, origin.descriptor(), good, forged, tampered, unknown_origin, bad_context, wrong_type, huge)
    reasons = {item["id"]: item["reason"] for item in result.rejections}
    assert (result.applied, result.held) == (2, 1)  # the descriptor and the good method; the stranger's waits
    assert MethodCard.objects.filter(title="Gut").exists()
    assert "proof not verified" in reasons[forged["id"]]
    assert "proof not verified" in reasons[tampered["id"]]
    assert unknown_origin["id"] not in reasons
    assert "@context must be" in reasons[bad_context["id"]]
    assert "unknown type 'Person'" in reasons[wrong_type["id"]]
    assert "the limit is 262144" in reasons[huge["id"]]
    assert MethodCard.objects.count() == 1


@pytest.mark.django_db
def test_a_conflicting_key_is_rejected_and_the_pinned_one_kept(peer, origin):
    apply(peer, origin.descriptor())
    impostor = Origin(origin.base)
    result = apply(peer, impostor.descriptor(version=2), impostor.method())
    assert [r["reason"] for r in result.rejections][0].startswith("its key")
    assert "proof not verified" in result.rejections[1]["reason"]
    assert Node.objects.get(iri=origin.node.iri).public_key_multibase == origin.node.public_key_multibase


@pytest.mark.django_db
def test_items_of_this_node_are_never_overwritten_by_copies(peer, lab, settings):
    local = Origin(settings.HUB_BASE_URL)
    result = apply(peer, local.method())
    assert result.applied == 0 and MethodCard.objects.count() == 0


@pytest.mark.django_db
def test_a_uuid_already_used_by_another_item_is_rejected(peer, origin):
    uid = str(uuid.uuid4())
    apply(peer, origin.descriptor(), origin.method(uuid_=uid))
    other = Origin("http://127.0.0.1:8105", name="Dritter").pinned()
    result = apply(peer, other.descriptor(), other.method(uuid_=uid))
    assert "uuid is already used" in result.rejections[0]["reason"]


@pytest.mark.django_db
def test_a_descriptor_claiming_this_node_with_another_key_is_rejected(peer, settings):
    impostor = Origin(settings.HUB_BASE_URL, name="Falscher Knoten")
    result = apply(peer, impostor.descriptor(version=99))
    assert result.rejections == [{"id": settings.HUB_BASE_URL + "/",
                                  "reason": "a descriptor claims to be this node with another key"}]
