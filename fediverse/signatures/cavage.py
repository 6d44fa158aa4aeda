"""draft-cavage-http-signatures-12 with ``rsa-sha256`` (``hs2019`` read alike), the fediverse's signatures."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from fediverse.signatures.received import ReceivedRequest, SignatureError

# How far a signed request's Date may lie from now: retries are signed anew, so an hour is plenty.
DATE_PAST = timedelta(hours=1)
DATE_FUTURE = timedelta(minutes=5)
ALGORITHMS = {"rsa-sha256", "hs2019"}
_PARAMETER = re.compile(r'\s*([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([0-9]+))\s*(?:,|$)')
MAX_SIGNATURE_HEADER = 4096


def http_date(now: datetime | None = None) -> str:
    """An HTTP date (RFC 9110), GMT."""
    return format_datetime((now or datetime.now(UTC)).astimezone(UTC), usegmt=True)


def digest_header(body: bytes) -> str:
    """The ``Digest`` header of a body (RFC 3230, SHA-256), as Mastodon sends and checks it."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def sign_request(
    *, method: str, url: str, key: rsa.RSAPrivateKey, key_id: str, body: bytes | None = None,
    headers: dict[str, str] | None = None, now: datetime | None = None,
) -> dict[str, str]:
    """The headers of a request signed with ``key``: Host, Date, (Digest,) Signature and ``headers``."""
    parts = urlsplit(url)
    signed = {"Host": parts.netloc, "Date": http_date(now), **(headers or {})}
    names = ["(request-target)", "host", "date"]
    if body is not None:
        signed["Digest"] = digest_header(body)
        names.append("digest")
    target = f"{method.lower()} {parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    lines = [f"(request-target): {target}"] + [f"{name}: {_header(signed, name)}" for name in names[1:]]
    signature = key.sign("\n".join(lines).encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    signed["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return signed


@dataclass(frozen=True)
class CavageSignature:
    """A parsed draft-cavage signature of a received request."""

    key_id: str
    covered: tuple[str, ...]
    signature: bytes
    signing_string: bytes
    scheme: str = "draft-cavage"

    def verify(self, public_key: PublicKeyTypes) -> None:
        """Check the signature with an RSA public key (PKCS #1 v1.5, SHA-256)."""
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise SignatureError("The signing key is not an RSA key, which rsa-sha256 needs.")
        try:
            public_key.verify(self.signature, self.signing_string, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise SignatureError("The signature does not match the request and the key it names.") from None


def signature_read(request: ReceivedRequest, *, now: datetime | None = None) -> CavageSignature:
    """Parse and pre-check a draft-cavage signature: covered headers, algorithm, date and digest."""
    parameters = _parameters(request.headers["Signature"])
    key_id, encoded = parameters.get("keyId", ""), parameters.get("signature", "")
    if not key_id.startswith(("https://", "http://")) or not encoded:
        raise SignatureError("The Signature header needs a keyId (an http(s) URL) and a signature.")
    if parameters.get("algorithm", "hs2019").lower() not in ALGORITHMS:
        raise SignatureError("The signature's algorithm must be rsa-sha256 (or hs2019 with an RSA key).")
    covered = tuple(parameters.get("headers", "date").lower().split())
    required = {"(request-target)", "host", "date"} | ({"digest"} if request.method == "POST" else set())
    if not required <= set(covered):
        raise SignatureError(f"The signature must cover {', '.join(sorted(required))}; it covers {', '.join(covered)}.")
    raise_unless_fresh(request.headers.get("Date", ""), now=now)
    if request.method == "POST":
        raise_unless_digest_matches(request.headers.get("Digest", ""), request.body)
    try:
        signature = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise SignatureError("The signature is not valid base64.") from None
    return CavageSignature(key_id=key_id, covered=covered, signature=signature,
                           signing_string=_signing_string(request, covered))


def raise_unless_fresh(value: str, *, now: datetime | None = None) -> None:
    """Refuse a missing Date or one further from now than the skew allows."""
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise SignatureError("The signed request needs a valid Date header.") from None
    if date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if not now - DATE_PAST <= date <= now + DATE_FUTURE:
        raise SignatureError("The request's Date is too far from now (at most an hour old, five minutes ahead).")


def raise_unless_digest_matches(value: str, body: bytes) -> None:
    """Refuse a body whose ``Digest`` (SHA-256) is missing or differs."""
    algorithm, _, encoded = value.partition("=")
    if algorithm.strip().lower() != "sha-256" or not encoded:
        raise SignatureError("The signed request needs a Digest header with its body's SHA-256.")
    if encoded.strip() != base64.b64encode(hashlib.sha256(body).digest()).decode("ascii"):
        raise SignatureError("The Digest header does not match the body.")


def _parameters(header: str) -> dict[str, str]:
    if len(header) > MAX_SIGNATURE_HEADER:
        raise SignatureError("The Signature header is too long.")
    parameters, position = {}, 0
    while position < len(header):
        match = _PARAMETER.match(header, position)
        if match is None or match.end() == position:
            raise SignatureError("The Signature header is not a draft-cavage signature (name=\"value\" pairs).")
        parameters[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3)
        position = match.end()
    return parameters


def _signing_string(request: ReceivedRequest, covered: tuple[str, ...]) -> bytes:
    parts = urlsplit(request.url)
    lines = []
    for name in covered:
        if name == "(request-target)":
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            lines.append(f"(request-target): {request.method.lower()} {target}")
        elif name.startswith("("):
            raise SignatureError(f"The signature covers {name}, which this node does not read; sign Date instead.")
        elif name not in request.headers:
            raise SignatureError(f"The signature covers the header {name}, which the request does not have.")
        else:
            lines.append(f"{name}: {request.headers[name].strip()}")
    return "\n".join(lines).encode("utf-8")


def _header(headers: dict[str, str], name: str) -> str:
    return next(value for key, value in headers.items() if key.lower() == name)
