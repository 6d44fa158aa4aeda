"""An event's dates are what a lab can mean: between 2000 and 2100, at most eight weeks long.

The model's ``clean`` holds the rule, so the services, the staff pages and the admin refuse the same
dates with the same messages (the API and the mirror have their own tests).
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import translation

from events.models import EVENT_EARLIEST, EVENT_LATEST, EVENT_LONGEST, Event
from events.services import event_create, event_update
from hub.roles import SYSTEM
from tests.api.factories import make_event


def refused_fields(**fields) -> set[str]:
    """The fields the model's checks name for an event with these times."""
    with pytest.raises(ValidationError) as refused:
        Event(title="Zeitreise", place_name="Rathaus", **fields).clean()
    return set(refused.value.message_dict)


def test_the_bounds_are_the_years_2000_to_2100_and_eight_weeks():
    assert EVENT_EARLIEST == datetime(2000, 1, 1, tzinfo=UTC)
    assert EVENT_LATEST == datetime(2101, 1, 1, tzinfo=UTC)
    assert EVENT_LONGEST == timedelta(weeks=8)


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (datetime(17, 1, 1, 0, 1, 1, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC), {"start"}),
        (datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2000, 1, 1, 1, tzinfo=UTC), {"start"}),
        (datetime(2100, 12, 31, 23, tzinfo=UTC), datetime(2101, 1, 1, 0, 0, 1, tzinfo=UTC), {"end"}),
        (datetime(9998, 1, 1, tzinfo=UTC), datetime(9998, 1, 2, tzinfo=UTC), {"start", "end"}),
        (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC) + timedelta(weeks=8, seconds=1), {"end"}),
        (datetime(2027, 3, 1, tzinfo=UTC), datetime(2037, 3, 1, tzinfo=UTC), {"end"}),
    ],
)
def test_dates_outside_the_bounds_are_refused_at_their_fields(start, end, fields):
    assert refused_fields(start=start, end=end) == fields


def test_the_bounds_themselves_are_accepted():
    Event(title="Jahrtausend", place_name="Rathaus", start=EVENT_EARLIEST, end=EVENT_EARLIEST + EVENT_LONGEST).clean()
    Event(title="Silvester", place_name="Rathaus", start=EVENT_LATEST - timedelta(hours=2), end=EVENT_LATEST).clean()


def test_the_messages_say_the_limits_in_german_and_english():
    start, end = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 9, 1, tzinfo=UTC)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        Event(title="Sommer", place_name="Rathaus", start=datetime(1990, 1, 1, tzinfo=UTC), end=end).clean()
    assert refused.value.message_dict == {"start": ["An event must take place between the years 2000 and 2100."]}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        Event(title="Sommer", place_name="Rathaus", start=start, end=end).clean()
    assert refused.value.message_dict["end"] == ["An event lasts at most 8 weeks; publish a longer series as single dates."]
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        Event(title="Sommer", place_name="Rathaus", start=start, end=end).clean()
    assert refused.value.message_dict["end"] == [
        "Eine Veranstaltung dauert höchstens 8 Wochen; eine längere Reihe veröffentlichen Sie als einzelne Termine."
    ]


@pytest.mark.django_db
def test_the_services_refuse_an_event_in_the_year_17(lab):
    with pytest.raises(ValidationError) as refused:
        make_event(lab, start=datetime(17, 1, 1, 0, 1, 1, tzinfo=UTC))
    assert "start" in refused.value.message_dict
    event = make_event(lab)
    with pytest.raises(ValidationError):
        event_update(actor=SYSTEM, event=event, start=datetime(17, 1, 1, 0, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError):
        event_create(actor=SYSTEM, title="Ewig", start=event.start, end=event.start + timedelta(days=365), place_name="Park", lab=lab)
    assert Event.objects.get().start == event.start


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("redaktion", "redaktion@example.org", "ein-langes-passwort"))
    return client


def event_page_form(lab, **fields) -> dict:
    data = {
        "title": "Zeitreise", "lab": lab.iri, "status": "scheduled", "start": "0017-01-01T00:01",
        "end": "2026-03-04T20:00", "timezone": "Europe/Berlin", "attendance_mode": "in-person",
        "place_name": "Rathaus", "registration": "none", "visibility": "public", "is_free": "on",
    }
    return data | fields


@pytest.mark.django_db
def test_the_staff_page_refuses_an_event_in_the_year_17_at_its_field(admin_client, lab):
    response = admin_client.post("/staff/events/new", event_page_form(lab), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_start-error"' in page and "between the years 2000 and 2100" in page
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_an_event_of_a_year(admin_client, lab):
    data = event_page_form(lab, start_0="2027-03-04", start_1="18:00", end_0="2028-03-04", end_1="18:00")
    response = admin_client.post("/admin/events/event/add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "An event lasts at most 8 weeks" in response.content.decode()
    assert not Event.objects.exists()
