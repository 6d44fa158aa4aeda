"""Rotating and revoking this node's own key (protocol section 3): the key files, the descriptor's proof
chain, and what is signed with which key afterwards."""

from __future__ import annotations

import io
import stat
from datetime import timedelta

import orjson
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from federation.codecs import from_document
from federation.keyring import descriptor_chain, fingerprint, keyring_described, proof_created
from federation.models import NodeKey
from federation.proofs import verify
from federation.rotation import RotationError, key_revoke, key_rotate
from hub import identity
from hub.models import ChangeLogEntry, Lab, Node
from hub.roles import SYSTEM, RoleRequired
from methods.models import MethodCard
from methods.services import method_create


def stored(iri: str) -> dict:
    return orjson.loads(ChangeLogEntry.objects.get(iri=iri).document)


def descriptor(node: Node) -> dict:
    return stored(node.iri)


def create_method(lab, title: str) -> MethodCard:
    return method_create(actor=SYSTEM, title=title, summary="Gehen und fragen", phase="erkunden", lab=lab,
                         steps=[{"title": "Losgehen"}])


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_key", "--yes", *args, stdout=out)
    return out.getvalue()


def signer_of(document: dict) -> str:
    return document["proof"]["verificationMethod"]


def verifies(document: dict, described: dict) -> bool:
    """Whether the document verifies against the keys a descriptor lists, as a peer that trusts it checks."""
    decoded = from_document(described)
    try:
        verify(document, keyring_described(decoded.iri, decoded.related["keys"]).lookup(proof_created(document)))
    except Exception:  # noqa: BLE001 (any refusal counts)
        return False
    return True


@pytest.fixture
def published(node, lab) -> MethodCard:
    """A method signed with the first key, and the descriptor published once."""
    method = create_method(lab, "Kiezspaziergang")
    assert ChangeLogEntry.objects.filter(iri=node.iri).exists()
    return method


@pytest.mark.django_db
def test_rotate_key_makes_key_2_keeps_key_1_as_retired_file_and_chains_the_descriptor(
    node, published, lab, node_key_path, django_capture_on_commit_callbacks
):
    old_public = node.public_key_multibase
    version_before = descriptor(node)["version"]
    with django_capture_on_commit_callbacks(execute=True):
        out = rotate()
    node.refresh_from_db()

    assert f"this node signs with {node.iri}#key-2" in out and f"{node.iri}#key-1 is retired" in out
    assert node.key_id == node.iri + "#key-2" and node.public_key_multibase != old_public
    retired_file = node_key_path.parent / "retired-keys" / "key-1.pem"
    assert identity.public_key_multibase(identity.key_load(retired_file)) == old_public
    assert stat.S_IMODE(retired_file.stat().st_mode) == 0o600
    assert identity.public_key_multibase(identity.key_load(node_key_path)) == node.public_key_multibase
    assert not identity.next_key_path().exists()

    document = descriptor(node)
    assert document["version"] == version_before + 1
    assert document["verificationMethod"][0] == {
        "id": node.iri + "#key-2", "type": "Multikey", "controller": node.iri,
        "publicKeyMultibase": node.public_key_multibase,
    }
    assert document["verificationMethod"][1]["id"] == node.iri + "#key-1"
    assert document["verificationMethod"][1]["publicKeyMultibase"] == old_public
    assert "retired" in document["verificationMethod"][1]
    assert document["assertionMethod"] == [node.iri + "#key-2", node.iri + "#key-1"]
    proofs = document["proof"]
    assert [proof["verificationMethod"] for proof in proofs] == [node.iri + "#key-1", node.iri + "#key-2"]
    assert proofs[1]["previousProof"] == proofs[0]["id"]
    assert [key.id for key in descriptor_chain(document, from_document(document))] == [
        node.iri + "#key-1", node.iri + "#key-2"]

    old = stored(published.iri)
    assert signer_of(old) == node.iri + "#key-1" and verifies(old, document)  # never signed again
    fresh = create_method(lab, "Ideenwand")
    assert signer_of(stored(fresh.iri)) == node.iri + "#key-2" and verifies(stored(fresh.iri), document)
    rows = {row.key_id: row.status for row in NodeKey.objects.filter(node=node)}
    assert rows == {node.iri + "#key-1": "retired", node.iri + "#key-2": "current"}


@pytest.mark.django_db
def test_a_rotation_interrupted_before_its_key_file_moved_still_signs_and_is_finished_next_time(
    node, published, lab, node_key_path, django_capture_on_commit_callbacks
):
    key_rotate(actor=SYSTEM)  # the commit hooks of a test transaction never run: the new key stays in .next
    node.refresh_from_db()
    assert identity.next_key_path().exists()
    assert identity.public_key_multibase(identity.key_load(node_key_path)) != node.public_key_multibase

    assert signer_of(stored(create_method(lab, "Ideenwand").iri)) == node.iri + "#key-2"
    with django_capture_on_commit_callbacks(execute=True):
        key_rotate(actor=SYSTEM)
    node.refresh_from_db()
    assert node.key_id == node.iri + "#key-3"
    assert identity.public_key_multibase(identity.key_load(node_key_path)) == node.public_key_multibase
    kept = sorted(path.name for path in (node_key_path.parent / "retired-keys").iterdir())
    assert kept == ["key-1.pem", "key-2.pem"]
    proofs = descriptor(node)["proof"]
    assert [proof["verificationMethod"].rsplit("#")[1] for proof in proofs] == ["key-1", "key-2", "key-3"]
    assert proofs[1]["previousProof"] == proofs[0]["id"] and proofs[2]["previousProof"] == proofs[1]["id"]


@pytest.mark.django_db
def test_only_node_administrators_rotate_or_revoke(node):
    editor = User.objects.create_user("redaktion")
    with pytest.raises(RoleRequired):
        key_rotate(actor=editor)
    with pytest.raises(RoleRequired):
        key_revoke(actor=editor)
    assert not identity.next_key_path().exists()
    assert Node.objects.get(is_local=True).key_id == node.iri + "#key-1"


@pytest.mark.django_db
def test_rotate_key_without_yes_asks_and_changes_nothing_without_yes(node, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda: "no")
    with pytest.raises(CommandError, match="not rotated"):
        call_command("rotate_key", stdout=io.StringIO())
    assert Node.objects.get(is_local=True).key_id == node.iri + "#key-1"


@pytest.mark.django_db
def test_a_rotation_refuses_a_key_file_that_is_not_the_nodes_key(node, node_key_path):
    node_key_path.unlink()
    identity.key_create(node_key_path)  # someone put another key in place
    with pytest.raises(RotationError, match="not the key this node signs with"):
        key_rotate(actor=SYSTEM)


@pytest.mark.django_db
def test_revoke_key_revokes_every_key_and_signs_the_descriptor_with_the_new_key_alone(
    node, published, lab, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        key_rotate(actor=SYSTEM)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("revoke_key", "--yes", stdout=out)
    node.refresh_from_db()

    text = out.getvalue()
    assert f"Revoked {node.iri}#key-2, {node.iri}#key-1" in text
    assert fingerprint(node.public_key_multibase) in text and f"peer repin {node.iri} --key {node.public_key_multibase}" in text
    document = descriptor(node)
    assert isinstance(document["proof"], dict) and signer_of(document) == node.iri + "#key-3"
    methods = {method["id"]: method for method in document["verificationMethod"]}
    assert set(methods) == {node.iri + "#key-3", node.iri + "#key-2", node.iri + "#key-1"}
    assert "revoked" in methods[node.iri + "#key-1"] and "revoked" in methods[node.iri + "#key-2"]
    assert verifies(stored(published.iri), document)  # signed before the revocation: still valid


@pytest.mark.django_db
def test_revoke_key_since_an_earlier_time_signs_again_what_this_node_signed_since_then(
    node, lab, monkeypatch, django_capture_on_commit_callbacks
):
    an_hour_ago = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with monkeypatch.context() as patch:
        patch.setattr("federation.proofs._now", lambda: an_hour_ago)
        before = create_method(lab, "Vorher")
    after = create_method(lab, "Nachher")
    after_doc = stored(after.iri)
    with django_capture_on_commit_callbacks(execute=True):
        rotation = key_revoke(actor=SYSTEM, since=timezone.now() - timedelta(minutes=30))
    node.refresh_from_db()

    assert rotation.resigned == 2  # "Nachher" and the lab, made when the node was
    assert signer_of(stored(lab.iri)) == node.iri + "#key-2"
    document = descriptor(node)
    assert not verifies(after_doc, document)  # the old copy is refused from the revocation on
    again = stored(after.iri)
    assert again["version"] == after_doc["version"] + 1 and signer_of(again) == node.iri + "#key-2"
    assert verifies(again, document) and verifies(stored(before.iri), document)
    assert stored(before.iri)["version"] == 1


@pytest.mark.django_db
def test_revoke_key_refuses_a_revocation_time_in_the_future(node):
    with pytest.raises(RotationError, match="future"):
        key_revoke(actor=SYSTEM, since=timezone.now() + timedelta(hours=1))


@pytest.mark.django_db
def test_a_bundle_exported_after_a_rotation_moves_with_the_key_history(
    node, published, lab, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        key_rotate(actor=SYSTEM)
    fresh = create_method(lab, "Ideenwand")
    documents = {iri: stored(iri) for iri in (published.iri, fresh.iri)}
    path = tmp_path / "bundle.json"
    call_command("export", str(path), stdout=io.StringIO())
    for model in (MethodCard, Lab):
        model.objects.all().delete()
    ChangeLogEntry.objects.all().delete()
    NodeKey.objects.all().delete()
    Node.objects.all().delete()  # a fresh database; the key files stay

    call_command("import", str(path), stdout=io.StringIO())
    node = Node.objects.get(is_local=True)
    assert node.key_id == node.iri + "#key-2"
    assert {iri: stored(iri) for iri in documents} == documents  # #key-1's and #key-2's proofs, as signed
    assert dict(NodeKey.objects.filter(node=node).values_list("key_id", "status")) == {
        node.iri + "#key-1": "retired", node.iri + "#key-2": "current"}
    next_lab_change = create_method(Lab.objects.get(origin=node), "Danach")
    assert signer_of(stored(next_lab_change.iri)) == node.iri + "#key-2"
