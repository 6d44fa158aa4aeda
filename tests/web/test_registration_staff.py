"""The staff's pages for an event's registrations: list and counts, check-in, on-behalf, cancel, print and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from events.models import Event, Registration
from tests.events.factories import registered, seated_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(lab):
    return seated_event(lab, capacity=2, waiting_list=True, max_companions=1, held_back_seats=0)


@pytest.fixture
def editor(client, lab, person):
    client.force_login(person("redaktion", "lab-editor", lab=lab))
    return client


def page_text(response) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def test_the_list_shows_everyone_with_status_code_and_the_counts(editor, event):
    first = registered(event, 1, companions=1, needs=["hearing-loop"], answer="Mehr Licht")
    registered(event, 2)
    response = editor.get(f"/staff/events/{event.uuid}/registrations")
    text = page_text(response)
    assert "Person 1" in text and first.code in text and "Induktionsschleife" in text and "Mehr Licht" in text
    assert "Warteliste (1)" in text or "Auf der Warteliste (1)" in text
    assert "no-store" in response["Cache-Control"]
    assert '<dt>Bestätigt (Personen)</dt><dd>2 / 2</dd>' in text


def test_only_the_events_lab_sees_its_registrations(client, event, second_lab, person):
    assert client.get(f"/staff/events/{event.uuid}/registrations").status_code == 302
    client.force_login(person("fremd", "lab-editor", lab=second_lab))
    assert client.get(f"/staff/events/{event.uuid}/registrations").status_code == 403
    assert client.get(f"/staff/events/{event.uuid}/registrations.csv").status_code == 403


def test_check_in_by_code_counts_the_people(editor, event):
    guest = registered(event, 1, companions=1)
    response = editor.post(f"/staff/events/{event.uuid}/registrations", {"checkin-code": guest.code.lower()}, follow=True)
    assert "Eingecheckt: Person 1 (2 Personen)." in page_text(response)
    assert Event.objects.get(pk=event.pk).checked_in_count == 2
    again = editor.post(f"/staff/events/{event.uuid}/registrations", {"checkin-code": guest.code}, follow=True)
    assert "ist schon eingecheckt" in page_text(again)


def test_someone_who_called_is_registered_on_behalf(editor, event):
    response = editor.post(f"/staff/events/{event.uuid}/registrations",
                           {"behalf-name": "Frau Yilmaz", "behalf-note": "rief an", "behalf-companions": "0"}, follow=True)
    registration = Registration.objects.get(name="Frau Yilmaz")
    assert (registration.status, registration.email, registration.on_behalf) == ("confirmed", "", True)
    assert f"Code {registration.code}" in page_text(response)


def test_staff_cancel_a_registration_and_the_first_waiting_moves_up(editor, lab):
    event = seated_event(lab, capacity=1, waiting_list=True)
    first, second = registered(event, 1), registered(event, 2)
    editor.post(f"/staff/events/{event.uuid}/registrations/{first.uuid}/cancel")
    assert [r.status for r in Registration.objects.order_by("pk")] == ["cancelled", "confirmed"]
    assert second.pk


def test_the_door_list_has_the_seated_by_name(editor, lab):
    event = seated_event(lab, capacity=2, waiting_list=True)
    registered(event, 1, name="Zora"), registered(event, 2, name="anton"), registered(event, 3, name="Wartende")
    text = page_text(editor.get(f"/staff/events/{event.uuid}/registrations/print"))
    assert text.index("anton") < text.index("Zora") and "Wartende" not in text


def test_the_csv_holds_every_registration_and_no_cell_runs_as_a_formula(editor, event):
    registered(event, 1, name="=HYPERLINK(\"http://evil.example\";\"klick\")", answer="+49 611 123")
    response = editor.get(f"/staff/events/{event.uuid}/registrations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8" and "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffname,email,")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0]["name"].startswith("'=HYPERLINK") and rows[0]["answer"] == "'+49 611 123"
    assert (rows[0]["email"], rows[0]["status"]) == ("person1@example.org", "confirmed")


def test_staff_open_an_event_for_registration_on_this_node(editor, lab):
    data = {
        "title": "Repair-Café", "lab": lab.iri, "status": "scheduled", "start": "2027-03-04T18:00",
        "end": "2027-03-04T20:00", "timezone": "Europe/Berlin", "attendance_mode": "in-person",
        "place_name": "Stadtteilbüro", "registration": "node", "capacity": "12", "held_back_seats": "2",
        "waiting_list": "on", "registration_closes": "2027-03-04T12:00", "max_companions": "1",
        "question": "Was möchten Sie reparieren?", "visibility": "public", "is_free": "on",
    }
    response = editor.post("/staff/events/new", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(title="Repair-Café")
    assert (event.registration, event.capacity, event.held_back_seats, event.waiting_list, event.seats_left) == (
        "node", 12, 2, True, 10)
    assert event.registration_closes.isoformat() == "2027-03-04T11:00:00+00:00"
    assert 'href="/staff/events/%s/registrations"' % event.uuid in page_text(editor.get(f"/events/{event.uuid}"))
