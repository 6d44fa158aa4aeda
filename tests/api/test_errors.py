"""Every error under /api/ is application/problem+json (RFC 9457), whoever raises it."""

import io
import json

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.urls import include, path
from rest_framework.decorators import api_view
from rest_framework.test import APIClient

from api.middleware import ProblemDetailsMiddleware
from tests.api.factories import make_method

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    """The response is problem details with this status; returns them."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert problem["title"] and problem["detail"]
    return problem


@pytest.mark.django_db
def test_400_for_an_invalid_filter(anonymous):
    problem = assert_problem(anonymous.get("/api/events/", {"start_after": "morgen"}), 400)
    assert list(problem["errors"]) == ["start_after"]


@pytest.mark.django_db
def test_401_403_for_writes_without_the_right_to(anonymous, reader, lab):
    assert_problem(anonymous.delete("/api/methods/00000000-0000-0000-0000-000000000000/"), 401)
    assert_problem(reader.post("/api/methods/", {}), 403)


@pytest.mark.django_db
def test_404_for_an_unknown_item_a_malformed_id_and_an_unknown_path(anonymous):
    assert_problem(anonymous.get("/api/methods/00000000-0000-0000-0000-000000000000/"), 404)
    assert_problem(anonymous.get("/api/methods/kein-uuid/"), 404)
    assert_problem(anonymous.get("/api/labs/keine-zahl/"), 404)
    problem = assert_problem(anonymous.get("/api/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="en"), 404)
    assert problem["detail"] == "There is no API endpoint at /api/gibt-es-nicht/."
    assert problem["instance"] == "/api/gibt-es-nicht/"


@pytest.mark.django_db
def test_404_outside_the_api_stays_html(client):
    assert client.get("/gibt-es-nicht/")["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_405_names_the_allowed_methods(writer):
    response = writer.delete("/api/nodes/")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_413_for_a_body_above_the_limit(writer, lab):
    body = b'{"title": "' + b"x" * (300 * 1024) + b'"}'
    problem = assert_problem(writer.generic("POST", "/api/methods/", body, content_type="application/json"), 413)
    assert "256 KiB" in problem["detail"]


@pytest.mark.django_db
def test_413_is_answered_before_the_body_is_read():
    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    request = WSGIRequest({
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/methods/", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
        "wsgi.url_scheme": "http", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(10**9),
        "wsgi.input": Unreadable(),
    })
    response = ProblemDetailsMiddleware(lambda request: HttpResponse(request.body))(request)
    assert (response.status_code, response["Content-Type"]) == (413, PROBLEM)
    assert json.loads(response.content)["status"] == 413


@pytest.mark.django_db
def test_415_for_a_form_instead_of_json(writer, lab):
    response = writer.post("/api/methods/", {"title": "x"}, format="multipart")
    assert_problem(response, 415)


@pytest.mark.django_db
def test_429_when_anonymous_readers_exceed_their_rate(anonymous, settings, node):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": "2/min", "client": "5/min"}}
    for _ in range(2):
        assert anonymous.get("/api/nodes/").status_code == 200
    response = anonymous.get("/api/nodes/")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_tokens_have_their_own_higher_rate(reader, anonymous, settings, node):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": "1/min", "client": "3/min"}}
    assert anonymous.get("/api/nodes/").status_code == 200
    assert [reader.get("/api/nodes/").status_code for _ in range(4)] == [200, 200, 200, 429]


@api_view(["GET"])
def failing_api_view(request):
    raise RuntimeError("secret internals")


def failing_django_view(request):
    raise RuntimeError("secret internals")


urlpatterns = [
    path("api/test/failing-api/", failing_api_view),
    path("api/test/failing-django/", failing_django_view),
    path("", include("config.urls")),
]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/api/test/failing-api/", "/api/test/failing-django/"])
def test_500_is_a_problem_without_traceback(settings, url, debug):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = debug
    client = APIClient(raise_request_exception=False)
    response = client.get(url)
    assert_problem(response, 500)
    assert b"secret internals" not in response.content and b"Traceback" not in response.content


@pytest.mark.django_db
def test_problems_speak_the_requests_language(anonymous, lab):
    method = make_method(lab, visibility="network")
    german = assert_problem(anonymous.get(f"/api/methods/{method.uuid}/"), 404)
    english = assert_problem(anonymous.get(f"/api/methods/{method.uuid}/", HTTP_ACCEPT_LANGUAGE="en"), 404)
    assert (german["title"], english["title"]) == ("Nicht gefunden", "Not found")
