"""OAuth 2.0 bearer tokens for the API."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request


class BearerTokenAuthentication(OAuth2Authentication):
    """Bearer tokens of django-oauth-toolkit; a token that is sent but invalid or expired is refused, not ignored.

    The ``WWW-Authenticate`` challenge keeps the toolkit's RFC 6750 error and its English description.

    A client-credentials token has no user: its request runs as the anonymous user, and the
    permissions read the token's scopes and, for writes, the owner of its application.
    """

    def authenticate(self, request: Request) -> tuple[object, AccessToken] | None:
        """The token's user (or the anonymous user) and the token, or None when no bearer token is sent.

        Only the ``Authorization`` header carries a token here (never the query string or the body,
        RFC 9700); without one, the toolkit's validator is not even built.
        """
        if not sends_bearer_token(request):
            return None
        result = super().authenticate(request)
        if result is None:
            raise AuthenticationFailed(_("The access token is invalid or has expired."))
        user, token = result
        return user or AnonymousUser(), token


def sends_bearer_token(request: Request) -> bool:
    """Whether the request carries an ``Authorization: Bearer`` header."""
    return request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")
