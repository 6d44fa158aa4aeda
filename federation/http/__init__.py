"""Guarded outbound HTTP: every request this node makes to a peer-supplied URL goes through here.

The network security rule of the project is "no network fetch a peer can steer; peer URLs
validated", and this package enforces it in one place: ``addresses`` checks URLs and the addresses
they resolve to, ``transport`` connects only to checked addresses and cuts every exchange at its
deadline, ``requests`` sends and follows same-origin redirects only, and every failure is one of the
``errors``, whose messages never hold a token or credential.
"""

from federation.http.addresses import (
    allow_private_default,
    check_outbound_url,
    is_public_address,
    validate_peer_url,
)
from federation.http.errors import (
    PeerBadContent,
    PeerBadStatus,
    PeerRefused,
    PeerRequestError,
    PeerTooLarge,
    PeerUnreachable,
)
from federation.http.requests import (
    MAX_REDIRECTS,
    RETRY_AFTER_CAP,
    get_json,
    parse_retry_after,
    post_bytes,
    post_form,
    post_json,
)
from federation.http.transport import ACCEPT, USER_AGENT

__all__ = [
    "ACCEPT",
    "MAX_REDIRECTS",
    "RETRY_AFTER_CAP",
    "USER_AGENT",
    "PeerBadContent",
    "PeerBadStatus",
    "PeerRefused",
    "PeerRequestError",
    "PeerTooLarge",
    "PeerUnreachable",
    "allow_private_default",
    "check_outbound_url",
    "get_json",
    "is_public_address",
    "parse_retry_after",
    "post_bytes",
    "post_form",
    "post_json",
    "validate_peer_url",
]
