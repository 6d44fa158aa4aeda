"""Items, tokens and response helpers for the API tests."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value
from rest_framework.test import APIClient

from api.services import access_token_issue
from events.models import Event
from events.services import event_create
from hub.roles import SYSTEM
from methods.models import MethodCard
from methods.services import method_create

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 3, 4, 18, 0, tzinfo=BERLIN)


def token_client(user: User, scope: str, lifetime: timedelta = timedelta(days=1)) -> APIClient:
    """A client sending a bearer token minted for the user with these scopes."""
    client = APIClient()
    token = access_token_issue(user=user, scopes=scope.split(), lifetime=lifetime)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def peer_client(scope: str = "federation") -> APIClient:
    """A client with the token a peer node's client-credentials grant yields: no user, scope federation."""
    application = Application.objects.create(
        name="Partnerknoten", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    token = AccessToken(application=application, scope=scope, expires=timezone.now() + timedelta(hours=1))
    raw_token = secrets.token_urlsafe(32)
    set_token_value(token, raw_token)
    token.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return client


def make_method(lab, **fields) -> MethodCard:
    values = {"title": "Persona-Werkstatt", "summary": "Wer nutzt den Dienst?", "phase": "erkennen", "lab": lab}
    return method_create(actor=SYSTEM, **(values | fields))


def make_event(lab, **fields) -> Event:
    values = {
        "title": "Offene Werkstatt",
        "start": START,
        "end": START + timedelta(hours=2),
        "place_name": "Stadtbibliothek, Saal 2",
        "lab": lab,
    }
    return event_create(actor=SYSTEM, **(values | fields))


def mirrored_method(remote_lab, slug: str = "stadtspaziergang", **fields) -> MethodCard:
    """A method card as the remote node published it, stored as a mirror stores it."""
    values = {"title": "Stadtspaziergang", "summary": "Gehen und fragen", "phase": "erkunden"}
    return MethodCard.objects.create(
        iri=f"{remote_lab.origin.base_url}/methods/{slug}", origin=remote_lab.origin, slug=slug, lab=remote_lab,
        **(values | fields),
    )


def mirrored_event(remote_lab, slug: str = "fernfest", **fields) -> Event:
    """An event as the remote node published it, stored as a mirror stores it."""
    values = {"title": "Fernfest", "start": START, "end": START + timedelta(hours=3), "place_name": "Marktplatz"}
    return Event.objects.create(
        iri=f"{remote_lab.origin.base_url}/events/{slug}", origin=remote_lab.origin, lab=remote_lab,
        **(values | fields),
    )


def results(response) -> list[dict]:
    """The items of a list response, after checking it succeeded."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def titles(response) -> list[str]:
    return [item["title"] for item in results(response)]
