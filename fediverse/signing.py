"""Which HTTP signature a server gets: RFC 9421 where it offers it, draft-cavage otherwise, and the double knock.

The fediverse verifies draft-cavage everywhere; RFC 9421 only some servers do, and few say so. A
server says so with FEP-844e (``implements`` RFC 9421 in its actors' ``generator``), read when one
of its actors is fetched (``fediverse.remote``): its requests are then signed with RFC 9421. Any
other server gets draft-cavage, as Mastodon 4.7 does it. When a server answers 401 to one scheme,
the request is signed in the other and sent once more; if that is taken, the server gets that
scheme first from then on (``RemoteServer``), so it is asked twice only once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from federation import http
from fediverse import iris, selectors, services
from fediverse.keys import signing_key
from fediverse.signatures import DRAFT_CAVAGE, RFC9421, sign_request
from hub.models import Lab

log = logging.getLogger(__name__)
Answer = TypeVar("Answer")
OTHER = {DRAFT_CAVAGE: RFC9421, RFC9421: DRAFT_CAVAGE}


def signed_exchange(
    *, url: str, signer: Lab, method: str, send: Callable[[dict[str, str]], Answer], body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """Send a request signed as ``signer``'s actor in the scheme the server gets; after a 401, once more in the other."""
    first = selectors.signature_scheme(url)
    try:
        return send(_signed(first, url=url, signer=signer, method=method, body=body, headers=headers))
    except http.PeerBadStatus as error:
        if error.status != 401:
            raise
        log.info("%s %s: %s signature refused (401), once more with %s", method, url[:300], first, OTHER[first])
    second = OTHER[first]
    answer = send(_signed(second, url=url, signer=signer, method=method, body=body, headers=headers))
    services.server_scheme_remember(url=url, scheme=second)
    return answer


def _signed(scheme: str, *, url: str, signer: Lab, method: str, body: bytes | None, headers: dict[str, str] | None) -> dict[str, str]:
    return sign_request(scheme=scheme, method=method, url=url, key=signing_key(signer), key_id=iris.key_id(signer), body=body,
                        headers=headers)
