"""Who may see ``network`` items on pages and documents: a person with a role, or a token allowed to read.

A token's ``read`` counts only while its owner still holds a role (``hub.roles``), so revoking a
role takes effect on the tokens already minted; ``federation`` is a peer's scope and reads while
its node is not refused (blocked, or off the allow list): the federation app registers that check
at start-up (``peer_token_check_register``), as it registers the publisher (``hub.publishing``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_backends import get_oauthlib_core

from hub.roles import grants_of

READING_SCOPES = ("read", "federation")

PeerTokenCheck = Callable[[AccessToken], bool]
_peer_token_reads: PeerTokenCheck = lambda token: True  # noqa: E731 - until the federation app registers its check


def peer_token_check_register(check: PeerTokenCheck) -> None:
    """Make ``check(token)`` decide whether a peer's ``federation`` token still reads (its node not refused)."""
    global _peer_token_reads
    _peer_token_reads = check


def bearer_token(request: HttpRequest) -> AccessToken | None:
    """The valid bearer token sent with the request, if any (checked once per request)."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    if not hasattr(request, "_hub_token"):
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        request._hub_token = oauth_request.access_token if valid else None
    return request._hub_token


def token_scopes(request: HttpRequest) -> frozenset[str]:
    """The scopes of a valid bearer token sent with the request (empty without one)."""
    token = bearer_token(request)
    return frozenset(token.scopes) if token is not None else frozenset()


def token_owner(token: AccessToken) -> Any:
    """The user a token acts for: its own, or for a client-credentials token the owner of its application."""
    if token.user_id:
        return token.user
    return token.application.user if token.application_id else None


def token_reads_network(token: AccessToken) -> bool:
    """Whether a token may read ``network`` items: a peer's ``federation``, or ``read`` of someone with a role."""
    scopes = frozenset(token.scope.split())
    if "federation" in scopes:
        return _peer_token_reads(token)
    return "read" in scopes and grants_of(token_owner(token)).reads_network


def can_see_network(request: HttpRequest) -> bool:
    """Whether the reader may see ``network`` items: a logged-in person with a role, or a token allowed to read."""
    if grants_of(getattr(request, "user", None)).reads_network:
        return True
    token = bearer_token(request)
    return token is not None and token_reads_network(token)


def can_see_drafts(request: HttpRequest) -> bool:
    """Whether the reader may see drafts of this node's items: the people who write them."""
    return grants_of(getattr(request, "user", None)).writes_items
