"""Request rates: one for anonymous readers by address, one for each token's client or logged-in user.

Registrations have rates of their own, per address and per e-mail address (``HUB_THROTTLE_REGISTRATION``);
``HUB_THROTTLE=off`` switches every rate off.

The rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` at every request rather than
when the class is imported, so that changed settings apply at once. The counts live in the default
cache, which every process of the node shares (``CACHES`` in config/settings.py: files under
``HUB_DATA_DIR`` or Redis), so a rate holds however many web workers serve the node. A reader's
address is the one ``hub.addresses`` finds: ``X-Forwarded-For`` counts only from the trusted proxy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from federation.throttle import registration_wait
from hub.addresses import client_address_text

if TYPE_CHECKING:
    from rest_framework.views import APIView


class CurrentRateThrottle(SimpleRateThrottle):
    """A throttle whose rate comes from the current settings."""

    def get_rate(self) -> str | None:
        """The rate configured for this throttle's scope; none while ``HUB_THROTTLE`` is off."""
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) if settings.HUB_THROTTLE else None

    def get_ident(self, request: Request) -> str:
        """The client's address; DRF's own would believe any ``X-Forwarded-For`` a client sends."""
        return client_address_text(request) or "unknown"


class AnonymousRateThrottle(CurrentRateThrottle):
    """Requests without a token or login, counted per client address."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        """The client address, or None for a request with a token or login."""
        if request.auth is not None or request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ClientRateThrottle(CurrentRateThrottle):
    """Requests with a token, counted per OAuth application, or with a login, counted per user."""

    scope = "client"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        """The token's application or the logged-in user, or None for anonymous requests."""
        token = request.auth
        if token is not None:
            ident = f"application-{token.application_id}" if token.application_id else f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}



class RegistrationRateThrottle(BaseThrottle):
    """Registrations sent without a token or login: per client address and per e-mail address.

    Counted with the registration pages (``federation.throttle.registration_wait``), at
    ``HUB_THROTTLE_REGISTRATION``; staff registering someone are not counted.
    """

    seconds: int | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        """Whether this registration is within both rates."""
        if request.method != "POST" or request.auth is not None or request.user.is_authenticated:
            return True
        email = request.data.get("email") if isinstance(request.data, dict) else None
        self.seconds = registration_wait(request=request, email=email)
        return self.seconds is None

    def wait(self) -> int | None:
        """The seconds until the client may register again."""
        return self.seconds
