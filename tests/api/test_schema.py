"""The OpenAPI description and its docs page: valid, complete on security and errors, and offline."""

import io
import re

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=io.StringIO())
    schema = yaml.safe_load(target.read_text())
    assert {"/api/methods/", "/api/methods/{uuid}/adapt/", "/api/events/", "/api/labs/{id}/", "/api/nodes/"} <= set(
        schema["paths"]
    )


@pytest.mark.django_db
def test_the_schema_describes_oauth2_scopes_and_problem_responses(client):
    schema = client.get("/api/schema/?format=json").json()
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert set(flows["clientCredentials"]["scopes"]) == {"read", "write", "federation"}
    create = schema["paths"]["/api/methods/"]["post"]
    assert {"oauth2": ["write"]} in create["security"]
    assert "application/problem+json" in create["responses"]["400"]["content"]
    assert set(schema["components"]["schemas"]["Problem"]["properties"]) >= {"type", "title", "status", "detail"}


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_other_hosts(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", page))
    assert hosts <= {"testserver"}, hosts
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    # the start script is the page's own (?script), a file for the Content-Security-Policy
    assert assets and all(asset.startswith(("/static/", "/api/docs/?script=")) for asset in assets), assets


@pytest.mark.django_db
def test_the_schema_says_what_the_api_refuses(client):
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    requests = {name: schema for name, schema in schemas.items() if name.endswith("Request")}
    assert {"MethodInputRequest", "PatchedMethodInputRequest", "EventInputRequest", "MethodAdaptInputRequest",
            "StepInputRequest"} <= set(requests)
    assert all(schema["additionalProperties"] is False for schema in requests.values())
    event = schemas["EventInputRequest"]["properties"]
    latitude, longitude = event["latitude"], event["longitude"]
    assert (latitude["minimum"], latitude["maximum"]) == (-90, 90)
    assert (longitude["minimum"], longitude["maximum"]) == (-180, 180)
