"""RFC 9421 HTTP Message Signatures: made here for servers that offer them, verified with ``http-message-signatures``.

Servers that speak RFC 9421 (Mastodon 4.5 and later verify them) sign ``@method``, ``@target-uri``
(or ``@authority`` and ``@path``) and, with a body, ``content-digest`` (RFC 9530). This node signs
``@method``, ``@target-uri``, ``content-digest`` (with a body) and ``date``, with ``created``,
``keyid`` and ``alg="rsa-v1_5-sha256"``: what Mastodon requires, and the Date that draft-cavage
verifiers are used to. The signature base is built here (RFC 9421 section 2.5), so that the
library's verifier is an independent check of it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import warnings
from dataclasses import dataclass
from typing import Any

import http_sf
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from http_message_signatures import HTTPMessageVerifier, HTTPSignatureKeyResolver, algorithms
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from fediverse.signatures.cavage import DATE_FUTURE, DATE_PAST, http_date
from fediverse.signatures.received import ReceivedRequest, SignatureError

ALGORITHMS = {
    "rsa-v1_5-sha256": algorithms.RSA_V1_5_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
    "ed25519": algorithms.ED25519,
}
MAX_HEADER = 4096
# How FEP-844e names the capability ("RFC-9421: HTTP Message Signatures") in an actor's ``generator``.
CAPABILITY = "https://datatracker.ietf.org/doc/html/rfc9421"
CAPABILITY_NAME = "RFC-9421: HTTP Message Signatures"
SIGNING_ALGORITHM = "rsa-v1_5-sha256"
LABEL = "sig1"


def content_digest_header(body: bytes) -> str:
    """The ``Content-Digest`` header of a body (RFC 9530, SHA-256), as Mastodon checks it."""
    return http_sf.ser({"sha-256": (hashlib.sha256(body).digest(), {})})


def sign_request(
    *, method: str, url: str, key: rsa.RSAPrivateKey, key_id: str, body: bytes | None = None,
    headers: dict[str, str] | None = None, now: datetime.datetime | None = None,
) -> dict[str, str]:
    """The headers of a request signed with ``key`` (RFC 9421): Date, (Content-Digest,) Signature-Input, Signature."""
    now = now or datetime.datetime.now(datetime.UTC)
    signed = {"Date": http_date(now), **(headers or {})}
    components = ["@method", "@target-uri"]
    if body is not None:
        signed["Content-Digest"] = content_digest_header(body)
        components.append("content-digest")
    components.append("date")
    parameters = {"created": int(now.timestamp()), "keyid": key_id, "alg": SIGNING_ALGORITHM}
    signature_input = http_sf.ser({LABEL: ([(component, {}) for component in components], parameters)})
    signature_params = signature_input.removeprefix(f"{LABEL}=")
    values = {"@method": method.upper(), "@target-uri": url, "content-digest": signed.get("Content-Digest", ""),
              "date": signed["Date"]}
    lines = [f'"{component}": {values[component]}' for component in components]
    lines.append(f'"@signature-params": {signature_params}')
    signature = key.sign("\n".join(lines).encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    signed["Signature-Input"] = signature_input
    signed["Signature"] = f"{LABEL}=:{base64.b64encode(signature).decode('ascii')}:"
    return signed


@dataclass(frozen=True)
class _Message:
    """The request as the library reads it: method, URL and the header lines."""

    method: str
    url: str
    headers: Any


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, key_id: str, public_key: PublicKeyTypes) -> None:
        self.key_id, self.public_key = key_id, public_key

    def resolve_public_key(self, key_id: str) -> PublicKeyTypes | None:
        return self.public_key if key_id == self.key_id else None


@dataclass(frozen=True)
class Rfc9421Signature:
    """A received RFC 9421 signature: its key id, algorithm and the request it covers."""

    key_id: str
    algorithm: str
    label: str
    request: ReceivedRequest
    scheme: str = "rfc9421"

    def verify(self, public_key: PublicKeyTypes) -> None:
        """Verify the signature, its coverage and (with a body) the signed Content-Digest."""
        algorithm = self.algorithm or _algorithm_of(public_key)
        verifier = HTTPMessageVerifier(signature_algorithm=ALGORITHMS[algorithm], key_resolver=_OneKey(self.key_id, public_key))
        verifier.max_clock_skew = datetime.timedelta(seconds=DATE_FUTURE.total_seconds())
        verifier.allow_label_only_selection = True
        request = self.request
        message = _Message(method=request.method.upper(), url=request.url, headers=dict(request.headers))
        try:
            with warnings.catch_warnings():  # selecting by label alone warns; the label is the one we read
                warnings.simplefilter("ignore")
                verifier.verify(message, max_age=DATE_PAST, expect_label=self.label, require_components=_required(request),
                                body=request.body if request.method == "POST" else None)
        except HTTPMessageSignaturesException as error:
            raise SignatureError(f"The RFC 9421 signature does not verify: {str(error)[:200]}") from None


def signature_read(request: ReceivedRequest) -> Rfc9421Signature:
    """Pick the request's signature (the first label) and read its key id and algorithm."""
    value = request.headers.get("Signature-Input", "")
    if len(value) > MAX_HEADER or len(request.headers.get("Signature", "")) > MAX_HEADER:
        raise SignatureError("The Signature-Input or Signature header is too long.")
    try:
        inputs = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, UnicodeError):
        raise SignatureError("The Signature-Input header is not an RFC 9421 structured field.") from None
    if not inputs:
        raise SignatureError("The Signature-Input header names no signature.")
    label, (_components, parameters) = next(iter(inputs.items()))
    key_id = parameters.get("keyid")
    if not isinstance(key_id, str) or not key_id.startswith(("https://", "http://")):
        raise SignatureError("The RFC 9421 signature needs a keyid that is an http(s) URL.")
    algorithm = parameters.get("alg", "")
    if algorithm and algorithm not in ALGORITHMS:
        raise SignatureError(f"The RFC 9421 algorithm {str(algorithm)[:40]} is not one this node verifies.")
    if not isinstance(parameters.get("created"), int):
        raise SignatureError("The RFC 9421 signature needs its created time.")
    created = datetime.datetime.fromtimestamp(parameters["created"], tz=datetime.UTC)
    now = datetime.datetime.now(datetime.UTC)
    if not now - DATE_PAST <= created <= now + DATE_FUTURE:
        raise SignatureError("The RFC 9421 signature was created too far from now.")
    return Rfc9421Signature(key_id=key_id, algorithm=algorithm, label=label, request=request)


def _required(request: ReceivedRequest) -> tuple[str, ...]:
    target = ("@target-uri",) if "@target-uri" in request.headers.get("Signature-Input", "") else ("@authority", "@path")
    return ("@method", *target) + (("content-digest",) if request.method == "POST" else ())


def _algorithm_of(public_key: PublicKeyTypes) -> str:
    if isinstance(public_key, rsa.RSAPublicKey):
        return "rsa-v1_5-sha256"
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return "ed25519"
    raise SignatureError("The signing key is neither RSA nor Ed25519.")
