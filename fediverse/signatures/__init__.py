"""HTTP signatures as the fediverse uses them: draft-cavage ``rsa-sha256`` and RFC 9421, out and in.

Every delivery and fetch this node makes is signed in one of two schemes (``sign_request``):
draft-cavage-http-signatures (``(request-target) host date`` and, with a body, ``digest``), which
every fediverse server verifies, or RFC 9421 (``@method @target-uri content-digest date``) for the
servers that offer it; which server gets which is decided in ``fediverse.signing``. A received
request is read in two steps, so that nothing is fetched for a request that fails the cheap checks:
``signature_read`` parses the signature and checks its date and body digest; the caller then looks
up the key it names and calls ``ReceivedSignature.verify``. A request carrying ``Signature-Input``
is read as RFC 9421 (verified with the ``http-message-signatures`` library), any other as draft-cavage.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from fediverse.signatures import cavage, rfc9421
from fediverse.signatures.cavage import (
    DATE_FUTURE,
    DATE_PAST,
    digest_header,
    http_date,
)
from fediverse.signatures.received import (
    ReceivedRequest,
    ReceivedSignature,
    SignatureError,
    signature_read,
)
from fediverse.signatures.rfc9421 import CAPABILITY as RFC9421_CAPABILITY
from fediverse.signatures.rfc9421 import CAPABILITY_NAME as RFC9421_CAPABILITY_NAME
from fediverse.signatures.rfc9421 import content_digest_header

DRAFT_CAVAGE = "draft-cavage"
RFC9421 = "rfc9421"
SCHEMES = (DRAFT_CAVAGE, RFC9421)
_SIGNERS = {DRAFT_CAVAGE: cavage.sign_request, RFC9421: rfc9421.sign_request}


def sign_request(
    *, method: str, url: str, key: rsa.RSAPrivateKey, key_id: str, body: bytes | None = None,
    headers: dict[str, str] | None = None, now: datetime | None = None, scheme: str = DRAFT_CAVAGE,
) -> dict[str, str]:
    """The headers of a request signed with ``key`` in ``scheme`` (draft-cavage unless told otherwise)."""
    return _SIGNERS[scheme](method=method, url=url, key=key, key_id=key_id, body=body, headers=headers, now=now)


__all__ = [
    "DATE_FUTURE",
    "DATE_PAST",
    "DRAFT_CAVAGE",
    "RFC9421",
    "RFC9421_CAPABILITY",
    "RFC9421_CAPABILITY_NAME",
    "SCHEMES",
    "ReceivedRequest",
    "ReceivedSignature",
    "SignatureError",
    "content_digest_header",
    "digest_header",
    "http_date",
    "sign_request",
    "signature_read",
]
