"""Least-privilege OAuth scopes: a peer's client only ``federation`` (none while its node is blocked or not
allowed); other clients what their owner's roles allow.

``read`` (network-only items) needs a role on this node (coordinator, lab editor or node
administrator), ``write`` a lab editor or node administrator; ``hub.roles`` says who holds which.
The token endpoint asks this backend, and so does ``manage.py issue_token``.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import SettingsScopes

from federation.blocks import token_refusal
from federation.models import Peer
from hub.roles import grants_of

PEER_SCOPES = ["federation"]
CLIENT_SCOPES = ["read", "write"]


def scopes_allowed(user: Any) -> list[str]:
    """The client scopes a token acting for ``user`` may carry: read with any role, write as an editor or administrator."""
    grants = grants_of(user)
    return [scope for scope, allowed in (("read", grants.reads_network), ("write", grants.writes_items)) if allowed]


class HubScopes(SettingsScopes):
    """Scopes by kind of client: peers pull the feed, scripts and apps read and write as their owner's roles allow."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        if application is None:
            return super().get_available_scopes(application, request, *args, **kwargs)
        if _is_peer(application):
            return [] if token_refusal(application_id=application.pk) else PEER_SCOPES
        return scopes_allowed(_acting_user(application, request))

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        if application is not None and _is_peer(application):
            return PEER_SCOPES  # asked for by default, and refused as invalid_scope while the node is refused
        if application is not None and "read" not in self.get_available_scopes(application, request):
            return []
        return ["read"]


def _is_peer(application) -> bool:
    return Peer.objects.filter(application=application).exists()


def _acting_user(application, request) -> Any:
    """The user a token would act for: the request's (a refresh of a user's token), else the application's owner."""
    return getattr(request, "user", None) or application.user
