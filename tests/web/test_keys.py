"""The staff's page of keys: this node's keys and the pinned keys of others, with fingerprints; the rotation
of this node's key after a confirmation, for node administrators only."""

from __future__ import annotations

import orjson
import pytest
from django.contrib.auth.models import User
from django.test import Client

from federation.codecs import DescribedKey, node_to_document
from federation.keyring import fingerprint
from federation.models import KeyPin
from federation.proofs import sign_jcs
from hub.models import Node
from hub.multikey import encode_public_key, generate_key
from hub.roles import SYSTEM, Role
from hub.services import role_grant

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def local_key_id() -> str:
    return Node.objects.get(is_local=True).key_id


def test_the_keys_page_is_for_node_administrators_only(client, lab):
    response = client.get("/staff/keys/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for name, role in [("kora", Role.COORDINATOR), ("anna", Role.LAB_EDITOR)]:
        person = User.objects.create_user(name, password="x")
        role_grant(user=person, role=role, actor=SYSTEM, **({"lab": lab} if role == Role.LAB_EDITOR else {}))
        client.force_login(person)
        assert client.get("/staff/keys/").status_code == 403
        assert client.post("/staff/keys/", {"action": "rotate", "confirmed": "1"}).status_code == 403
    assert local_key_id().endswith("#key-1")


def test_the_page_shows_this_nodes_key_and_the_pinned_keys_with_fingerprints(staff_client, node, remote_node):
    page = staff_client.get("/staff/keys/", **EN).content.decode()
    assert f"{node.iri}#key-1" in page and fingerprint(node.public_key_multibase) in page and "current" in page
    assert remote_node.iri in page and fingerprint(remote_node.public_key_multibase) in page


def test_rotating_asks_for_a_confirmation_first(staff_client, node):
    page = staff_client.post("/staff/keys/", {"action": "rotate"}, **EN).content.decode()
    assert "Rotate this node's key?" in page and fingerprint(node.public_key_multibase) in page
    assert 'name="confirmed" value="1"' in page and "csrfmiddlewaretoken" in page
    assert local_key_id() == node.iri + "#key-1"


def test_a_confirmed_rotation_signs_with_key_2_and_lists_key_1_as_retired(staff_client, node):
    response = staff_client.post("/staff/keys/", {"action": "rotate", "confirmed": "1"}, follow=True, **EN)
    page = response.content.decode()
    assert response.redirect_chain == [("/staff/keys/", 302)]
    assert f"This node signs with {node.iri}#key-2 now; {node.iri}#key-1 is retired." in page
    assert local_key_id() == node.iri + "#key-2"
    assert "retired" in page and fingerprint(node.public_key_multibase) in page  # the old key, still listed


def test_a_rotation_without_the_csrf_token_is_refused(staff, node):
    assert node.key_id.endswith("#key-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post("/staff/keys/", {"action": "rotate", "confirmed": "1"}).status_code == 403
    assert local_key_id() == node.iri + "#key-1"


def test_a_key_another_node_offers_without_the_chain_is_shown_with_its_fingerprint(staff_client, node, remote_node):
    offered = generate_key()
    offered_key = encode_public_key(offered.public_key())
    descriptor = node_to_document(
        Node(iri=remote_node.iri, name="Fernlabor", city="Fernstadt", public_key_multibase=offered_key, version=2,
             date_modified=remote_node.date_modified),
        [], [DescribedKey(id=remote_node.iri + "#key-2", key=offered_key)])
    KeyPin.objects.create(node=remote_node, source="joined", offered_at=remote_node.date_modified,
                          offered_document=orjson.dumps(sign_jcs(descriptor, offered, remote_node.iri + "#key-2")).decode())
    page = staff_client.get("/staff/keys/", **EN).content.decode()
    assert "Another key offered:" in page and fingerprint(offered_key) in page
    assert "revokes nothing: a forgery, or a lost key" in page
    assert f"manage.py peer repin {remote_node.iri} --key {offered_key}" in page


def test_revoking_after_a_leak_asks_for_a_confirmation_and_then_shows_what_to_tell_the_peers(staff_client, node):
    asked = staff_client.post("/staff/keys/", {"action": "revoke", "since": "2026-12-01T08:00"}, **EN).content.decode()
    assert "Revoke this node's keys?" in asked and 'name="confirmed" value="1"' in asked
    assert 'value="2026-12-01T08:00"' in asked and local_key_id() == node.iri + "#key-1"
    done = staff_client.post("/staff/keys/", {"action": "revoke", "since": "2026-12-01T08:00", "confirmed": "1"}, **EN)
    page = done.content.decode()
    new = Node.objects.get(is_local=True)
    assert done.status_code == 200 and new.key_id == node.iri + "#key-2"
    assert fingerprint(new.public_key_multibase) in page
    assert f"manage.py peer repin {node.iri} --key {new.public_key_multibase}" in page
    assert "revoked" in staff_client.get("/staff/keys/", **EN).content.decode()


@pytest.mark.parametrize("since", ["gestern", "2999-01-01T00:00"])
def test_a_revocation_time_that_is_no_time_or_lies_ahead_is_refused_and_nothing_changes(staff_client, node, since):
    response = staff_client.post("/staff/keys/", {"action": "revoke", "since": since, "confirmed": "1"}, **EN)
    assert response.status_code == 400 and local_key_id() == node.iri + "#key-1"
    assert 'id="id_since-error"' in response.content.decode()


def offer_key(remote_node) -> str:
    """The remote node offers a key its pinned key did not sign (as after a revocation); return that key."""
    offered = generate_key()
    offered_key = encode_public_key(offered.public_key())
    descriptor = node_to_document(
        Node(iri=remote_node.iri, name="Fernlabor", city="Fernstadt", public_key_multibase=offered_key, version=2,
             date_modified=remote_node.date_modified),
        [], [DescribedKey(id=remote_node.iri + "#key-2", key=offered_key)])
    KeyPin.objects.create(node=remote_node, source="joined", offered_at=remote_node.date_modified,
                          offered_document=orjson.dumps(sign_jcs(descriptor, offered, remote_node.iri + "#key-2")).decode())
    return offered_key


def test_an_offered_key_is_pinned_from_the_page_only_once_the_fingerprint_was_compared(staff_client, node, remote_node):
    offered_key = offer_key(remote_node)
    form = {"action": "repin", "origin": remote_node.iri, "key": offered_key}
    unconfirmed = staff_client.post("/staff/keys/", form, **EN)
    assert unconfirmed.status_code == 400 and "Confirm that you compared the fingerprint" in unconfirmed.content.decode()
    assert Node.objects.get(pk=remote_node.pk).public_key_multibase == remote_node.public_key_multibase
    done = staff_client.post("/staff/keys/", form | {"compared": "on"}, follow=True, **EN)
    assert f"The key {fingerprint(offered_key)} is pinned for {remote_node.iri} now." in done.content.decode()
    assert Node.objects.get(pk=remote_node.pk).public_key_multibase == offered_key
    assert KeyPin.objects.get(node=remote_node).source == KeyPin.Source.OPERATOR


def test_only_the_offered_key_can_be_pinned_from_the_page(staff_client, node, remote_node):
    offer_key(remote_node)
    other = encode_public_key(generate_key().public_key())
    response = staff_client.post("/staff/keys/", {"action": "repin", "origin": remote_node.iri, "key": other,
                                                  "compared": "on"}, **EN)
    assert response.status_code == 400
    assert Node.objects.get(pk=remote_node.pk).public_key_multibase == remote_node.public_key_multibase
