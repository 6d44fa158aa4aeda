"""URL and address checks: which peer URLs may be fetched, and which addresses count as public.

``validate_peer_url`` returns a peer's base URL normalised: ``scheme://host[:port][/path]`` in lower
case, IDNA host in ASCII, default port dropped, no trailing slash (``"HTTPS://Lab.Example:443/"``
gives ``"https://lab.example"``); it refuses a query as well as everything ``check_outbound_url``
refuses: anything but http(s), user information, no host, an invalid or zero port, a fragment,
whitespace, control characters or backslashes, an ambiguous numeric host (``127.1``,
``0x7f.0.0.1``); unless ``allow_private``, the host is resolved and refused if ANY address is not
public. ``is_public_address`` is false for private, loopback, link-local, multicast, reserved,
unspecified, shared (CGNAT) and other non-global addresses, and for IPv4-mapped, 6to4, NAT64 and
Teredo forms of them. ``allow_private_default`` is ``settings.HUB_ALLOW_PRIVATE_PEERS``, what
callers pass as ``allow_private``.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Any
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from federation.http.errors import PeerRefused, PeerUnreachable, display_url, url_refused

_SCHEMES = {"http": 80, "https": 443}
_MAX_URL = 8192
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def allow_private_default() -> bool:
    """Tell whether this node may reach peers at private addresses (HUB_ALLOW_PRIVATE_PEERS)."""
    return bool(settings.HUB_ALLOW_PRIVATE_PEERS)


def validate_peer_url(url: str, *, allow_private: bool) -> str:
    """Check a peer's base URL and return it normalised, without trailing slash."""
    parts = _split(url)
    if "?" in url:
        raise PeerRefused(
            f"Peer URL refused: {display_url(url)} (a base URL has no query)", url=url
        )
    host = _ascii_host(parts, url)
    _check_host_addresses(host, url, allow_private=allow_private)
    scheme = parts.scheme.lower()
    port = parts.port
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _SCHEMES[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


def check_outbound_url(url: str, *, allow_private: bool) -> str:
    """Check a full URL before fetching it and return it unchanged."""
    parts = _split(url)
    _check_host_addresses(_ascii_host(parts, url), url, allow_private=allow_private)
    return url


def is_public_address(address: str | IPAddress) -> bool:
    """Tell whether an IP address is a public unicast one (embedded IPv4 forms included)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        if ip.teredo is not None:
            return False
        embedded = ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None
        )
        if embedded is not None and not is_public_address(embedded):
            return False
    flags = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    return ip.is_global and not any(flags)


def url_origin(url: str) -> tuple[str, str, int]:
    """Return a checked URL's scheme, lower-case host and effective port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, _ascii_host(parts, url), parts.port or _SCHEMES[scheme]


def strip_scope(address: str) -> str:
    """Drop an IPv6 zone index (``%eth0``) so ipaddress accepts it on every Python version."""
    return address.partition("%")[0]


def _split(url: str) -> SplitResult:
    """Parse an outbound URL, refusing anything but a plain http(s) URL with a host."""
    if not isinstance(url, str) or not url:
        raise PeerRefused("Peer URL refused: empty or not a string")
    if len(url) > _MAX_URL:
        raise PeerRefused(f"Peer URL refused: longer than {_MAX_URL} characters", url=url)
    if _UNSAFE_URL_CHARS.search(url):
        raise url_refused(url, "it contains whitespace, control characters or a backslash")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise url_refused(url, "malformed host or port") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise url_refused(url, "only http and https URLs are fetched")
    if "@" in parts.netloc:
        raise url_refused(url, "user information (user:password@) is not allowed")
    if "#" in url:
        raise url_refused(url, "a fragment is not allowed")
    if not parts.hostname:
        raise url_refused(url, "no host")
    if port == 0:
        raise url_refused(url, "port 0")
    return parts


def _ascii_host(parts: SplitResult, url: str) -> str:
    """Return the URL's host as an IP literal or a lower-case ASCII (IDNA) name."""
    host = parts.hostname or ""
    bracketed = parts.netloc.rpartition("@")[2].startswith("[")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        if bracketed or ":" in host:
            raise url_refused(url, "invalid IPv6 address") from None
    try:
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise url_refused(url, "invalid international host name") from None
    labels = name.removesuffix(".").split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise url_refused(url, "invalid host name")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        raise url_refused(url, "ambiguous numeric host (write IP addresses in full dotted form)")
    return name


def _check_host_addresses(host: str, url: str, *, allow_private: bool) -> None:
    """Refuse the host unless all its addresses are public (no check when private is allowed)."""
    if allow_private:
        return
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = [ipaddress.ip_address(strip_scope(info[4][0])) for info in _resolve(host, url)]
    for address in addresses:
        if not is_public_address(address):
            raise url_refused(url, f"{host} is or resolves to the non-public address {address}")


def _resolve(host: str, url: str) -> list[tuple[Any, ...]]:
    """Resolve a host name for TCP, or raise PeerUnreachable."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise PeerUnreachable(
            f"Peer unreachable: {display_url(url)} (host name could not be resolved)", url=url
        ) from None
    if not infos:
        raise PeerUnreachable(
            f"Peer unreachable: {display_url(url)} (host name has no address)", url=url
        )
    return infos
