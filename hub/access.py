"""Who may see ``network`` items on pages and documents: staff with a login, or a token with a reading scope."""

from __future__ import annotations

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import get_oauthlib_core

READING_SCOPES = ("read", "federation")


def token_scopes(request: HttpRequest) -> frozenset[str]:
    """The scopes of a valid bearer token sent with the request (empty without one)."""
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return frozenset()
    if not hasattr(request, "_hub_token_scopes"):
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        request._hub_token_scopes = frozenset(oauth_request.access_token.scopes) if valid else frozenset()
    return request._hub_token_scopes


def can_see_network(request: HttpRequest) -> bool:
    """Whether the reader may see ``network`` items: staff, or a token with read or federation scope."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    return any(scope in token_scopes(request) for scope in READING_SCOPES)
