"""Query values the schema calls invalid are refused with 400 naming the parameter, not silently ignored.

The HTML pages read the same filter sets and keep ignoring bad values: a page is for people.
"""

import pytest

from tests.api.factories import make_event, make_method


@pytest.fixture
def items(lab):
    make_event(lab)
    make_method(lab)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/events/", "upcoming=maybe", "upcoming"),
        ("/api/events/", "upcoming=null&upcoming=null", "upcoming"),
        ("/api/events/", "free=perhaps", "free"),
        ("/api/events/", "start_after=2027-13-45", "start_after"),
        ("/api/events/", "start_before=tomorrow", "start_before"),
        ("/api/events/", "attendance_mode=telepathy", "attendance_mode"),
        ("/api/methods/", "phase=traeumen", "phase"),
        ("/api/methods/", "duration_max=lang", "duration_max"),
        ("/api/methods/", "duration_max=1e51", "duration_max"),  # the schema's maximum, django-filter's
        ("/api/methods/", "page_size=null", "page_size"),
        ("/api/events/", "page_size=0", "page_size"),
        ("/api/labs/", "page_size=abc", "page_size"),
        ("/api/nodes/", "page_size=-3", "page_size"),
        ("/api/methods/", "page=abc", "page"),
        ("/api/events/", "page=0", "page"),
    ],
)
def test_an_invalid_query_value_is_a_problem_naming_the_parameter(anonymous, items, path, query, parameter):
    response = anonymous.get(f"{path}?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert list(problem["errors"]) == [parameter]
    assert parameter in problem["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/events/", "upcoming=true&free=false&start_after=2027-01-01"),
        ("/api/events/", "upcoming=1&free=0"),
        ("/api/events/", "upcoming="),
        ("/api/methods/", "page_size=1&page=1"),
        ("/api/methods/", "page_size=1000"),
        ("/api/labs/", "page_size=100"),
    ],
)
def test_valid_and_empty_query_values_are_answered(anonymous, items, path, query):
    assert anonymous.get(f"{path}?{query}").status_code == 200


@pytest.mark.django_db
def test_a_page_beyond_the_last_is_not_found(anonymous, items):
    assert anonymous.get("/api/methods/?page=99").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/events/?upcoming=maybe&free=perhaps&start_after=2027-13-45&page_size=null",
     "/methods/?phase=traeumen&duration_max=lang&page=abc&page_size=0"],
)
def test_the_pages_keep_ignoring_bad_filter_values(client, items, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Offene Werkstatt" in response.content.decode() or "Persona-Werkstatt" in response.content.decode()


@pytest.mark.django_db
def test_the_messages_say_what_is_expected_in_german_by_default(anonymous, items):
    assert anonymous.get("/api/events/?upcoming=vielleicht").json()["errors"] == {"upcoming": ["Geben Sie true oder false an."]}
    assert anonymous.get("/api/events/?page_size=null").json()["errors"] == {"page_size": ["Geben Sie eine ganze Zahl ab 1 an."]}
