"""The REST API against its own OpenAPI description, fuzzed by schemathesis through the WSGI application.

As a client generated from ``/api/schema/`` would meet it: no answer is a server error, and every answer
has a status, a content type and a body that the schema announces for the operation. Requests that
follow the schema (positive data) are answered as described, without a token and with a staff
member's ``read write`` token (so that the write operations really run), and most valid bodies of the
write operations are accepted: the schema states the rules the API enforces. Requests that break the
schema (negative data) are refused with a 4xx. Sequences of linked operations (create, then read,
change, cancel, adapt or delete what was created) answer as described too.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from events.models import Event
from hub.models import Lab
from methods.models import MethodCard
from tests.api.factories import mirrored_event, mirrored_method

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = {
    "seed": 20261203,  # fixed: CI runs the same cases every time, and a failure reproduces locally
    "generation": {"max-examples": 25, "database": "none"},
    # The coverage phase would add every boundary case of every parameter: four minutes instead of one.
    "phases": {"coverage": {"enabled": False}},
}
BOUNDED = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
WRITES = [("POST", "/api/methods/"), ("PUT", "/api/methods/{uuid}/"), ("PATCH", "/api/methods/{uuid}/"),
          ("POST", "/api/methods/{uuid}/adapt/"), ("POST", "/api/events/"), ("PUT", "/api/events/{uuid}/"),
          ("PATCH", "/api/events/{uuid}/")]


def described_api(mode: str) -> schemathesis.schemas.BaseSchema:
    """The API's schema, generating positive (valid) or negative (invalid) data.

    Loaded while the module is collected (schemathesis's fixture-based loader does not run on pytest 9);
    the schema view reads no database.
    """
    config = CONFIG | {"generation": CONFIG["generation"] | {"mode": mode}}
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", application, config=SchemathesisConfig.from_dict(config)
    )


valid = described_api("positive")
invalid = described_api("negative")


# What exists in the test's database, so that generated requests also name real items and labs: without
# them nearly every write would stop at "no such lab" or "no such item".
existing: dict[str, list] = {"labs": [], "local_labs": [], "methods": [], "events": [], "lab_ids": []}


# An event's cross-field rules (end after start, a place for in-person events) that random values
# hardly ever meet; some bodies get them, so that event writes get through to the services too.
PLAUSIBLE_EVENT = {"start": "2027-03-04T18:00:00+01:00", "end": "2027-03-04T20:00:00+01:00",
                   "timezone": "Europe/Berlin", "attendance_mode": "in-person", "place_name": "Stadtbibliothek",
                   "registration": "none"}


def flatmap_body(context, body):
    """Sometimes name one of this node's labs in ``lab``, and make an event's times and place plausible."""
    if not isinstance(body, dict) or "lab" not in body or not existing["labs"]:
        return st.just(body)
    variants = [body]
    if "/events/" in context.operation.path:
        variants.insert(0, body | PLAUSIBLE_EVENT)
    return st.tuples(st.sampled_from(variants), st.sampled_from([*existing["labs"], body["lab"]])).map(
        lambda chosen: chosen[0] | {"lab": chosen[1]}
    )


def flatmap_path_parameters(context, path_parameters):
    """Sometimes name an existing item (local, mirrored, or in the network only) in the path."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    kind, name = next(((k, n) for k, n in (("methods", "uuid"), ("events", "uuid"), ("labs", "id")) if f"/{k}/" in path),
                      (None, None))
    if kind is None or name not in path_parameters:
        return st.just(path_parameters)
    values = existing["lab_ids" if kind == "labs" else kind]
    return st.sampled_from([*values, path_parameters[name]]).map(lambda value: {**path_parameters, name: value})


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    """A fast password hasher for the staff member and the token's application, made anew for every operation."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def node_with_content(demo_content, remote_lab, unthrottled, settings):
    """A node with demo and mirrored content that answers schemathesis's WSGI client (host localhost)."""
    mirrored_method(remote_lab)
    mirrored_event(remote_lab)
    labs = Lab.objects.order_by("-origin__is_local", "pk")  # this node's first: Hypothesis favours the first
    existing["labs"] = list(labs.values_list("iri", flat=True))
    existing["lab_ids"] = list(labs.values_list("pk", flat=True))
    existing["local_labs"] = list(labs.filter(origin__is_local=True).values_list("iri", flat=True))
    existing["methods"] = [str(u) for u in MethodCard.objects.values_list("uuid", flat=True)]
    existing["events"] = [str(u) for u in Event.objects.values_list("uuid", flat=True)]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # As Django's test client does: the end of a request must not close the test transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def rolled_back():
    """Undo what the requests inside wrote, so every example starts from the same database (and replays)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Only for valid data: in invalid data, a real lab, item or time put in could replace the very part that
# was made invalid, and the request would be valid after all.
valid.hook(flatmap_body)
valid.hook(flatmap_path_parameters)


@valid.parametrize()
@BOUNDED
def test_valid_requests_are_answered_as_described_with_and_without_a_token(case, staff_token):
    with rolled_back():
        case.call_and_validate(checks=CHECKS)
        case.call_and_validate(headers=bearer(staff_token), checks=CHECKS)


@invalid.parametrize()
@BOUNDED
def test_invalid_requests_are_refused_with_a_4xx_as_described(case, staff_token):
    with rolled_back():
        case.call_and_validate(headers=bearer(staff_token), checks=[*CHECKS, negative_data_rejection])


def consistent(body: dict, *, event: bool, partial: bool, update: bool) -> dict:
    """The body with what a client knows beyond the schema: its own labs, and the rules between fields.

    OpenAPI 3.0 cannot say that an end lies after its start or that an event held in person needs a
    place; the request bodies' descriptions say it, and a client follows them. A partial write that
    changes one side of a pair gives the other side too, so that it agrees with itself whatever the
    stored item holds.
    """
    if not isinstance(body, dict):
        return body
    body = dict(body)
    if "lab" in body:
        body["lab"] = existing["local_labs"][0]
    if update and body.get("visibility") == "draft":
        del body["visibility"]  # a published item cannot become a draft again
    for low, high in (("duration_min", "duration_max"), ("group_size_min", "group_size_max")):
        if partial and (low in body) != (high in body):
            body[low] = body[high] = body.get(low, body.get(high))
        if body.get(low) is not None and body.get(high) is not None and body[low] > body[high]:
            body[low], body[high] = body[high], body[low]
    if event:
        body |= consistent_event(body, partial=partial)
    return body


def consistent_event(body: dict, *, partial: bool) -> dict:
    """An event's end two hours after its start, and its place, link and coordinates as they belong together."""
    changes: dict = {}
    if "start" in body or "end" in body or not partial:
        start = datetime.fromisoformat(body.get("start") or body["end"])
        changes |= {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()}
    if not (body.get("place_name") or "").strip() and not (body.get("place_address") or "").strip():
        changes["place_name"] = "Stadtbibliothek"
    if body.get("attendance_mode") in ("online", "hybrid") or partial:
        changes["online_url"] = body.get("online_url") or "https://meet.example.org/werkstatt"
    if body.get("registration") == "required" or (partial and "registration_url" in body):
        changes["registration_url"] = body.get("registration_url") or "https://example.org/anmeldung"
    if "latitude" in body or "longitude" in body or not partial:
        latitude, longitude = body.get("latitude"), body.get("longitude")
        both = latitude is not None and longitude is not None
        changes |= {"latitude": latitude if both else None, "longitude": longitude if both else None}
    return changes | consistent_registration(body, start=changes.get("start"))


def consistent_registration(body: dict, *, start: str | None) -> dict:
    """Seats for registration on the node, at most as many held back, and a registration period before the start."""
    changes: dict = {}
    if body.get("registration") == "node" and not body.get("capacity"):
        changes["capacity"] = 20
    capacity = changes.get("capacity", body.get("capacity"))
    if body.get("held_back_seats") and (capacity is None or body["held_back_seats"] > capacity):
        changes["held_back_seats"] = 0
    for name, before in (("registration_opens", timedelta(days=14)), ("registration_closes", timedelta(hours=1))):
        if body.get(name) is not None:
            changes[name] = (datetime.fromisoformat(start) - before).isoformat() if start else None
    return changes


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_most_valid_bodies_of_the_write_operations_are_accepted(method, path, staff_token):
    statuses: Counter[int] = Counter()
    refusals: Counter[str] = Counter()
    partial, update = method == "PATCH" or path.endswith("/adapt/"), method in ("PUT", "PATCH")

    @given(case=valid[path][method].as_strategy())
    @settings(BOUNDED, max_examples=30, derandomize=True)
    def send(case):
        case.body = consistent(case.body, event="/events/" in path, partial=partial, update=update)
        with rolled_back():
            response = case.call(headers=bearer(staff_token))
        statuses[response.status_code] += 1
        if response.status_code == 400:
            problem = response.json()
            refusals.update(f"{name}: {texts[0]}" for name, texts in problem.get("errors", {"": [problem["detail"]]}).items())

    send()
    # 403 and 404 answer which item the path names (a mirrored one, a made-up uuid), not the body.
    answered = statuses[400] + sum(count for status, count in statuses.items() if status < 300)
    assert statuses[400] <= 0.1 * answered, (statuses, refusals.most_common(8))


@pytest.mark.django_db
def test_linked_operations_in_sequence_answer_as_described(staff_token):
    class Staff(valid.as_state_machine()):
        def setup(self):
            self.scenario = rolled_back()
            self.scenario.__enter__()

        def teardown(self):
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": bearer(staff_token)}

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Staff.run(settings=settings(BOUNDED, max_examples=25, stateful_step_count=8, derandomize=True))


@pytest.mark.django_db
def test_adapting_a_method_with_a_source_url_creates_the_adaptation(client, staff_token):
    method = MethodCard.objects.filter(origin__is_local=True).first()
    lab = Lab.objects.filter(origin__is_local=True).first()
    response = client.post(
        f"/api/methods/{method.uuid}/adapt/", {"lab": lab.iri, "source": "https://example.org/quelle"},
        content_type="application/json", headers=bearer(staff_token),
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "https://example.org/quelle"
