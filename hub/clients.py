"""Who is asking: the client's address, as the reverse proxy in front of the node saw it.

The address is ``REMOTE_ADDR``; only when that is one of ``HUB_METRICS_TRUSTED_PROXIES`` (the reverse
proxy, loopback by default) does the address the proxy wrote into ``X-Forwarded-For`` count instead,
so a client cannot name its own address. Metrics access and every request-rate limit read it here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: HttpRequest) -> IPAddress | None:
    """The address of the client: REMOTE_ADDR, or what trusted proxies recorded in X-Forwarded-For."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.HUB_METRICS_TRUSTED_PROXIES
    if address is None or not address_in(address, trusted):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):  # the right-most entry was written by the proxy nearest to us
        address = _address(hop)
        if address is None or not address_in(address, trusted):
            return address
    return address


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_in(address: IPAddress | None, networks: Iterable) -> bool:
    """Whether the address lies in one of the networks (none for an unknown address)."""
    if address is None:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
