"""manage.py issue_token: a token on standard output alone, that really authenticates."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from methods.models import MethodCard


def issue_token(*args: str) -> tuple[str, str]:
    """Run the command; its standard output and standard error."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("issue_token", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.mark.django_db
def test_the_printed_token_is_alone_on_stdout_and_writes_through_the_api(staff, lab):
    stdout, stderr = issue_token("--user", "redaktion", "--scope", "read write")
    token = stdout.strip()
    assert stdout == token + "\n" and " " not in token and len(token) >= 40
    assert "only this once" in stderr and token not in stderr
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"title": "Kartenabfrage", "summary": "Ideen sammeln", "phase": "erkunden", "lab": lab.iri}
    assert client.post("/api/methods/", body).status_code == 201
    assert MethodCard.objects.get().title == "Kartenabfrage"


@pytest.mark.django_db
def test_the_scripts_application_is_reused_and_each_run_mints_a_new_token(staff):
    first, _ = issue_token("--user", "redaktion", "--scope", "read")
    second, _ = issue_token("--user", "redaktion", "--scope", "read")
    assert first != second
    assert Application.objects.get().user == staff
    assert AccessToken.objects.count() == 2
    assert not AccessToken.objects.filter(token__in=[first.strip(), second.strip()]).exists()


@pytest.mark.django_db
def test_the_lifetime_is_taken_from_expires(staff):
    issue_token("--user", "redaktion", "--scope", "read", "--expires", "12h")
    remaining = AccessToken.objects.get().expires - timezone.now()
    assert timedelta(hours=11, minutes=59) < remaining <= timedelta(hours=12)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "niemand", "--scope", "read"], "no user 'niemand'"),
        (["--user", "redaktion", "--scope", "read admin"], "scope 'admin' is unknown or not for scripts"),
        (["--user", "redaktion", "--scope", "federation"], "scope 'federation' is unknown or not for scripts"),
        (["--user", "redaktion", "--scope", " "], "No scope given"),
        (["--user", "redaktion", "--scope", "read", "--expires", "bald"], "--expires"),
        (["--user", "redaktion", "--scope", "read", "--expires", "1000d"], "at most 365 days"),
    ],
)
def test_bad_arguments_are_refused_clearly(staff, args, message):
    with pytest.raises(CommandError, match=message):
        issue_token(*args)
    assert not AccessToken.objects.exists() and not Application.objects.exists()


@pytest.mark.django_db
def test_a_write_token_is_refused_for_someone_who_is_no_lab_editor_or_node_administrator(person):
    person("besuch", "coordinator")
    with pytest.raises(CommandError, match="may not hold a token with scope 'write'"):
        issue_token("--user", "besuch", "--scope", "read write")
    assert issue_token("--user", "besuch", "--scope", "read")[0].strip()
