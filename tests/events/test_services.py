"""Writing events through the services: validation of time, place, links and lists."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.models import Event
from events.services import event_cancel, event_create, event_delete, event_update
from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from hub.services import MirroredItemError

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 3, 4, 18, 0, tzinfo=BERLIN)


def make_event(lab, **fields):
    values = {
        "title": "Offene Werkstatt",
        "start": START,
        "end": START + timedelta(hours=2),
        "place_name": "Stadtbibliothek, Saal 2",
        "lab": lab,
    }
    return event_create(actor=SYSTEM, **(values | fields))


@pytest.mark.django_db
def test_created_event_keeps_its_time_zone_and_is_logged(lab):
    event = make_event(lab, target_groups=["older-people"], accessibility_features=["hearing-loop"])
    stored = Event.objects.get(pk=event.pk)
    assert stored.start == START and stored.timezone == "Europe/Berlin"
    assert ChangeLogEntry.objects.get(iri=event.iri).item_type == "Event"


@pytest.mark.django_db
def test_cancelling_keeps_the_event_and_bumps_its_version(lab):
    event = event_cancel(actor=SYSTEM, event=make_event(lab))
    assert (event.status, event.version) == ("cancelled", 2)
    assert ChangeLogEntry.objects.get(iri=event.iri).version == 2


@pytest.mark.django_db
def test_deleting_an_event_leaves_a_tombstone(lab):
    event = make_event(lab)
    event_delete(actor=SYSTEM, event=event)
    assert ChangeLogEntry.objects.get(iri=event.iri).deleted


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": START - timedelta(minutes=1)}, "end"),
        ({"end": START}, "end"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"attendance_mode": "online"}, "online_url"),
        ({"attendance_mode": "online", "online_url": "javascript:alert(1)"}, "online_url"),
        ({"attendance_mode": "hybrid", "online_url": "https://meet.example.org/x", "place_name": ""}, "place_name"),
        ({"registration": "required"}, "registration_url"),
        ({"target_groups": ["everyone"]}, "target_groups"),
        ({"accessibility_features": ["teleporter"]}, "accessibility_features"),
        ({"languages": ["deutsch"]}, "languages"),
        ({"method_iris": ["javascript:alert(1)"]}, "method_iris"),
        ({"capacity": 0}, "capacity"),
        ({"latitude": 50.08}, "longitude"),
        ({"latitude": 50.08, "longitude": 8.24, "attendance_mode": "online", "online_url": "https://meet.example.org/x",
          "place_name": ""}, "latitude"),
        ({"status": "forgotten"}, "status"),
    ],
)
def test_invalid_events_are_refused_naming_the_field(lab, fields, field):
    with pytest.raises(ValidationError) as error:
        make_event(lab, **fields)
    assert field in error.value.message_dict
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_an_event_must_be_organised_by_a_local_lab(node, remote_lab):
    with pytest.raises(ValidationError) as error:
        make_event(remote_lab)
    assert "lab" in error.value.message_dict


@pytest.mark.django_db
def test_end_before_start_is_explained_in_german_by_default(lab):
    with pytest.raises(ValidationError) as error:
        make_event(lab, end=START - timedelta(hours=1))
    with translation.override("de"):
        assert error.value.message_dict["end"] == ["Das Ende muss nach dem Beginn liegen."]


@pytest.mark.django_db
def test_writing_a_mirrored_event_is_refused(remote_lab, remote_node):
    mirrored = Event.objects.create(
        iri=f"{remote_node.base_url}/events/1", origin=remote_node, title="Fremd",
        start=START, end=START + timedelta(hours=1), lab=remote_lab,
    )
    with pytest.raises(MirroredItemError):
        event_update(actor=SYSTEM, event=mirrored, title="Meins")
    with pytest.raises(MirroredItemError):
        event_cancel(actor=SYSTEM, event=mirrored)
