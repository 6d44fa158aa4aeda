"""The address of the client behind a request, as the metrics, the API's rates and the login lockout count it.

The client's address is ``REMOTE_ADDR``; only when that is one of ``HUB_TRUSTED_PROXIES`` (the reverse
proxy, loopback by default: ``HUB_METRICS_TRUSTED_PROXIES`` in the environment) does the address the
proxy wrote into ``X-Forwarded-For`` count instead, read from the right, so a client cannot name its
own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: HttpRequest) -> IPAddress | None:
    """The address of the client: REMOTE_ADDR, or what trusted proxies recorded in X-Forwarded-For."""
    address = parse_address(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.HUB_TRUSTED_PROXIES
    if address is None or not address_in(address, trusted):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):  # the right-most entry was written by the proxy nearest to us
        address = parse_address(hop)
        if address is None or not address_in(address, trusted):
            return address
    return address


def client_address_text(request: HttpRequest) -> str:
    """The client's address as text, or the empty string when the request names none that parses."""
    address = client_address(request)
    return "" if address is None else str(address)


def parse_address(text: str) -> IPAddress | None:
    """An IP address (IPv4-mapped IPv6 as IPv4), or None for anything else."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_in(address: IPAddress | None, networks: Iterable) -> bool:
    """Whether the address lies in one of the networks."""
    if address is None:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
