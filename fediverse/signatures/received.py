"""A received request and its signature, in either of the two forms servers send."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from requests.structures import CaseInsensitiveDict


class SignatureError(Exception):
    """A received request's signature is missing, malformed, stale or wrong; the message says which."""


@dataclass(frozen=True)
class ReceivedRequest:
    """What a signature covers of a received request: method, absolute URL, headers, body."""

    method: str
    url: str
    headers: Mapping[str, str]  # case-insensitive, as Django's ``request.headers``
    body: bytes


class ReceivedSignature(Protocol):
    """A parsed signature whose date and digest passed; ``verify`` checks it against the named key."""

    key_id: str
    scheme: str  # "draft-cavage" or "rfc9421"

    def verify(self, public_key: PublicKeyTypes) -> None:
        """Raise ``SignatureError`` unless the request was signed with ``public_key``'s private half."""


def signature_read(request: ReceivedRequest) -> ReceivedSignature:
    """Parse the request's signature and check what needs no key: covered parts, date, body digest."""
    from fediverse.signatures import cavage, rfc9421

    request = ReceivedRequest(method=request.method.upper(), url=request.url, headers=CaseInsensitiveDict(request.headers),
                              body=request.body)
    if "Signature-Input" in request.headers:
        return rfc9421.signature_read(request)
    if "Signature" in request.headers:
        return cavage.signature_read(request)
    raise SignatureError("The request is not signed: an HTTP Signature (draft-cavage or RFC 9421) is required.")
