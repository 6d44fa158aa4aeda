"""Least-privilege OAuth scopes: a peer's client may only ask for ``federation``, other clients never for it."""

from __future__ import annotations

from oauth2_provider.scopes import SettingsScopes

from federation.models import Peer

PEER_SCOPES = ["federation"]
CLIENT_SCOPES = ["read", "write"]


class HubScopes(SettingsScopes):
    """Scopes by kind of client: peers pull the feed, scripts and apps read and write."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        if application is None:
            return super().get_available_scopes(application, request, *args, **kwargs)
        return PEER_SCOPES if _is_peer(application) else CLIENT_SCOPES

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return PEER_SCOPES if application is not None and _is_peer(application) else ["read"]


def _is_peer(application) -> bool:
    return Peer.objects.filter(application=application).exists()
