"""Checks our proofs and canonical N-Quads against Digital Bazaar's JavaScript implementations.

Needs Node.js and npm; the first test installs tests/federation/js/node_modules with `npm ci`.
"""

import copy
import random
from typing import Any

import pytest

from federation.jsonld import BUNDLED, canonize, read_manifest
from federation.proofs import sign_jcs
from hub import multikey

from .conftest import CONTEXT_MANIFEST, ITEM_CONTEXT, NODE, NODE_KEY_ID, js_verify, run_node

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
VOCABULARY = "https://w3id.org/stadtlabor/v1"


def _controller(node_key, context: list[str]) -> dict[str, Any]:
    """Return the node's controller document naming its key for assertions."""
    method = multikey.verification_method(
        node_key.public_key(), key_id=NODE_KEY_ID, controller=NODE
    )
    return {
        "@context": context,
        "id": NODE,
        "verificationMethod": [method],
        "assertionMethod": [NODE_KEY_ID],
    }


def test_js_verifies_our_jcs_proof(node_modules, signed_event, node_key):
    verdict = js_verify(signed_event, _controller(node_key, [DID_CONTEXT, MULTIKEY_CONTEXT]))
    assert verdict == {"verified": True, "error": None}


def test_js_rejects_a_tampered_copy_of_our_proof(node_modules, signed_event, node_key):
    tampered = copy.deepcopy(signed_event)
    tampered["name"] += "!"
    verdict = js_verify(tampered, _controller(node_key, [DID_CONTEXT, MULTIKEY_CONTEXT]))
    assert verdict["verified"] is False
    assert "Invalid signature" in verdict["error"]


def test_js_rejects_our_proof_against_another_key(node_modules, signed_event):
    other = multikey.generate_key()
    verdict = js_verify(signed_event, _controller(other, [DID_CONTEXT, MULTIKEY_CONTEXT]))
    assert verdict["verified"] is False


def test_js_verifies_unicode_text_and_numbers(node_modules, event, node_key):
    event.update({"name": 'Ümläut 😀 \u2028 \x00 "quoted" \\', "maximumAttendeeCapacity": 40})
    signed = sign_jcs(event, node_key, NODE_KEY_ID)
    verdict = js_verify(signed, _controller(node_key, [DID_CONTEXT, MULTIKEY_CONTEXT]))
    assert verdict == {"verified": True, "error": None}


def test_js_accepts_a_node_descriptor_as_controller_document(node_modules, signed_event, node_key):
    """Protocol section 1: the descriptor's contexts must let verifiers find assertionMethod."""
    terms = BUNDLED(VOCABULARY)["document"]["@context"]
    if not {"verificationMethod", "assertionMethod"} <= terms.keys():
        pytest.skip("the bundled Stadtlabor vocabulary does not define verificationMethod yet")
    controller = _controller(node_key, [*ITEM_CONTEXT, MULTIKEY_CONTEXT])
    assert js_verify(signed_event, controller) == {"verified": True, "error": None}


def _literal(rng: random.Random) -> str:
    """Return a short string rich in characters that N-Quads escapes."""
    alphabet = [chr(code) for code in [*range(0x20), 0x22, 0x5C, 0x7F]] + list("az é😀\u2028")
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))


def _document_with_blank_nodes(rng: random.Random) -> dict[str, Any]:
    """Return a document whose blank nodes differ only in escaped literals."""
    part = "https://w3id.org/stadtlabor/ns#part"
    name = "https://schema.org/name"
    return {
        "@context": [ITEM_CONTEXT[1]],
        "@id": NODE + "events/1",
        name: _literal(rng),
        part: [{name: _literal(rng), part: {name: _literal(rng)}} for _ in range(3)],
    }


def test_canonize_agrees_with_rdf_canonize(node_modules):
    rng = random.Random(2022)
    documents = [_document_with_blank_nodes(rng) for _ in range(40)]
    payload = {"documents": documents, "contexts": read_manifest(CONTEXT_MANIFEST)}
    assert [canonize(document) for document in documents] == run_node("canonize.mjs", payload)
