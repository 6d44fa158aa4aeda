"""The REST API against its own OpenAPI description, fuzzed by schemathesis through the WSGI application.

No answer is a server error, and every answer has a status, a content type and a body that
``/api/schema/`` announces for the operation: for anonymous requests, for requests with a staff
member's ``read write`` token (so that the write operations really run), and for sequences of linked
operations (create, then read, change, cancel, adapt or delete what was created).
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
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
    "seed": 20261126,  # fixed: CI runs the same cases every time, and a failure reproduces locally
    "generation": {"max-examples": 25, "database": "none"},
    # The coverage phase would add every boundary case of every parameter: four minutes instead of one.
    "phases": {"coverage": {"enabled": False}},
}
BOUNDED = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))

# Loaded while the module is collected (schemathesis's fixture-based loader does not run on pytest 9);
# the schema view reads no database.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", application, config=SchemathesisConfig.from_dict(CONFIG)
)


# What exists in the test's database, so that generated requests also name real items and labs: without
# them nearly every write would stop at "no such lab" or "no such item".
existing: dict[str, list] = {"labs": [], "methods": [], "events": [], "lab_ids": []}


# An event's cross-field rules (end after start, a place for in-person events) that random values
# hardly ever meet; some bodies get them, so that event writes get through to the services too.
PLAUSIBLE_EVENT = {"start": "2027-03-04T18:00:00+01:00", "end": "2027-03-04T20:00:00+01:00",
                   "timezone": "Europe/Berlin", "attendance_mode": "in-person", "place_name": "Stadtbibliothek",
                   "registration": "none"}


@schema.hook
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


@schema.hook
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
def node_with_content(demo_content, remote_lab, unthrottled, settings):
    """A node with demo and mirrored content that answers schemathesis's WSGI client (host localhost)."""
    mirrored_method(remote_lab)
    mirrored_event(remote_lab)
    labs = Lab.objects.order_by("-origin__is_local", "pk")  # this node's first: Hypothesis favours the first
    existing["labs"] = list(labs.values_list("iri", flat=True))
    existing["lab_ids"] = list(labs.values_list("pk", flat=True))
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


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_as_described_with_and_without_a_token(case, staff_token):
    with rolled_back():
        case.call_and_validate(checks=CHECKS)
        case.call_and_validate(headers=bearer(staff_token), checks=CHECKS)


@pytest.mark.django_db
def test_linked_operations_in_sequence_answer_as_described(staff_token):
    class Staff(schema.as_state_machine()):
        def setup(self):
            self.scenario = rolled_back()
            self.scenario.__enter__()

        def teardown(self):
            self.scenario.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": bearer(staff_token)}

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Staff.run(settings=settings(BOUNDED, max_examples=15, stateful_step_count=6, derandomize=True))


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
