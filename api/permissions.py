"""Who may read network items, and who may write this node's items, as the API sees requests.

The roles themselves live in ``hub.roles``; here they meet DRF's authentication. Which lab's items a
person may write is decided by the services (``raise_unless_may_edit``), with ``request_actor`` as
the person acting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from hub.access import token_owner, token_reads_network
from hub.roles import grants_of

if TYPE_CHECKING:
    from rest_framework.views import APIView

WRITE_SCOPE = "write"


def token_scopes(request: Request) -> frozenset[str]:
    """The scopes of the request's access token; none without a token."""
    token = request.auth
    return frozenset(token.scope.split()) if isinstance(token, AccessToken) else frozenset()


def request_actor(request: Request) -> Any:
    """The person a request acts for: the token's owner, or the logged-in user (anonymous without either)."""
    if isinstance(request.auth, AccessToken):
        return token_owner(request.auth)
    return request.user


def staff_actor(request: Request) -> Any:
    """The person a request acts for when it may act as staff (a login, or a token with scope ``write``); else None.

    For reads that show a lab's staff more (a closing report not yet published, the feedback's texts):
    a token that only reads sees what everyone sees.
    """
    if isinstance(request.auth, AccessToken):
        return token_owner(request.auth) if WRITE_SCOPE in token_scopes(request) else None
    return request.user if request.user.is_authenticated else None


def sees_network_items(request: Request) -> bool:
    """Whether the reader may see ``network`` items: a token allowed to read, or a login with a role.

    The same rule as ``hub.access.can_see_network`` for pages, applied to DRF's authentication.
    """
    if isinstance(request.auth, AccessToken):
        return token_reads_network(request.auth)
    return grants_of(request.user).reads_network


class ReadOrWriteLocalItems(BasePermission):
    """Anyone reads; writing needs a lab editor or node administrator, by a token with scope ``write`` or a login.

    A login writes only with a valid CSRF token, which ``SessionAuthentication`` checks. Which labs'
    items the person may write, the services check.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Allow reads, and writes by lab editors and node administrators with the right token or login."""
        if request.method in SAFE_METHODS:
            return True
        if isinstance(request.auth, AccessToken):
            return self.token_may_write(request)
        self.message = _("Only lab editors and node administrators may change this node's items.")
        return grants_of(request.user).writes_items

    def token_may_write(self, request: Request) -> bool:
        """Whether the token carries scope ``write`` and its owner is a lab editor or node administrator."""
        if WRITE_SCOPE not in token_scopes(request):
            self.message = _("This access token lacks the scope “write”.")
            return False
        self.message = _(
            "Only lab editors and node administrators may change this node's items; the owner of this token is neither."
        )
        return grants_of(token_owner(request.auth)).writes_items


class WritersOnly(ReadOrWriteLocalItems):
    """Lab editors and node administrators only, by a token with scope ``write`` or a login, for reads too.

    The staff's view of ideas waiting for moderation is no public read.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        """Allow lab editors and node administrators with the right token or login, whatever the method."""
        if isinstance(request.auth, AccessToken):
            return self.token_may_write(request)
        self.message = _("Only lab editors and node administrators may moderate this node's ideas.")
        return grants_of(request.user).writes_items


class AnyoneMaySend(BasePermission):
    """Anyone may send (an idea, without an account); the view throttles per address."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return True


def raise_unless_staff_writer(request: Request) -> None:
    """Refuse a request that is not from a lab editor or node administrator with scope ``write`` or a login.

    For the staff's operations on an event's registrations, reads included: they show personal data.
    Which event's registrations the person may see, the services check (their lab's).
    """
    if request.auth is None and not request.user.is_authenticated:
        raise NotAuthenticated()
    permission = ReadOrWriteLocalItems()
    allowed = permission.token_may_write(request) if isinstance(request.auth, AccessToken) else \
        grants_of(request.user).writes_items
    if not allowed:
        raise PermissionDenied(permission.message if isinstance(request.auth, AccessToken) else _(
            "Only lab editors and node administrators may see and change registrations."))
