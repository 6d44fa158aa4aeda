"""The token endpoint as a guesser meets it: failed client authentications are counted per address, and
an address that failed too often waits (429) — also with the right secret — while other clients go on."""

from __future__ import annotations

import pytest
from django.test import Client
from oauth2_provider.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_client(node):
    from federation.models import Peer
    from hub.models import Node
    from hub.multikey import encode_public_key, generate_key

    other = Node.objects.create(iri="http://127.0.0.1:8131/", name="Nachbar", city="Nachbarstadt",
                                public_key_multibase=encode_public_key(generate_key().public_key()))
    application = Application.objects.create(name="Peer", client_type=Application.CLIENT_CONFIDENTIAL,
                                             authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
                                             client_secret="richtiges-geheimnis")
    Peer.objects.create(node=other, application=application, client_id="x", client_secret="y")
    return application


def ask(application, secret: str, address: str):
    return Client().post("/o/token/", {"grant_type": "client_credentials", "client_id": application.client_id,
                                       "client_secret": secret}, REMOTE_ADDR=address)


def test_an_address_that_guessed_wrong_too_often_waits_even_with_the_right_secret(peer_client, settings):
    settings.HUB_THROTTLE_TOKEN = (5, 3600)
    guesses = [ask(peer_client, f"falsch-{n}", "198.51.100.20").status_code for n in range(5)]
    assert guesses == [401] * 5
    waiting = ask(peer_client, "richtiges-geheimnis", "198.51.100.20")
    assert waiting.status_code == 429
    assert 0 < int(waiting["Retry-After"]) <= 3600
    assert waiting.json()["error"] == "slow_down"
    assert ask(peer_client, "richtiges-geheimnis", "198.51.100.21").json()["scope"] == "federation"


def test_successful_token_requests_are_not_counted(peer_client, settings):
    settings.HUB_THROTTLE_TOKEN = (2, 3600)
    answers = [ask(peer_client, "richtiges-geheimnis", "198.51.100.22").status_code for _ in range(5)]
    assert answers == [200] * 5
