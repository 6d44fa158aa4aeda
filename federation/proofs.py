"""W3C Data Integrity proofs with the EdDSA cryptosuites eddsa-jcs-2022 and eddsa-rdfc-2022.

Made as the W3C Recommendation "Data Integrity EdDSA Cryptosuites v1.0" says: the proof
configuration and the document are canonicalised (JCS, RFC 8785, or RDFC-1.0), each hashed with
SHA-256, and the proof configuration hash followed by the document hash is signed with Ed25519;
``proofValue`` is "z" + base58btc of the signature.

API:

- ``sign_jcs(document, private_key, verification_method, created=None, proof_purpose=...)``: a copy
  of the document with an eddsa-jcs-2022 ``proof``; the proof carries the document's ``@context``.
- ``sign_rdfc(...)``: the same with eddsa-rdfc-2022 (and a ``loader`` for its JSON-LD contexts).
- ``verify(document, public_key_lookup, proof_purpose=..., loader=...)``: returns None or raises
  ``ProofError(reason)``. ``public_key_lookup(verification_method_url)`` returns the Ed25519 public
  key or raises ``LookupError``. eddsa-jcs-2022 verification runs no JSON-LD processing: it only
  checks that every ``@context`` is a URL the loader serves. The document carries one proof object.
- ``sign_jcs_chain(document, signers, created=None)``: a copy of the document with an eddsa-jcs-2022
  proof chain (the Recommendation's "Add Proof Set/Chain"): the first signer's proof first, each
  next proof naming the one before it in ``previousProof``; one signer makes a single proof.
- ``verify_chain(document, public_key_lookup, ...)``: verifies a single proof or a proof chain (the
  Recommendation's "Verify Proof Sets and Chains") and returns the proofs, first to last.

Proof chains, as this module makes and verifies them: the ``proof`` list is in chain order (the
first proof has no ``previousProof``, each later one names the proof just before it by its ``id``),
so a relay that reorders or drops proofs breaks the chain. Each chained proof signs the document
with ``proof`` set to the list of the proofs it names, as "Add Proof Set/Chain" says; the first
proof signs the document without ``proof``, as "Add Proof" made it (the Recommendation's
verification sets ``proof`` to an empty list there, which RDF canonicalisation drops but JCS would
not). Chains are eddsa-jcs-2022 only, linear (``previousProof`` a string), at most 16 proofs.

Stricter than the Recommendation, on purpose: a JCS proof's ``@context`` must equal the document's
(the Recommendation accepts contexts appended after signing, which would let a relaying node change
what the signed JSON means); RDFC canonicalisation refuses properties its contexts do not define
(they would be dropped and so be unsigned).
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld.jsonld import JsonLdError

from federation.jcs import canonicalize
from federation.jsonld import BUNDLED, ContextError, ContextLoader, canonize, check_contexts

JCS = "eddsa-jcs-2022"
RDFC = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
ASSERTION_METHOD = "assertionMethod"

MAX_CHAIN = 16

PublicKeyLookup = Callable[[str], Ed25519PublicKey]
Signer = tuple[Ed25519PrivateKey, str]  # a private key and the id of its verification method

_SIGNATURE_SIZE = 64
_BASE58_DIGITS = {char: digit for digit, char in enumerate(base58.BITCOIN_ALPHABET.decode())}
# XML Schema 1.1 dateTimeStamp: a dateTime with a mandatory time zone.
_DATE_TIME_STAMP = re.compile(
    r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
    r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)


class ProofError(ValueError):
    """A document whose proof is missing, malformed, unsupported or does not verify."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign_jcs(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """Return a copy of the document with an eddsa-jcs-2022 DataIntegrityProof added."""
    unsecured = _unsecured(document)
    options = _proof_options(JCS, verification_method, created, proof_purpose)
    if "@context" in unsecured:
        options["@context"] = copy.deepcopy(unsecured["@context"])
    return _with_proof(unsecured, options, private_key.sign(_jcs_hash_data(unsecured, options)))


def sign_rdfc(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
    proof_purpose: str = ASSERTION_METHOD,
    *,
    loader: ContextLoader = BUNDLED,
) -> dict[str, Any]:
    """Return a copy of the document with an eddsa-rdfc-2022 DataIntegrityProof added."""
    unsecured = _unsecured(document)
    options = _proof_options(RDFC, verification_method, created, proof_purpose)
    hash_data = _rdfc_hash_data(unsecured, options, loader)
    return _with_proof(unsecured, options, private_key.sign(hash_data))


def verify(
    document: Any,
    public_key_lookup: PublicKeyLookup,
    proof_purpose: str = ASSERTION_METHOD,
    *,
    loader: ContextLoader = BUNDLED,
) -> None:
    """Raise ProofError unless the document carries a valid EdDSA Data Integrity proof."""
    proof = _proof_of(document)
    _raise_if_malformed_proof(proof, proof_purpose)
    _raise_if_unknown_contexts(document, loader)
    signature = _decode_proof_value(proof.get("proofValue"))
    public_key = _public_key(public_key_lookup, proof["verificationMethod"])
    try:
        public_key.verify(signature, _hash_data_to_verify(document, proof, loader))
    except InvalidSignature:
        raise ProofError("the signature does not match the document and proof options") from None


def sign_jcs_chain(
    document: Mapping[str, Any], signers: Sequence[Signer], created: str | None = None
) -> dict[str, Any]:
    """Return a copy of the document with an eddsa-jcs-2022 proof chain, the first signer's proof first."""
    if not signers:
        raise ValueError("a proof chain needs at least one signer")
    if len(signers) > MAX_CHAIN:
        raise ValueError(f"a proof chain has at most {MAX_CHAIN} proofs")
    if len(signers) == 1:
        return sign_jcs(document, *signers[0], created=created)
    unsecured = _unsecured(document)
    proofs: list[dict[str, Any]] = []
    for position, (private_key, verification_method) in enumerate(signers):
        options = _proof_options(JCS, verification_method, created, ASSERTION_METHOD)
        if position < len(signers) - 1:  # the last proof is named by none
            options = {"id": f"urn:uuid:{uuid.uuid4()}", **options}
        if proofs:
            options["previousProof"] = proofs[-1]["id"]
        if "@context" in unsecured:
            options["@context"] = copy.deepcopy(unsecured["@context"])
        signature = private_key.sign(_jcs_hash_data(_chained_input(unsecured, proofs[-1:]), options))
        proofs.append(_with_proof(unsecured, options, signature)["proof"])
    return {**unsecured, "proof": proofs}


def verify_chain(
    document: Any,
    public_key_lookup: PublicKeyLookup,
    proof_purpose: str = ASSERTION_METHOD,
    *,
    loader: ContextLoader = BUNDLED,
) -> list[dict[str, Any]]:
    """Raise ProofError unless the document's single proof, or every proof of its chain, verifies;
    return the proofs from the first to the last."""
    proofs = _chain_of(document)
    if len(proofs) == 1:
        verify(document, public_key_lookup, proof_purpose, loader=loader)
        return proofs
    for proof in proofs:
        _raise_if_malformed_proof(proof, proof_purpose)
        if proof["cryptosuite"] != JCS:
            raise ProofError(f"a proof chain is verified for {JCS} only, not {proof['cryptosuite']!r}")
    _raise_if_not_linked(proofs)
    _raise_if_unknown_contexts(document, loader)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    for position, proof in enumerate(proofs):
        signature = _decode_proof_value(proof.get("proofValue"))
        public_key = _public_key(public_key_lookup, proof["verificationMethod"])
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        _raise_if_context_differs(unsecured, options)
        signed_input = _chained_input(unsecured, proofs[position - 1:position] if position else [])
        try:
            public_key.verify(signature, _jcs_hash_data(signed_input, options))
        except InvalidSignature:
            raise ProofError(
                f"proof {position + 1} of the chain ({proof['verificationMethod']}) does not match the "
                "document and the proof before it"
            ) from None
    return proofs


def _chain_of(document: Any) -> list[dict[str, Any]]:
    """The document's proofs as a list: one proof object, or the list of a chain."""
    if not isinstance(document, dict):
        raise ProofError("a signed document must be a JSON object")
    proof = document.get("proof")
    if isinstance(proof, dict):
        return [proof]
    if not isinstance(proof, list) or not proof:
        raise ProofError("the document has no proof (a proof object, or a list of proofs forming a chain)")
    if len(proof) > MAX_CHAIN:
        raise ProofError(f"a proof chain has at most {MAX_CHAIN} proofs; this one has {len(proof)}")
    if not all(isinstance(each, dict) for each in proof):
        raise ProofError("every proof of a chain must be a JSON object")
    return proof


def _raise_if_not_linked(proofs: list[dict[str, Any]]) -> None:
    """Refuse proofs that are not one chain in list order: first without previousProof, each next naming the one before."""
    if "previousProof" in proofs[0]:
        raise ProofError("the first proof of a chain must not name a previous proof (the chain is in list order)")
    ids = [proof.get("id") for proof in proofs if "id" in proof]
    if not all(isinstance(each, str) and each for each in ids) or len(set(ids)) != len(ids):
        raise ProofError("the proofs of a chain must have distinct string ids")
    for before, proof in zip(proofs, proofs[1:], strict=False):
        previous = proof.get("previousProof")
        if not isinstance(previous, str):
            raise ProofError("each proof after the first must name the proof before it in previousProof "
                             "(a string; proof sets and branching chains are not supported)")
        if previous != before.get("id"):
            raise ProofError(f"proof {proofs.index(proof) + 1} names {previous!r} as its previous proof, "
                             "not the proof just before it in the list")


def _chained_input(unsecured: Mapping[str, Any], previous: list[dict[str, Any]]) -> dict[str, Any]:
    """The document a chained proof signs: the unsecured document with the proofs it names as ``proof``."""
    return {**unsecured, "proof": copy.deepcopy(previous)} if previous else dict(unsecured)


def _hash_data_to_verify(
    document: Mapping[str, Any], proof: Mapping[str, Any], loader: ContextLoader
) -> bytes:
    """Return the hash data the proof's signature must cover, as its cryptosuite defines it."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if proof["cryptosuite"] == RDFC:
        return _rdfc_hash_data(unsecured, options, loader)
    _raise_if_context_differs(unsecured, options)
    return _jcs_hash_data(unsecured, options)


def _unsecured(document: Mapping[str, Any]) -> dict[str, Any]:
    """Return a deep copy of a document that is about to be signed and has no proof yet."""
    if "proof" in document:
        raise ValueError("the document already has a proof; proof sets are not supported")
    return copy.deepcopy(dict(document))


def _proof_options(
    cryptosuite: str, verification_method: str, created: str | None, proof_purpose: str
) -> dict[str, Any]:
    """Return the proof options, in the key order of the W3C test vectors."""
    created = _now() if created is None else created
    if not _is_timestamp(created):
        raise ValueError(f"created {created!r} is not an XML Schema dateTimeStamp")
    return {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }


def _now() -> str:
    """Return the current UTC time to the second, as in 2024-05-01T12:00:00Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _with_proof(
    unsecured: dict[str, Any], options: dict[str, Any], signature: bytes
) -> dict[str, Any]:
    """Return the unsecured document with the proof options and their proofValue attached."""
    proof_value = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsecured, "proof": {**options, "proofValue": proof_value}}


def _jcs_hash_data(unsecured: Mapping[str, Any], options: Mapping[str, Any]) -> bytes:
    """Return SHA-256(JCS(proof options)) followed by SHA-256(JCS(document))."""
    try:
        return _sha256(canonicalize(options)) + _sha256(canonicalize(unsecured))
    except rfc8785.CanonicalizationError as error:
        raise ProofError(f"the document cannot be canonicalised with JCS: {error}") from None


def _rdfc_hash_data(
    unsecured: Mapping[str, Any], options: Mapping[str, Any], loader: ContextLoader
) -> bytes:
    """Return SHA-256(RDFC(proof configuration)) followed by SHA-256(RDFC(document))."""
    proof_config = {**options, "@context": unsecured.get("@context")}
    try:
        config_hash = _sha256(_canonical_bytes(proof_config, loader))
        return config_hash + _sha256(_canonical_bytes(unsecured, loader))
    except ContextError as error:
        raise ProofError(str(error)) from None
    except JsonLdError as error:
        raise ProofError(f"the document cannot be canonicalised with RDFC-1.0: {error}") from None


def _canonical_bytes(document: Mapping[str, Any], loader: ContextLoader) -> bytes:
    """Return the UTF-8 RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    return canonize(dict(document), loader=loader).encode("utf-8")


def _sha256(data: bytes) -> bytes:
    """Return the SHA-256 digest of the data."""
    return hashlib.sha256(data).digest()


def _proof_of(document: Any) -> dict[str, Any]:
    """Return the document's single proof object."""
    if not isinstance(document, dict):
        raise ProofError("a signed document must be a JSON object")
    proof = document.get("proof")
    if proof is None:
        raise ProofError("the document has no proof")
    if not isinstance(proof, dict):
        raise ProofError("the proof must be a single JSON object (proof sets are not supported)")
    return proof


def _raise_if_malformed_proof(proof: Mapping[str, Any], proof_purpose: str) -> None:
    """Raise ProofError unless the proof is a supported DataIntegrityProof for this purpose."""
    if proof.get("type") != PROOF_TYPE:
        raise ProofError(f"unsupported proof type {proof.get('type')!r}, expected {PROOF_TYPE!r}")
    if proof.get("cryptosuite") not in (JCS, RDFC):
        raise ProofError(
            f"unsupported cryptosuite {proof.get('cryptosuite')!r}, expected {JCS!r} or {RDFC!r}"
        )
    if proof.get("proofPurpose") != proof_purpose:
        raise ProofError(f"proof purpose {proof.get('proofPurpose')!r} is not {proof_purpose!r}")
    if not isinstance(proof.get("verificationMethod"), str):
        raise ProofError("the proof's verificationMethod must be a URL string")
    _raise_if_bad_timestamps(proof)


def _raise_if_bad_timestamps(proof: Mapping[str, Any]) -> None:
    """Raise ProofError for a malformed created or expires, or an expires in the past."""
    for field in ("created", "expires"):
        if field in proof and not _is_timestamp(proof[field]):
            raise ProofError(
                f"the proof's {field} {proof[field]!r} is not an XML Schema dateTimeStamp"
            )
    if "expires" in proof and _parse_timestamp(proof["expires"]) <= datetime.now(UTC):
        raise ProofError(f"the proof expired at {proof['expires']}")


def _is_timestamp(value: Any) -> bool:
    """Tell whether a value is an XML Schema dateTimeStamp string."""
    return isinstance(value, str) and _DATE_TIME_STAMP.fullmatch(value) is not None


def _parse_timestamp(text: str) -> datetime:
    """Parse a dateTimeStamp into an aware datetime."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ProofError(f"the proof timestamp {text!r} is not a valid date and time") from None


def _raise_if_unknown_contexts(document: Any, loader: ContextLoader) -> None:
    """Raise ProofError if any @context in the document or its proof is not bundled."""
    try:
        check_contexts(document, loader=loader)
    except ContextError as error:
        raise ProofError(str(error)) from None


def _raise_if_context_differs(unsecured: Mapping[str, Any], options: Mapping[str, Any]) -> None:
    """Raise ProofError if a JCS proof's @context is not exactly the document's."""
    if "@context" in options and options["@context"] != unsecured.get("@context"):
        raise ProofError("the document's @context differs from the @context the proof signed")


def _decode_proof_value(proof_value: Any) -> bytes:
    """Decode a multibase base58btc proofValue into a 64-byte Ed25519 signature."""
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise ProofError("the proofValue must be a base58btc multibase string starting with 'z'")
    try:
        signature = _base58btc_decode(proof_value[1:])
    except ValueError:
        raise ProofError("the proofValue is not valid base58btc") from None
    if len(signature) != _SIGNATURE_SIZE:
        raise ProofError(
            f"the proofValue holds {len(signature)} bytes, an Ed25519 signature has 64"
        )
    return signature


def _base58btc_decode(text: str) -> bytes:
    """Decode base58btc as ``base58.b58decode`` does (trailing whitespace ignored), in a third of its time."""
    text = text.rstrip()
    number = 0
    try:
        for char in text:
            number = number * 58 + _BASE58_DIGITS[char]
    except KeyError:
        raise ValueError(f"invalid base58 character {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    return bytes(zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _public_key(public_key_lookup: PublicKeyLookup, verification_method: str) -> Ed25519PublicKey:
    """Return the Ed25519 public key the lookup gives for the verification method."""
    try:
        public_key = public_key_lookup(verification_method)
    except LookupError as error:
        raise ProofError(f"unknown verification method {verification_method!r}: {error}") from None
    if not isinstance(public_key, Ed25519PublicKey):
        raise ProofError(f"the verification method {verification_method!r} is not an Ed25519 key")
    return public_key
