"""Dates through the API: events take only dates a lab can mean, and every time it writes is RFC 3339."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from events.models import Event
from hub.models import Lab, Node
from tests.api.factories import make_event, mirrored_event

# RFC 3339 section 5.6: the offset has hours and minutes only.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.mark.django_db
def test_patching_an_event_to_start_in_the_year_17_is_refused_naming_start(writer, lab):
    event = make_event(lab, start=datetime(2026, 3, 4, 17, tzinfo=UTC), end=datetime(2026, 3, 4, 19, tzinfo=UTC))
    response = writer.patch(f"/api/events/{event.uuid}/", {"start": "0017-01-01T00:01:01Z"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert list(problem["errors"]) == ["start"]
    assert "2000" in problem["errors"]["start"][0] and "2100" in problem["errors"]["start"][0]
    event.refresh_from_db()
    assert (event.start.year, event.version) == (2026, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("1999-12-31T22:00:00+00:00", "1999-12-31T23:00:00+00:00", "start"),
        ("2100-12-31T22:00:00+00:00", "2101-01-01T02:00:00+00:00", "end"),
        ("9999-12-31T20:00:00+00:00", "9999-12-31T21:00:00+00:00", "start"),
        ("2027-03-01T10:00:00+01:00", "2027-04-27T10:00:01+02:00", "end"),  # eight weeks and a second
    ],
)
def test_creating_an_event_outside_the_years_2000_to_2100_or_longer_than_eight_weeks_is_refused(
    writer, lab, start, end, field
):
    body = {"title": "Zeitreise", "start": start, "end": end, "place_name": "Rathaus", "lab": lab.iri}
    response = writer.post("/api/events/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Event.objects.filter(title="Zeitreise").exists()


@pytest.mark.django_db
def test_an_event_of_exactly_eight_weeks_at_the_edges_of_the_range_is_accepted(writer, lab):
    body = {"title": "Sommerschule", "start": "2000-01-01T00:00:00Z", "end": "2000-02-26T00:00:00Z",
            "place_name": "Rathaus", "lab": lab.iri}
    assert writer.post("/api/events/", body).status_code == 201
    body |= {"start": "2100-12-31T20:00:00Z", "end": "2100-12-31T23:59:59Z"}
    assert writer.post("/api/events/", body).status_code == 201


@pytest.mark.django_db
def test_times_are_rfc_3339_even_for_an_event_stored_before_the_bounds(anonymous, remote_lab):
    # Stored by an older version of the node: Berlin's local mean time had an offset of +00:53:28.
    start = datetime(1890, 6, 1, 12, 0, tzinfo=UTC)
    event = mirrored_event(remote_lab, start=start, end=start + timedelta(hours=2), timezone="Europe/Berlin")
    shown = anonymous.get(f"/api/events/{event.uuid}/").json()
    listed = next(item for item in anonymous.get("/api/events/").json()["results"] if item["uuid"] == str(event.uuid))
    for answer in (shown, listed):
        assert RFC3339.match(answer["start"]) and RFC3339.match(answer["end"]), answer["start"]
        assert datetime.fromisoformat(answer["start"].replace("Z", "+00:00")) == start


@pytest.mark.django_db
def test_times_keep_the_offset_of_the_events_own_zone(anonymous, remote_lab):
    start = datetime(2027, 7, 1, 16, 30, tzinfo=UTC)
    event = mirrored_event(remote_lab, start=start, end=start + timedelta(hours=2), timezone="America/St_Johns")
    shown = anonymous.get(f"/api/events/{event.uuid}/").json()
    assert (shown["start"], shown["end"]) == ("2027-07-01T14:00:00-02:30", "2027-07-01T16:00:00-02:30")
    assert RFC3339.match(shown["date_created"]) and RFC3339.match(shown["date_modified"])


@pytest.mark.django_db
def test_mirrored_labs_and_nodes_with_old_dates_are_shown_in_rfc_3339(anonymous, remote_lab, remote_node):
    # A peer's documents may carry any date from the year 2 on; the node's zone (Berlin) had seconds in its offset.
    old = datetime(1890, 6, 1, 12, 0, tzinfo=UTC)
    Lab.objects.filter(pk=remote_lab.pk).update(date_created=old, date_modified=old)
    Node.objects.filter(pk=remote_node.pk).update(date_modified=old)
    lab = anonymous.get(f"/api/labs/{remote_lab.pk}/").json()
    node = next(item for item in anonymous.get("/api/nodes/").json()["results"] if item["iri"] == remote_node.iri)
    for text in (lab["date_created"], lab["date_modified"], node["date_modified"]):
        assert RFC3339.match(text), text
        assert datetime.fromisoformat(text.replace("Z", "+00:00")) == old
