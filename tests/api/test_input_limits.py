"""What the schema says a write takes is what the API takes: limits, shapes and patterns, each a 400 naming the field."""

import pytest

from events.models import Event

EVENT = {"title": "Reparaturcafé", "start": "2027-05-14T18:00:00+02:00", "end": "2027-05-14T21:00:00+02:00",
         "place_name": "Stadtteilzentrum"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": 2.068299557796361e307, "longitude": 8.4}, "latitude"),  # was a 500: too large to round
        ({"latitude": 50.1, "longitude": -1e300}, "longitude"),
        ({"start": "2027-05-14 18:00:00+02:00"}, "start"),  # RFC 3339 needs the T
        ({"start": "20270514T180000Z"}, "start"),
        ({"end": "2027-05-14T21:00+02:00"}, "end"),  # and the seconds
        ({"languages": ["de\n"]}, "languages.0"),
        ({"keywords": ["Reparatur", "\x00"]}, "keywords.1"),
        ({"keywords": ["  "]}, "keywords.0"),
        ({"target_groups": ["older-people", "older-people"]}, "target_groups"),
        ({"capacity": 100_001}, "capacity"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"online_url": "ftp://example.org/raum", "attendance_mode": "hybrid"}, "online_url"),
        ({"method_iris": ["mailto:labor@example.org"]}, "method_iris.0"),
        # JSON types as the schema names them, where DRF alone would convert ("12", "yes", 123)
        ({"capacity": "12"}, "capacity"),
        ({"capacity": 12.0}, "capacity"),
        ({"is_free": "yes"}, "is_free"),
        ({"title": 123}, "title"),
        ({"place_name": 4.5}, "place_name"),
        ({"latitude": "50.1", "longitude": 8.4}, "latitude"),
        ({"timezone": 1}, "timezone"),
    ],
)
def test_an_event_body_outside_what_the_schema_states_is_refused_naming_the_field(writer, lab, changes, field):
    response = writer.post("/api/events/", EVENT | {"lab": lab.iri} | changes, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_a_time_without_offset_is_named_as_such(writer, lab):
    response = writer.post("/api/events/", EVENT | {"lab": lab.iri, "start": "2027-05-14T18:00:00"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "offset" in response.json()["errors"]["start"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"duration_min": 10_081}, "duration_min"),
        ({"group_size_max": 10_001}, "group_size_max"),
        ({"steps": [{"title": f"Schritt {n}"} for n in range(51)]}, "steps"),
        ({"materials": ["Karten"] * 51}, "materials"),
        ({"source": "javascript:alert(1)"}, "source"),
        ({"title": " \u3000\x1c "}, "title"),
        ({"language": "Deutsch"}, "language"),
        ({"slug": 42}, "slug"),
        ({"duration_min": True}, "duration_min"),
        ({"materials": [7]}, "materials.0"),
    ],
)
def test_a_method_body_outside_what_the_schema_states_is_refused_naming_the_field(writer, lab, changes, field):
    body = {"title": "Kartenabfrage", "summary": "Ideen sammeln", "phase": "erkunden", "lab": lab.iri} | changes
    response = writer.post("/api/methods/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
