"""Who may see ``network`` items on pages and documents: staff with a login, or a token with a reading scope."""

from __future__ import annotations

from django.http import HttpRequest
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_backends import get_oauthlib_core

READING_SCOPES = ("read", "federation")


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


def can_see_network(request: HttpRequest) -> bool:
    """Whether the reader may see ``network`` items: staff, or a token with read or federation scope."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    return any(scope in token_scopes(request) for scope in READING_SCOPES)
