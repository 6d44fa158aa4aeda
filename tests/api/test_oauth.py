"""The OAuth endpoints: only token, revoke and introspect are mounted, and a token's scopes follow its owner's roles."""

import io

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from federation.models import Peer

pytestmark = pytest.mark.django_db

SECRET = "geheimes-geheimnis-1234"


def application_of(user) -> Application:
    """A client-credentials application owned by the user, as an administrator could create it in the admin."""
    return Application.objects.create(
        name=f"Skript von {user}", user=user, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=SECRET,
    )


def token_request(application: Application, scope: str):
    return APIClient().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope, "client_id": application.client_id, "client_secret": SECRET},
        format="multipart",
    )


@pytest.mark.parametrize("url", [
    "/o/applications/", "/o/applications/register/", "/o/register/", "/o/authorize/", "/o/authorized_tokens/",
    "/o/device/", "/o/userinfo/",
])
def test_a_logged_in_user_cannot_register_an_oauth_application(client, person, url):
    client.force_login(person("besuch", is_staff=False))
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "Meins", "client_type": "confidential",
                                 "authorization_grant_type": "client-credentials", "redirect_uris": ""})
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_token_revoke_and_introspect_stay_under_their_names(client):
    from django.urls import reverse

    assert [reverse(f"oauth2_provider:{name}") for name in ("token", "revoke-token", "introspect")] == [
        "/o/token/", "/o/revoke_token/", "/o/introspect/",
    ]


def test_a_plain_users_application_gets_no_read_token(person):
    response = token_request(application_of(person("besuch", is_staff=False)), "read")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.filter(scope__contains="read").exists()


def test_a_staff_account_without_a_role_gets_no_read_token(person):
    response = token_request(application_of(person("nurstaff")), "read")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_a_coordinators_application_gets_read_but_not_write(person):
    application = application_of(person("kora", "coordinator"))
    assert token_request(application, "write").json()["error"] == "invalid_scope"
    granted = token_request(application, "read")
    assert granted.status_code == 200 and granted.json()["scope"] == "read"


def test_a_lab_editors_application_gets_read_and_write(person, lab):
    granted = token_request(application_of(person("anna", "lab-editor", lab=lab)), "read write")
    assert granted.status_code == 200 and set(granted.json()["scope"].split()) == {"read", "write"}


def test_a_peers_application_gets_only_federation(remote_node):
    application = Application.objects.create(
        name="Peer", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=SECRET,
    )
    Peer.objects.create(node=remote_node, application=application, client_id="x", client_secret="y")
    for scope in ("read", "write", "read federation"):
        assert token_request(application, scope).json()["error"] == "invalid_scope", scope
    assert token_request(application, "federation").json()["scope"] == "federation"


def run_manage(*argv: str) -> tuple[int, str, str]:
    """Run a management command; the exit status ``manage.py`` would end with, its output, and its error message."""
    stdout = io.StringIO()
    try:
        call_command(*argv, stdout=stdout, stderr=io.StringIO())
    except CommandError as error:  # manage.py prints it and exits with its returncode
        return error.returncode, stdout.getvalue(), str(error)
    return 0, stdout.getvalue(), ""


@pytest.mark.parametrize(("who", "scope", "message"), [
    ("besuch", "read", "may not hold a token with scope 'read'"),
    ("nurstaff", "read", "may not hold a token with scope 'read'"),
    ("kora", "read write", "may not hold a token with scope 'write'"),
])
def test_issue_token_refuses_a_scope_the_role_does_not_allow(person, who, scope, message):
    person("besuch", is_staff=False)
    person("nurstaff")
    person("kora", "coordinator")
    status, stdout, stderr = run_manage("issue_token", "--user", who, "--scope", scope)
    assert status != 0 and stdout == ""
    assert message in stderr and "manage.py grant" in stderr, stderr
    assert not AccessToken.objects.exists()
