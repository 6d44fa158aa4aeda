"""Guessing passwords: after HUB_LOGIN_FAILURES failed sign-ins for one account from one address, the
staff login and the admin login refuse that pair for HUB_LOGIN_COOLOFF minutes, in the reader's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from oauth2_provider.models import Application

from federation.models import Peer
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGINS = ("/accounts/login/", "/admin/login/")
ATTACKER = "198.51.100.23"


def sign_in(client, path: str, password: str, *, username: str = "redaktion", address: str = ATTACKER, **headers):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail(client, path: str, times: int, **kwargs) -> list[int]:
    return [sign_in(client, path, "falsch-geraten", **kwargs).status_code for _ in range(times)]


@pytest.mark.parametrize("path", LOGINS)
def test_the_sixth_guess_is_refused_even_with_the_right_password(client, staff, path):
    assert fail(client, path, 5) == [200] * 4 + [429], "the fifth failure already says so"
    response = sign_in(client, path, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldungen" in page and "15 Minuten" in page
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_the_locked_out_page_speaks_english_to_english_readers(client, staff):
    fail(client, "/accounts/login/", 5)
    response = sign_in(client, "/accounts/login/", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()


def test_the_lockout_holds_for_the_account_and_address_together(client, staff, django_user_model):
    django_user_model.objects.create_user("kollegin", password=PASSWORD, is_staff=True)
    fail(client, "/accounts/login/", 5)
    assert sign_in(client, "/accounts/login/", PASSWORD, username="kollegin").status_code == 302
    client.logout()
    assert sign_in(client, "/accounts/login/", PASSWORD, address="203.0.113.5").status_code == 302


def test_a_failed_guess_on_one_login_counts_on_the_other(client, staff):
    fail(client, "/accounts/login/", 3)
    fail(client, "/admin/login/", 2)
    assert sign_in(client, "/admin/login/", PASSWORD).status_code == 429


def test_a_successful_sign_in_starts_the_count_again(client, staff):
    fail(client, "/accounts/login/", 4)
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302
    client.logout()
    fail(client, "/accounts/login/", 4)
    assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff, settings):
    fail(client, "/accounts/login/", 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "/accounts/login/", PASSWORD).status_code == 302


def test_a_forwarded_for_header_from_the_attacker_does_not_reset_the_count(client, staff):
    for number in range(5):
        sign_in(client, "/accounts/login/", "falsch", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert sign_in(client, "/accounts/login/", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_a_peers_client_credentials_are_never_locked_out(client, staff, remote_node):
    secret = "ein-sehr-langes-geheimnis-des-partnerknotens"
    application = Application.objects.create(
        name="Partnerknoten", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret,
    )
    Peer.objects.create(node=remote_node, application=application, client_id="x", client_secret="y")
    fail(client, "/accounts/login/", 5, username=application.client_id)

    def token(secret_: str) -> int:
        return client.post("/o/token/", {"grant_type": "client_credentials", "scope": "federation",
                                         "client_id": application.client_id, "client_secret": secret_},
                           REMOTE_ADDR=ATTACKER).status_code

    assert [token("falsch") for _ in range(8)] == [401] * 8
    assert token(secret) == 200
