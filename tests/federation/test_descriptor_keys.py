"""The descriptor's keys and its rotation chain (protocol section 3), hostile cases first: a node that
pinned a key accepts another one for that node only from a descriptor whose proof chain the pinned key
signed, the old key first and the new key last."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from federation.codecs import DescribedKey, DocumentError, from_document, node_to_document
from federation.jsonld import canonize
from federation.keyring import descriptor_chain, keyring_described, rotation_refusal
from federation.proofs import sign_jcs, sign_jcs_chain
from hub import multikey
from hub.models import Node

from .conftest import ITEM_CONTEXT, NODE, js_verify

KEY_1, KEY_2, KEY_3 = NODE + "#key-1", NODE + "#key-2", NODE + "#key-3"
ROTATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def old():
    return multikey.generate_key()


@pytest.fixture
def new():
    return multikey.generate_key()


def public(key) -> str:
    return multikey.encode_public_key(key.public_key())


def descriptor(keys: list[DescribedKey], signers: list) -> dict:
    node = Node(iri=NODE, name="Zukunftswerk Wiesbaden", city="Wiesbaden", public_key_multibase=keys[0].key,
                version=2, date_modified=ROTATED)
    return sign_jcs_chain(node_to_document(node, [], keys), signers)


def rotation(old, new) -> list[DescribedKey]:
    return [DescribedKey(id=KEY_2, key=public(new)), DescribedKey(id=KEY_1, key=public(old), retired=ROTATED)]


def pinned(key) -> object:
    return keyring_described(NODE, [DescribedKey(id=KEY_1, key=public(key))])


def test_a_rotation_signed_by_the_pinned_key_first_is_accepted(old, new):
    document = descriptor(rotation(old, new), [(old, KEY_1), (new, KEY_2)])
    decoded = from_document(document)
    signers = descriptor_chain(document, decoded)
    assert [signer.id for signer in signers] == [KEY_1, KEY_2]
    assert decoded.fields["public_key_multibase"] == public(new) and decoded.fields["key_id"] == KEY_2
    assert rotation_refusal(decoded, signers, pinned(old)) is None


def test_a_rotation_chain_in_the_wrong_order_is_refused(old, new):
    document = descriptor(rotation(old, new), [(new, KEY_2), (old, KEY_1)])
    with pytest.raises(DocumentError, match="last proof of the descriptor's chain must be made by its current key"):
        descriptor_chain(document, from_document(document))


def test_a_new_key_signed_only_by_itself_is_a_forged_rotation(old, new):
    document = descriptor(rotation(old, new), [(new, KEY_2)])
    decoded = from_document(document)
    refusal = rotation_refusal(decoded, descriptor_chain(document, decoded), pinned(old))
    assert "conflicts with the key pinned for this node" in refusal and "the pinned key is kept" in refusal


def test_a_forged_rotation_naming_its_own_key_as_the_old_one_is_refused(old, new):
    forger_old = multikey.generate_key()
    document = descriptor(rotation(forger_old, new), [(forger_old, KEY_1), (new, KEY_2)])
    decoded = from_document(document)
    assert "a new key is accepted only from a rotation that the pinned key signed" in rotation_refusal(decoded, descriptor_chain(document, decoded), pinned(old))


def test_a_descriptor_with_a_new_key_signed_only_by_the_old_key_is_refused(old, new):
    document = descriptor(rotation(old, new), [(old, KEY_1)])
    with pytest.raises(DocumentError, match="must be made by its current key"):
        descriptor_chain(document, from_document(document))


def test_a_rotation_descriptor_tampered_with_after_signing_is_refused(old, new):
    document = descriptor(rotation(old, new), [(old, KEY_1), (new, KEY_2)])
    document["name"] = "Schattenlabor"
    with pytest.raises(DocumentError, match="does not verify against the keys it lists"):
        descriptor_chain(document, from_document(document))


def test_a_revoked_key_vouches_for_nothing_in_a_chain(old, new):
    keys = [DescribedKey(id=KEY_2, key=public(new)), DescribedKey(id=KEY_1, key=public(old), revoked=ROTATED)]
    document = descriptor(keys, [(old, KEY_1), (new, KEY_2)])
    with pytest.raises(DocumentError, match="only retired keys sign before the current key"):
        descriptor_chain(document, from_document(document))


def test_a_revocation_of_the_pinned_key_is_refused_and_names_the_repin_with_the_fingerprint(old, new):
    keys = [DescribedKey(id=KEY_2, key=public(new)), DescribedKey(id=KEY_1, key=public(old), revoked=ROTATED)]
    document = descriptor(keys, [(new, KEY_2)])
    decoded = from_document(document)
    refusal = rotation_refusal(decoded, descriptor_chain(document, decoded), pinned(old))
    assert "which it says was revoked at 2026-12-01 09:00:00Z" in refusal
    assert f"manage.py peer repin {NODE} --key {public(new)}" in refusal and "SHA256:" in refusal


def test_a_peer_that_missed_two_rotations_follows_the_whole_chain(old, new):
    third = multikey.generate_key()
    keys = [DescribedKey(id=KEY_3, key=public(third)), DescribedKey(id=KEY_2, key=public(new), retired=ROTATED),
            DescribedKey(id=KEY_1, key=public(old), retired=ROTATED)]
    document = descriptor(keys, [(old, KEY_1), (new, KEY_2), (third, KEY_3)])
    decoded = from_document(document)
    assert rotation_refusal(decoded, descriptor_chain(document, decoded), pinned(old)) is None


@pytest.mark.parametrize("change, message", [
    (lambda d: d.__setitem__("assertionMethod", [KEY_2]), "same ids, in the same order"),
    (lambda d: d["verificationMethod"][1].pop("retired"), "exactly one current key"),
    (lambda d: d["verificationMethod"][1].__setitem__("revoked", "2026-12-01T09:00:00Z"), "either retired or revoked"),
    (lambda d: d["verificationMethod"][1].__setitem__("id", "https://elsewhere.example/#key-1"), "a key's id must be"),
    (lambda d: d["verificationMethod"][1].__setitem__("publicKeyMultibase", d["verificationMethod"][0]["publicKeyMultibase"]),
     "names a key id or a key twice"),
])
def test_a_descriptor_whose_key_list_is_malformed_is_refused(old, new, change, message):
    document = descriptor(rotation(old, new), [(old, KEY_1), (new, KEY_2)])
    change(document)
    with pytest.raises(DocumentError, match=message):
        from_document(document)


def test_retired_and_revoked_are_defined_terms_that_rdf_canonicalisation_keeps(old, new):
    third = multikey.generate_key()
    keys = [DescribedKey(id=KEY_3, key=public(third)), DescribedKey(id=KEY_2, key=public(new), revoked=ROTATED),
            DescribedKey(id=KEY_1, key=public(old), retired=ROTATED)]
    unsigned = {name: value for name, value in descriptor(keys, [(third, KEY_3)]).items() if name != "proof"}
    quads = canonize(unsigned)
    assert f'<{KEY_1}> <https://w3id.org/stadtlabor/ns#retired> "2026-12-01T09:00:00Z"' in quads
    assert f'<{KEY_2}> <https://w3id.org/security#revoked> "2026-12-01T09:00:00Z"' in quads


def test_js_verifies_old_and_new_items_against_the_rotated_descriptor_as_controller_document(node_modules, old, new):
    """Old items stay verifiable by independent implementations: the retired key stays under assertionMethod."""
    unsigned = {name: value for name, value in descriptor(rotation(old, new), [(new, KEY_2)]).items() if name != "proof"}
    item = {"@context": list(ITEM_CONTEXT), "id": NODE + "events/5b0f3c1e-6a43-4b8e-9d2c-0c3f6a1e2b7d",
            "type": "Event", "name": "Zukunftswerkstatt"}
    for key, method in ((old, KEY_1), (new, KEY_2)):
        assert js_verify(sign_jcs(item, key, method), unsigned) == {"verified": True, "error": None}
