"""Request rates counted in the node's shared cache, so that all its processes count the same requests.

A client is its address as ``hub.addresses.client_address`` finds it (behind nginx on this machine, the
address nginx recorded), and for IPv6 its /64 network, which one host usually has to itself. Counting
is a read and a write, not one atomic step: requests of one client that arrive at the same instant in
different processes may each pass. That lets a burst through, never a steady stream.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from hub.addresses import client_address

SHARED_CACHE = "default"  # shared by every process of the node (config/settings.py)


def throttle_wait(*, scope: str, client: str, rate: tuple[int, int] | None, count: bool = True) -> int | None:
    """Count one request of ``client``; return the seconds it must wait if it is over ``rate``, else None.

    No rate (``HUB_THROTTLE=off``) counts nothing. With ``count=False`` only look: for limits on
    failures, which ``throttle_count`` counts afterwards.
    """
    if rate is None:
        return None
    limit, seconds = rate
    cache, key, now = caches[SHARED_CACHE], f"throttle:{scope}:{client}", time.time()
    recent = [moment for moment in cache.get(key, []) if moment > now - seconds]
    if len(recent) >= limit:
        return max(1, math.ceil(recent[0] + seconds - now))
    if count:
        cache.set(key, [*recent, now], timeout=seconds)
    return None


def throttle_count(*, scope: str, client: str, rate: tuple[int, int] | None) -> None:
    """Count one event of ``client`` (a failed attempt) against ``rate``."""
    throttle_wait(scope=scope, client=client, rate=rate)


def client_of(request: HttpRequest) -> str:
    """The client a request comes from, as throttles count it: an IPv4 address or an IPv6 /64."""
    address = client_address(request)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def request_wait(request: HttpRequest, *, scope: str, rate: tuple[int, int] | None) -> int | None:
    """Count one request of the request's client under ``scope``: the seconds it must wait if over ``rate``
    (None: no limit, as with ``HUB_THROTTLE=off``), else None."""
    if rate is None:
        return None
    return throttle_wait(scope=scope, client=client_of(request), rate=rate)


def registration_wait(*, request: HttpRequest, email: object) -> int | None:
    """Count a registration sent from this client and one for this e-mail address, each at ``HUB_THROTTLE_REGISTRATION``.

    The seconds to wait when either is over its rate, else None. The API and the pages count together.
    The cache keeps a hash of the address, never the address.
    """
    rate = settings.HUB_THROTTLE_REGISTRATION
    waits = [throttle_wait(scope="registration-address", client=client_of(request), rate=rate)]
    if isinstance(email, str) and email.strip():
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        waits.append(throttle_wait(scope="registration-email", client=digest, rate=rate))
    return max((wait for wait in waits if wait is not None), default=None)
