"""HTTP signatures as the fediverse uses them: draft-cavage ``rsa-sha256`` out and in, RFC 9421 in.

Every delivery and fetch this node makes is signed with draft-cavage-http-signatures (``(request-target)
host date`` and, with a body, ``digest``), as Mastodon and its kin verify it. A received request is
read in two steps, so that nothing is fetched for a request that fails the cheap checks:
``signature_read`` parses the signature and checks its date and body digest; the caller then looks up
the key it names and calls ``ReceivedSignature.verify``. A request carrying ``Signature-Input`` is read
as RFC 9421 (verified with the ``http-message-signatures`` library), any other as draft-cavage.
"""

from fediverse.signatures.cavage import (
    DATE_FUTURE,
    DATE_PAST,
    digest_header,
    http_date,
    sign_request,
)
from fediverse.signatures.received import (
    ReceivedRequest,
    ReceivedSignature,
    SignatureError,
    signature_read,
)

__all__ = [
    "DATE_FUTURE",
    "DATE_PAST",
    "ReceivedRequest",
    "ReceivedSignature",
    "SignatureError",
    "digest_header",
    "http_date",
    "sign_request",
    "signature_read",
]
