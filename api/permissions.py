"""Who may read network items, and who may write this node's items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from hub.access import READING_SCOPES

if TYPE_CHECKING:
    from rest_framework.views import APIView

WRITE_SCOPE = "write"


def token_scopes(request: Request) -> frozenset[str]:
    """The scopes of the request's access token; none without a token."""
    token = request.auth
    return frozenset(token.scope.split()) if isinstance(token, AccessToken) else frozenset()


def sees_network_items(request: Request) -> bool:
    """Whether the reader may see ``network`` items: a token with scope read or federation, or a staff login.

    The same rule as ``hub.access.can_see_network`` for pages, applied to DRF's authentication.
    """
    if isinstance(request.auth, AccessToken):
        return not token_scopes(request).isdisjoint(READING_SCOPES)
    return request.user.is_staff


def token_owner(token: AccessToken) -> AbstractBaseUser | None:
    """The user a token acts for: its own, or for a client-credentials token the owner of its application."""
    if token.user_id:
        return token.user
    return token.application.user if token.application_id else None


def is_active_staff(user: AbstractBaseUser | None) -> bool:
    """Whether the user is an active staff member."""
    return bool(user and user.is_active and user.is_staff)


class ReadOrWriteLocalItems(BasePermission):
    """Anyone reads; writing needs a token with scope ``write`` owned by active staff, or a staff login.

    A staff login writes only with a valid CSRF token, which ``SessionAuthentication`` checks.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Allow reads, and writes by staff with the right token or login."""
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, AccessToken):
            return self.token_may_write(request)
        self.message = _("Only staff may change this node's items.")
        return is_active_staff(request.user)

    def token_may_write(self, request: Request) -> bool:
        """Whether the token carries scope ``write`` and belongs to active staff."""
        if WRITE_SCOPE not in token_scopes(request):
            self.message = _("This access token lacks the scope “write”.")
            return False
        self.message = _("Only staff may change this node's items; the owner of this token is not staff.")
        return is_active_staff(token_owner(request.auth))
