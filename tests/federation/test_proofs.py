"""Tests for eddsa-jcs-2022 and eddsa-rdfc-2022 Data Integrity proofs."""

import copy
import json
from typing import Any

import base58
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from federation.proofs import JCS, RDFC, ProofError, sign_jcs, sign_rdfc, verify
from hub import multikey

from .conftest import ITEM_CONTEXT, NODE_KEY_ID, VECTORS, read_vector

SUITES = {
    JCS: ("JCS", lambda document, key, config, loader: sign_jcs(document, key, *config)),
    RDFC: (
        "DataInt",
        lambda document, key, config, loader: sign_rdfc(document, key, *config, loader=loader),
    ),
}


def _sign_vector(suite: str, key, loader) -> dict[str, Any]:
    """Sign the W3C unsigned credential as the suite's proof configuration says."""
    suffix, sign = SUITES[suite]
    config = read_vector(f"proofConfig{suffix}.json")
    arguments = (config["verificationMethod"], config["created"], config["proofPurpose"])
    return sign(read_vector("unsigned.json"), key, arguments, loader)


@pytest.mark.parametrize("suite", SUITES)
def test_signing_the_w3c_vector_reproduces_its_signature(suite, vector_key, vector_loader):
    signed = _sign_vector(suite, vector_key, vector_loader)
    expected = (VECTORS / f"sigBTC58{SUITES[suite][0]}.txt").read_text().strip()
    assert signed["proof"]["proofValue"] == expected


@pytest.mark.parametrize("suite", SUITES)
def test_signing_the_w3c_vector_reproduces_the_signed_file_byte_for_byte(
    suite, vector_key, vector_loader
):
    signed = _sign_vector(suite, vector_key, vector_loader)
    expected = (VECTORS / f"signed{SUITES[suite][0]}.json").read_text(encoding="utf-8")
    assert json.dumps(signed, indent=2, ensure_ascii=False) == expected


@pytest.mark.parametrize("suite", SUITES)
def test_published_w3c_signed_vector_verifies(suite, vector_lookup, vector_loader):
    verify(read_vector(f"signed{SUITES[suite][0]}.json"), vector_lookup, loader=vector_loader)


def _tampered_value(document: dict) -> None:
    document["credentialSubject"]["alumniOf"] = "The School of Forgery"


def _tampered_created(document: dict) -> None:
    document["proof"]["created"] = "2023-02-24T23:36:39Z"


def _tampered_signature(document: dict) -> None:
    value = document["proof"]["proofValue"]
    document["proof"]["proofValue"] = value[:-2] + ("22" if value[-2:] != "22" else "33")


@pytest.mark.parametrize("tamper", [_tampered_value, _tampered_created, _tampered_signature])
@pytest.mark.parametrize("suite", SUITES)
def test_tampered_w3c_vector_fails_with_a_signature_mismatch(
    suite, tamper, vector_lookup, vector_loader
):
    document = read_vector(f"signed{SUITES[suite][0]}.json")
    tamper(document)
    with pytest.raises(ProofError, match="signature does not match"):
        verify(document, vector_lookup, loader=vector_loader)


@pytest.mark.parametrize("suite", SUITES)
def test_w3c_vector_fails_against_another_key(suite, vector_loader):
    document = read_vector(f"signed{SUITES[suite][0]}.json")
    other_key = multikey.generate_key().public_key()
    with pytest.raises(ProofError, match="signature does not match"):
        verify(document, lambda url: other_key, loader=vector_loader)


def test_signed_event_verifies(signed_event, node_lookup):
    verify(signed_event, node_lookup)


def test_signed_event_proof_carries_the_document_context(signed_event):
    assert signed_event["proof"]["@context"] == ITEM_CONTEXT
    assert signed_event["proof"]["verificationMethod"] == NODE_KEY_ID


def test_signed_event_survives_a_json_round_trip(signed_event, node_lookup):
    verify(orjson.loads(orjson.dumps(signed_event)), node_lookup)


def test_rdfc_signed_event_verifies(event, node_key, node_lookup):
    verify(sign_rdfc(event, node_key, NODE_KEY_ID), node_lookup)


def test_signing_leaves_the_input_unchanged(event, node_key):
    original = copy.deepcopy(event)
    sign_jcs(event, node_key, NODE_KEY_ID)
    assert event == original


def test_signing_a_document_that_has_a_proof_is_refused(signed_event, node_key):
    with pytest.raises(ValueError, match="already has a proof"):
        sign_jcs(signed_event, node_key, NODE_KEY_ID)


def test_signing_with_a_malformed_created_is_refused(event, node_key):
    with pytest.raises(ValueError, match="dateTimeStamp"):
        sign_jcs(event, node_key, NODE_KEY_ID, created="2025-04-01 09:30:00")


def test_signing_without_created_stamps_the_current_second(event, node_key, node_lookup):
    signed = sign_jcs(event, node_key, NODE_KEY_ID)
    assert signed["proof"]["created"].endswith("Z") and len(signed["proof"]["created"]) == 20
    verify(signed, node_lookup)


def _without_proof(document: dict) -> None:
    del document["proof"]


def _set(path: str, value: Any):
    """Return a tampering step that sets a (dotted) field of the signed document."""

    def tamper(document: dict) -> None:
        *parents, leaf = path.split(".")
        target = document
        for parent in parents:
            target = target[parent]
        target[leaf] = value

    tamper.__name__ = f"set {path}"
    return tamper


REJECTIONS = [
    (_without_proof, "has no proof"),
    (_set("proof", [{"type": "DataIntegrityProof"}]), "single JSON object"),
    (_set("proof.type", "Ed25519Signature2020"), "unsupported proof type"),
    (_set("proof.cryptosuite", "ecdsa-jcs-2019"), "unsupported cryptosuite"),
    (_set("proof.proofPurpose", "authentication"), "proof purpose"),
    (
        _set("proof.verificationMethod", "http://127.0.0.1:8002/#key-1"),
        "unknown verification method",
    ),
    (_set("proof.verificationMethod", {"id": NODE_KEY_ID}), "must be a URL string"),
    (_set("proof.proofValue", "u" + "A" * 86), "starting with 'z'"),
    (_set("proof.proofValue", "z0OIl"), "not valid base58btc"),
    (_set("proof.proofValue", "z" + base58.b58encode(bytes(range(1, 31))).decode()), "holds 30"),
    (_set("proof.created", "yesterday"), "created 'yesterday' is not"),
    (_set("proof.expires", "2020-01-01T00:00:00Z"), "expired"),
    (
        _set("@context", [*ITEM_CONTEXT, "https://www.w3.org/ns/activitystreams"]),
        "@context differs",
    ),
    (_set("@context", ["https://example.org/other/v1"]), "unknown JSON-LD context"),
    (_set("proof.@context", ["https://example.org/other/v1"]), "unknown JSON-LD context"),
    (_set("location", {"@context": {"name": "https://schema.org/name"}}), "must be context URLs"),
]


@pytest.mark.parametrize(
    "tamper,reason", REJECTIONS, ids=[tamper.__name__ for tamper, _ in REJECTIONS]
)
def test_verify_rejects_with_a_clear_reason(signed_event, node_lookup, tamper, reason):
    tamper(signed_event)
    with pytest.raises(ProofError, match=reason):
        verify(signed_event, node_lookup)


def test_verify_rejects_a_document_that_is_not_an_object(node_lookup):
    with pytest.raises(ProofError, match="must be a JSON object"):
        verify([], node_lookup)


def test_verify_rejects_a_lookup_result_that_is_not_an_ed25519_key(signed_event):
    with pytest.raises(ProofError, match="not an Ed25519 key"):
        verify(signed_event, lambda url: "z6Mk…")


def test_verify_accepts_another_purpose_when_asked(event, node_key, node_lookup):
    signed = sign_jcs(event, node_key, NODE_KEY_ID, proof_purpose="authentication")
    verify(signed, node_lookup, proof_purpose="authentication")


def test_rdfc_proof_over_a_property_no_context_defines_is_refused(event, node_key, node_lookup):
    signed = sign_rdfc(event, node_key, NODE_KEY_ID)
    signed["undefinedTerm"] = "added after signing, invisible to RDF canonicalisation"
    with pytest.raises(ProofError, match="would drop the property"):
        verify(signed, node_lookup)


def test_jcs_proof_covers_fields_that_no_context_defines(signed_event, node_lookup):
    signed_event["undefinedTerm"] = "added after signing"
    with pytest.raises(ProofError, match="signature does not match"):
        verify(signed_event, node_lookup)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text().filter(lambda key: key != "@context"), children, max_size=5)
    ),
    max_leaves=30,
)
documents = st.dictionaries(
    st.text().filter(lambda key: key not in ("@context", "proof")), json_values, max_size=8
).map(lambda fields: {"@context": list(ITEM_CONTEXT), **fields})


@settings(max_examples=150, deadline=None)
@given(document=documents)
def test_jcs_sign_then_verify_round_trips_any_json_document(document):
    key = multikey.generate_key()
    signed = sign_jcs(document, key, NODE_KEY_ID)
    received = orjson.loads(orjson.dumps(signed))
    verify(received, {NODE_KEY_ID: key.public_key()}.__getitem__)
