"""A dataset's downloads: CSV safe to open in a spreadsheet, its items' signed documents as JSON-LD, iCalendar."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.opendata.conftest import SECRET

pytestmark = pytest.mark.django_db


def rows(client, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_no_cell_of_the_events_csv_runs_as_a_formula(client, holdings):
    events = rows(client, f"/catalog/{holdings.wiesbaden.slug}/events.csv")
    assert [event["title"][:10] for event in events] == ["Offene Wer", "'=HYPERLIN"]
    forum = events[1]
    assert (forum["description"], forum["place_name"]) == ("'-Mitmachen +Gestalten @Wiesbaden", "'@Rathaus")


def test_the_events_csv_has_a_header_row_and_the_public_events_only(client, holdings):
    response = client.get(f"/catalog/{holdings.wiesbaden.slug}/events.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffiri,title,description,start,end,timezone,")
    events = rows(client, f"/catalog/{holdings.wiesbaden.slug}/events.csv")
    first = events[0]
    assert (first["start"], first["timezone"], first["lab"]) == (
        "2027-03-04T18:00:00+01:00", "Europe/Berlin", holdings.wiesbaden.iri)
    assert (first["keywords"], first["is_free"], first["status"]) == ("Reparieren", "true", "scheduled")
    assert SECRET not in text


def test_the_methods_csv_lists_steps_and_licences(client, holdings):
    methods = {row["title"]: row for row in rows(client, f"/catalog/{holdings.wiesbaden.slug}/methods.csv")}
    assert set(methods) == {"Persona-Werkstatt", "Zukunftstheater"}
    assert methods["Persona-Werkstatt"]["steps"] == "Einladen"
    assert methods["Zukunftstheater"]["license"] == "https://creativecommons.org/licenses/by-nc-sa/4.0/"


def test_the_json_ld_download_holds_the_signed_documents(client, holdings):
    response = client.get(f"/catalog/{holdings.wiesbaden.slug}/events.jsonld")
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    collection = json.loads(response.content)
    assert (collection["type"], collection["totalItems"]) == ("OrderedCollection", 2)
    assert {item["id"] for item in collection["orderedItems"]} == {event.iri for event in holdings.public_events[:2]}
    assert all(item["proof"]["type"] == "DataIntegrityProof" for item in collection["orderedItems"])


def test_the_calendar_holds_the_public_events(client, holdings):
    body = client.get(f"/catalog/{holdings.wiesbaden.slug}/events.ics").content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") == 2 and SECRET not in body


@pytest.mark.parametrize("path", [
    "/catalog/stadtlabor-mainz/methods.ics",  # method cards have no dates
    "/catalog/stadtlabor-mainz/ideas.csv",  # not a kind of dataset
    "/catalog/stadtlabor-mainz/methods.xlsx",
    "/catalog/niemandslabor/events.csv",
    "/catalog/innenrevision/events.csv",  # a network-only lab
    "/catalog/fernlabor/events.csv",  # a mirrored lab: its own node publishes it
])
def test_what_the_catalog_does_not_offer_is_not_found(client, holdings, path):
    response = client.get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
