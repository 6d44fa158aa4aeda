"""Proof chains (W3C Data Integrity "Add Proof Set/Chain", "Verify Proof Sets and Chains"), hostile cases first.

A descriptor that changes a node's key carries one: the old key's proof first, the new key's naming it
(protocol section 3); items keep their single proof object.
"""

from __future__ import annotations

import copy

import pytest

from federation.jsonld import read_manifest
from federation.proofs import (
    MAX_CHAIN,
    RDFC,
    ProofError,
    sign_jcs,
    sign_jcs_chain,
    verify,
    verify_chain,
)
from hub import multikey

from .conftest import CONTEXT_MANIFEST, ITEM_CONTEXT, NODE, run_node

KEY_1, KEY_2, KEY_3 = NODE + "#key-1", NODE + "#key-2", NODE + "#key-3"


@pytest.fixture
def old():
    return multikey.generate_key()


@pytest.fixture
def new():
    return multikey.generate_key()


def lookup(*pairs):
    keys = {method: key.public_key() for method, key in pairs}
    return keys.__getitem__


@pytest.fixture
def document() -> dict:
    return {"@context": list(ITEM_CONTEXT), "id": NODE, "type": "Node", "name": "Zukunftswerk Wiesbaden"}


# --- proofs: the chain as the Recommendation defines it ------------------------------------------


def test_a_chain_of_the_old_then_the_new_key_verifies_in_order(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    proofs = verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))
    assert [proof["verificationMethod"] for proof in proofs] == [KEY_1, KEY_2]
    assert proofs[1]["previousProof"] == proofs[0]["id"] and proofs[0]["id"].startswith("urn:uuid:")
    assert "previousProof" not in proofs[0] and "id" not in proofs[1]


def test_a_chain_of_one_signer_is_a_single_proof_object_as_every_item_carries(document, old):
    signed = sign_jcs_chain(document, [(old, KEY_1)])
    assert isinstance(signed["proof"], dict) and "id" not in signed["proof"]
    verify(signed, lookup((KEY_1, old)))
    assert verify_chain(signed, lookup((KEY_1, old))) == [signed["proof"]]


def test_an_item_with_a_list_of_proofs_is_still_refused_by_the_single_proof_check(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    with pytest.raises(ProofError, match="single JSON object"):
        verify(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_a_chain_in_the_wrong_list_order_is_refused(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["proof"].reverse()
    with pytest.raises(ProofError, match="first proof of a chain must not name a previous proof"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_a_chain_missing_its_first_proof_is_refused(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2), (multikey.generate_key(), KEY_3)])
    del chained["proof"][0]
    with pytest.raises(ProofError, match="must not name a previous proof"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_a_proof_naming_a_proof_that_is_not_just_before_it_is_refused(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["proof"][1]["previousProof"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    with pytest.raises(ProofError, match="not the proof just before it"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_a_branching_previous_proof_list_is_refused(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["proof"][1]["previousProof"] = [chained["proof"][0]["id"]]
    with pytest.raises(ProofError, match="branching chains are not supported"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_two_unlinked_proofs_a_proof_set_are_refused(document, old, new):
    first, second = sign_jcs(document, old, KEY_1), sign_jcs(document, new, KEY_2)
    with pytest.raises(ProofError, match="must name the proof before it"):
        verify_chain({**document, "proof": [first["proof"], second["proof"]]}, lookup((KEY_1, old), (KEY_2, new)))


def test_a_tampered_document_fails_every_proof_of_the_chain(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["name"] = "Schattenlabor"
    with pytest.raises(ProofError, match="proof 1 of the chain"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_the_last_proof_covers_the_one_before_it(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    other = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["proof"][0] = other["proof"][0]  # a valid first proof, but not the one the second signed over
    chained["proof"][1]["previousProof"] = other["proof"][0]["id"]
    with pytest.raises(ProofError, match="proof 2 of the chain"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_a_chain_signed_by_an_unknown_key_is_refused(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    with pytest.raises(ProofError, match="unknown verification method"):
        verify_chain(chained, lookup((KEY_1, old)))


def test_a_chain_is_eddsa_jcs_2022_only(document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["proof"][1]["cryptosuite"] = RDFC
    with pytest.raises(ProofError, match="eddsa-jcs-2022 only"):
        verify_chain(chained, lookup((KEY_1, old), (KEY_2, new)))


def test_a_chain_longer_than_the_limit_is_refused_before_any_signature_is_checked(document, old):
    chained = sign_jcs_chain(document, [(old, KEY_1), (old, KEY_2)])
    chained["proof"] = [copy.deepcopy(chained["proof"][0]) for _ in range(MAX_CHAIN + 1)]
    with pytest.raises(ProofError, match=f"at most {MAX_CHAIN} proofs"):
        verify_chain(chained, lookup((KEY_1, old)))


# --- independent verification ----------------------------------------------------------------------


def chain_verdict(document: dict, keys: list[tuple[str, object]]) -> dict:
    """Digital Bazaar's libraries verify each proof over the document with the proofs it names (verify-chain.mjs)."""
    methods = [multikey.verification_method(key.public_key(), key_id=method, controller=NODE) for method, key in keys]
    controller = {"@context": [*ITEM_CONTEXT, "https://w3id.org/security/multikey/v1"], "id": NODE,
                  "verificationMethod": methods, "assertionMethod": [method for method, _key in keys]}
    return run_node("verify-chain.mjs", {"document": document, "controller": controller,
                                         "contexts": read_manifest(CONTEXT_MANIFEST)})


def test_js_verifies_our_proof_chain(node_modules, document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    verdict = chain_verdict(chained, [(KEY_2, new), (KEY_1, old)])
    assert verdict["verified"] is True, verdict


def test_js_refuses_our_chain_once_its_first_proof_is_tampered_with(node_modules, document, old, new):
    chained = sign_jcs_chain(document, [(old, KEY_1), (new, KEY_2)])
    chained["proof"][0]["created"] = "2020-01-01T00:00:00Z"
    verdict = chain_verdict(chained, [(KEY_2, new), (KEY_1, old)])
    assert verdict["verified"] is False
    assert [result["verified"] for result in verdict["results"]] == [False, False]
