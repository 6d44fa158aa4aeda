"""Who may do what: tokens and their scopes, expiry, client credentials without a user, staff logins with CSRF."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from hub.roles import SYSTEM, Role
from hub.services import role_revoke
from methods.models import MethodCard
from tests.api.factories import make_method, peer_client, token_client

NEW_METHOD = {"title": "Kartenabfrage", "summary": "Ideen sammeln", "phase": "erkunden"}


@pytest.fixture
def network_method(lab):
    return make_method(lab, title="Nur im Netzwerk", visibility="network")


@pytest.mark.django_db
def test_a_write_without_a_token_is_unauthorized_with_a_bearer_challenge(anonymous, lab):
    response = anonymous.post("/api/methods/", NEW_METHOD | {"lab": lab.iri})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "client_of", [lambda staff: token_client(staff, "read"), lambda staff: peer_client()], ids=["read", "federation"]
)
def test_a_token_without_scope_write_cannot_write(staff, lab, client_of):
    response = client_of(staff).post("/api/methods/", NEW_METHOD | {"lab": lab.iri}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "write" in response.json()["detail"]
    assert not MethodCard.objects.exists()


@pytest.mark.django_db
def test_a_write_token_of_someone_who_lost_their_role_cannot_write(staff, lab):
    client = token_client(staff, "write")
    role_revoke(user=staff, role=Role.NODE_ADMIN, actor=SYSTEM)
    response = client.post("/api/methods/", NEW_METHOD | {"lab": lab.iri})
    assert response.status_code == 403 and not MethodCard.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_token_is_unauthorized_for_reads_and_writes(staff, lab, method):
    client = token_client(staff, "read write")
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = getattr(client, method)("/api/methods/", NEW_METHOD | {"lab": lab.iri})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response.json()["status"] == 401


@pytest.mark.django_db
def test_an_unknown_token_is_unauthorized_rather_than_anonymous(anonymous, lab):
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert anonymous.get("/api/methods/").status_code == 401


@pytest.mark.django_db
def test_tokens_are_stored_only_as_checksums(staff):
    token_client(staff, "read")
    stored = AccessToken.objects.get()
    assert stored.token == "" and len(stored.token_checksum) == 64


@pytest.fixture
def script_app(staff):
    """A client-credentials application owned by staff, with its secret known to the test."""
    return Application.objects.create(
        name="Importskript", user=staff, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret="geheimes-geheimnis-1234",
    )


def client_credentials_token(client, application, scope: str) -> str:
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope, "client_id": application.client_id,
         "client_secret": "geheimes-geheimnis-1234"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.mark.django_db
def test_a_client_credentials_token_without_user_reads_network_items(script_app, network_method):
    client = APIClient()
    token = client_credentials_token(client, script_app, "read")
    assert AccessToken.objects.get().user is None
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [item["title"] for item in client.get("/api/methods/").json()["results"]] == ["Nur im Netzwerk"]


@pytest.mark.django_db
def test_a_client_credentials_token_with_scope_write_writes_for_the_applications_owner(script_app, lab):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {client_credentials_token(client, script_app, 'write')}")
    assert client.post("/api/methods/", NEW_METHOD | {"lab": lab.iri}).status_code == 201


@pytest.mark.django_db
def test_a_staff_login_writes_only_with_a_csrf_token(staff, lab):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post("/api/methods/", NEW_METHOD | {"lab": lab.iri}).status_code == 403
    client.cookies["csrftoken"] = "k" * 32
    response = client.post("/api/methods/", NEW_METHOD | {"lab": lab.iri}, HTTP_X_CSRFTOKEN="k" * 32)
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_a_login_without_a_role_cannot_write(django_user_model, lab):
    client = APIClient()
    client.force_login(django_user_model.objects.create_user("besuch", password="ein-langes-passwort"))
    assert client.post("/api/methods/", NEW_METHOD | {"lab": lab.iri}).status_code == 403
