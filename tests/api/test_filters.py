"""The query parameters of the lists: search, choices, JSON list membership, places, dates and ordering."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.factories import (
    START,
    make_event,
    make_method,
    mirrored_event,
    mirrored_method,
    results,
    titles,
)


@pytest.fixture
def methods(lab, remote_lab):
    """Three method cards that differ in every filtered field."""
    make_method(
        lab, title="Persona-Werkstatt", summary="Wer nutzt den Dienst?", phase="erkennen", difficulty="low",
        duration_min=30, duration_max=60, target_groups=["older-people"], keywords=["Bürgerbeteiligung"],
        language="de",
    )
    make_method(
        lab, title="Zukunftstheater", summary="Szenen spielen", body="Mit Requisiten aus dem Fundus",
        phase="entwerfen", difficulty="high", duration_min=120, target_groups=["children-and-young-people"],
        keywords=["Theater"], language="en",
    )
    mirrored_method(remote_lab, title="Stadtspaziergang", keywords=["Bürgerbeteiligung"], duration_min=90)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "persona"}, ["Persona-Werkstatt"]),
        ({"q": "SZENEN"}, ["Zukunftstheater"]),
        ({"q": "requisiten"}, ["Zukunftstheater"]),
        ({"q": "bürgerbeteiligung"}, ["Persona-Werkstatt", "Stadtspaziergang"]),
        ({"q": "persona szenen"}, []),
        ({"phase": "entwerfen"}, ["Zukunftstheater"]),
        ({"difficulty": "low"}, ["Persona-Werkstatt"]),
        ({"target_group": "older-people"}, ["Persona-Werkstatt"]),
        ({"duration_max": 90}, ["Persona-Werkstatt", "Stadtspaziergang"]),
        ({"language": "en"}, ["Zukunftstheater"]),
        ({"keyword": "Bürgerbeteiligung"}, ["Persona-Werkstatt", "Stadtspaziergang"]),
        ({"keyword": "Bürger"}, []),
        ({"city": "fernstadt"}, ["Stadtspaziergang"]),
        ({"origin": "http://127.0.0.1:8999"}, ["Stadtspaziergang"]),
        ({"origin": "http://127.0.0.1:8999/"}, ["Stadtspaziergang"]),
        ({"phase": "erkennen", "difficulty": "high"}, []),
    ],
)
def test_method_filters(anonymous, methods, params, expected):
    assert titles(anonymous.get("/api/methods/", params)) == expected


@pytest.mark.django_db
def test_methods_filter_by_lab_iri(anonymous, methods, remote_lab):
    assert titles(anonymous.get("/api/methods/", {"lab": remote_lab.iri})) == ["Stadtspaziergang"]


@pytest.mark.django_db
def test_methods_are_ordered_as_asked_with_several_fields(anonymous, methods):
    assert titles(anonymous.get("/api/methods/", {"ordering": "-title"})) == [
        "Zukunftstheater", "Stadtspaziergang", "Persona-Werkstatt"
    ]
    assert titles(anonymous.get("/api/methods/", {"ordering": "duration_min,-date_modified"})) == [
        "Persona-Werkstatt", "Stadtspaziergang", "Zukunftstheater"
    ]


@pytest.mark.django_db
def test_an_unknown_choice_is_a_problem_naming_the_parameter(anonymous, methods):
    response = anonymous.get("/api/methods/", {"phase": "traeumen", "ordering": "colour"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"phase", "ordering"}


@pytest.fixture
def events(lab, remote_lab):
    """Events that differ in time, mode, accessibility, price, language and audience."""
    make_event(
        lab, title="Erzählcafé", description="Geschichten aus dem Viertel", start=START, end=START + timedelta(hours=2),
        accessibility_features=["hearing-loop", "step-free-access"], target_groups=["older-people"],
        languages=["de"], keywords=["Nachbarschaft"], is_free=True,
    )
    make_event(
        lab, title="Online-Sprechstunde", attendance_mode="online", online_url="https://meet.example.org/x",
        place_name="", start=START + timedelta(days=30), end=START + timedelta(days=30, hours=1),
        languages=["en", "tr"], is_free=False,
    )
    now = timezone.now()
    mirrored_event(remote_lab, title="Vergangenes Fest", start=now - timedelta(days=3), end=now - timedelta(days=2))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "viertel"}, ["Erzählcafé"]),
        ({"q": "marktplatz"}, ["Vergangenes Fest"]),
        ({"accessibility": "hearing-loop"}, ["Erzählcafé"]),
        ({"attendance_mode": "online"}, ["Online-Sprechstunde"]),
        ({"free": "false"}, ["Online-Sprechstunde"]),
        ({"language": "tr"}, ["Online-Sprechstunde"]),
        ({"target_group": "older-people"}, ["Erzählcafé"]),
        ({"keyword": "Nachbarschaft"}, ["Erzählcafé"]),
        ({"upcoming": "true"}, ["Erzählcafé", "Online-Sprechstunde"]),
        ({"upcoming": "false"}, ["Vergangenes Fest"]),
        ({"start_after": "2027-03-04"}, ["Erzählcafé", "Online-Sprechstunde"]),
        ({"start_after": "2027-03-05"}, ["Online-Sprechstunde"]),
        ({"start_after": "2027-03-01", "start_before": "2027-04-01"}, ["Erzählcafé"]),
        ({"start_before": "2027-03-04"}, ["Vergangenes Fest"]),
        ({"city": "Fernstadt"}, ["Vergangenes Fest"]),
        ({"origin": "http://127.0.0.1:8000/"}, ["Erzählcafé", "Online-Sprechstunde"]),
    ],
)
def test_event_filters(anonymous, events, params, expected):
    assert sorted(titles(anonymous.get("/api/events/", params))) == expected


@pytest.mark.django_db
def test_events_are_ordered_by_start_unless_asked_otherwise(anonymous, events):
    assert titles(anonymous.get("/api/events/")) == ["Vergangenes Fest", "Erzählcafé", "Online-Sprechstunde"]
    assert titles(anonymous.get("/api/events/", {"ordering": "-start"}))[0] == "Online-Sprechstunde"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [({"city": "FERNSTADT"}, ["fernlabor"]), ({"q": "teststadt"}, ["testlabor-teststadt"]),
     ({"origin": "http://127.0.0.1:8999/"}, ["fernlabor"])],
)
def test_lab_filters(anonymous, lab, remote_lab, params, expected):
    assert [item["slug"] for item in results(anonymous.get("/api/labs/", params))] == expected
