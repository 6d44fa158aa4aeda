"""The OpenAPI description and its docs page: valid, complete on security and errors, and offline."""

import io
import json
import re

import pytest
import yaml
from django.core.management import call_command

from events.models import EVENT_EARLIEST, EVENT_LATEST


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


@pytest.fixture
def components(client, db) -> dict:
    return client.get("/api/schema/?format=json").json()["components"]["schemas"]


@pytest.mark.django_db
def test_the_schema_states_the_limits_the_models_enforce(components):
    event = components["EventInputRequest"]["properties"]
    method = components["MethodInputRequest"]["properties"]
    assert event["capacity"]["maximum"] == 100_000 and event["capacity"]["minimum"] == 1
    assert method["duration_min"]["maximum"] == 7 * 24 * 60 and method["group_size_max"]["maximum"] == 10_000
    assert event["target_groups"]["uniqueItems"] and event["accessibility_features"]["uniqueItems"]
    assert (event["keywords"]["maxItems"], event["keywords"]["items"]["maxLength"]) == (50, 80)
    assert method["steps"]["maxItems"] == 50 and method["materials"]["maxItems"] == 50
    assert event["languages"]["items"]["pattern"] == "^[a-z]{2,3}(-[A-Z]{2})?$"
    assert method["translations"]["items"]["pattern"] == "^https?://"
    assert "Europe/Berlin" in components["TimezoneEnum"]["enum"] and "Mars/Olympus_Mons" not in components["TimezoneEnum"]["enum"]


@pytest.mark.django_db
def test_the_event_times_pattern_spells_out_the_years_of_the_model(components):
    pattern = re.compile(components["EventInputRequest"]["properties"]["start"]["pattern"])
    assert components["EventInputRequest"]["properties"]["start"]["format"] == "date-time"
    for year in (EVENT_EARLIEST.year, 2050, EVENT_LATEST.year - 1):
        assert pattern.match(f"{year:04d}-03-04T18:00:00+01:00"), year
    for year in (17, EVENT_EARLIEST.year - 1, EVENT_LATEST.year, 9999):
        assert not pattern.match(f"{year:04d}-03-04T18:00:00Z"), year
    assert pattern.match("2027-03-04T18:00:00.5Z") and not pattern.match("2027-03-04 18:00:00Z")
    assert not pattern.match("2027-03-04T18:00:00")


@pytest.mark.django_db
def test_partial_writes_require_only_what_their_view_requires_and_show_no_defaults(components):
    assert "required" not in components["PatchedEventInputRequest"]
    assert "required" not in components["PatchedMethodInputRequest"]
    assert components["MethodAdaptInputRequest"]["required"] == ["lab"]
    assert set(components["MethodInputRequest"]["required"]) == {"title", "summary", "phase", "lab"}
    for name in ("PatchedEventInputRequest", "PatchedMethodInputRequest", "MethodAdaptInputRequest"):
        assert "default" not in json.dumps(components[name]), name
    assert components["EventInputRequest"]["properties"]["description"]["default"] == ""


@pytest.mark.django_db
def test_the_query_parameters_say_how_they_are_read(client):
    parameters = {p["name"]: p for p in client.get("/api/schema/?format=json").json()["paths"]["/api/events/"]["get"]["parameters"]}
    assert all(parameter["allowEmptyValue"] for parameter in parameters.values())
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["upcoming"]["schema"]["type"] == "boolean"
    assert parameters["q"]["schema"]["pattern"] == "^[^\\u0000]*$"
    methods = client.get("/api/schema/?format=json").json()["paths"]["/api/methods/"]["get"]["parameters"]
    assert next(p for p in methods if p["name"] == "duration_max")["schema"] == {"type": "number", "maximum": 1e50}
