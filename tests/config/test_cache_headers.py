"""What a shared cache may keep: answers for signed-in readers and token holders are private, public ones stay as they were."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from hub.roles import SYSTEM, Role
from hub.services import role_grant
from tests.api.factories import make_event, peer_client, token_client

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create_user("redaktion", password="ein-langes-passwort", is_staff=True)
    role_grant(user=user, role=Role.NODE_ADMIN, actor=SYSTEM)
    return user


@pytest.fixture
def network_event(lab):
    return make_event(lab, title="Nur fürs Netzwerk", visibility="network")


@pytest.mark.parametrize("path", ["/", "/events/", "/methods/", "/network/", "/api/events/"])
def test_pages_and_lists_for_staff_are_private_and_vary_on_cookie_and_authorization(client, staff, network_event, path):
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 200
    assert "private" in cache_control(response), path
    assert {"cookie", "authorization"} <= vary(response)


def test_a_network_item_shown_to_staff_is_private(client, staff, network_event):
    client.force_login(staff)
    for accept in ("text/html", "application/ld+json", "text/calendar"):
        response = client.get(f"/events/{network_event.uuid}", HTTP_ACCEPT=accept)
        assert response.status_code == 200 and "private" in cache_control(response), accept
    assert "private" in cache_control(client.get(f"/events/{network_event.uuid}.ics"))


def test_api_answers_to_token_holders_are_private(staff, network_event):
    for client in (token_client(staff, "read"), peer_client()):
        response = client.get("/api/events/")
        assert response.status_code == 200 and len(response.json()["results"]) == 1
        assert "private" in cache_control(response) and "authorization" in vary(response)
    feed = peer_client().get("/api/federation/feed")
    assert feed.status_code == 200 and "private" in cache_control(feed)


def test_public_answers_stay_cacheable(client, lab, network_event):
    for path in ("/", "/events/", "/api/events/", "/.well-known/stadtlabor", "/events.ics"):
        response = client.get(path)
        assert response.status_code == 200
        assert "private" not in cache_control(response) and "no-store" not in cache_control(response), path
        assert {"cookie", "authorization"} <= vary(response), "a shared cache must not hand a signed-in reader's answer on"
    assert cache_control(client.get("/ns/v1")) == {"public", "max-age=86400"}
