"""Closing reports: written by the event's lab after it, prefilled from check-ins, signed with the event once published."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from events.closing.selectors import closing_prefill, closing_report_for_reader
from events.closing.services import closing_report_write
from events.models import ClosingReport, Event
from events.services import event_cancel, event_update
from hub.models import ChangeLogEntry
from hub.problems import Conflict
from hub.roles import SYSTEM
from hub.services.items import MirroredItemError
from tests.api.factories import mirrored_event
from tests.events.factories import checked_in, past_event, registered, seated_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages in English, as the assertions read them."""
    with translation.override("en"):
        yield

METHOD = "https://hub.berlin.example/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f"
WRITTEN = {
    "attendees": 18, "target_groups_reached": ["older-people", "people-with-disabilities"], "contributions_count": 9,
    "contributions": "Neun Stellen mit zu hohen Bordsteinen", "method_iris": [METHOD], "report": "Langsam und gründlich.",
    "staircase_step": 3, "staircase_evidence": "Die Gruppe will im Frühjahr wieder gehen.",
}


def document_of(event: Event) -> dict:
    return json.loads(ChangeLogEntry.objects.get(iri=event.iri).document)


def test_a_published_report_is_signed_into_the_events_document(lab):
    event = past_event(lab)
    report = closing_report_write(event=event, actor=SYSTEM, published=True, **WRITTEN)
    event.refresh_from_db()
    document = document_of(event)
    assert event.version == 2 and document["version"] == 2
    closing = document["closingReport"]
    assert closing["type"] == "ClosingReport" and closing["participantCount"] == 18
    assert closing["reachedTargetGroup"] == ["older-people", "people-with-disabilities"]
    assert closing["staircaseStep"] == 3 and closing["methodUsed"] == [METHOD]
    assert report.date_published is not None and "feedbackRatings" not in closing


def test_a_draft_report_stays_off_the_document_and_taking_one_back_signs_the_event_without_it(lab):
    event = past_event(lab)
    closing_report_write(event=event, actor=SYSTEM, published=False, **WRITTEN)
    event.refresh_from_db()
    assert event.version == 1 and "closingReport" not in document_of(event)
    closing_report_write(event=event, actor=SYSTEM, published=True)
    closing_report_write(event=event, actor=SYSTEM, published=False)
    event.refresh_from_db()
    assert event.version == 3 and "closingReport" not in document_of(event)


def test_changing_the_event_keeps_its_published_report_in_the_document(lab):
    event = past_event(lab)
    closing_report_write(event=event, actor=SYSTEM, published=True, **WRITTEN)
    event_update(event=Event.objects.get(pk=event.pk), actor=SYSTEM, description="Mit Fotos")
    assert document_of(event)["closingReport"]["participantCount"] == 18


def test_the_report_is_written_only_after_the_event_and_never_for_a_cancelled_one(lab):
    upcoming = seated_event(lab)
    with pytest.raises(Conflict, match="once the event is over"):
        closing_report_write(event=upcoming, actor=SYSTEM, **WRITTEN)
    cancelled = seated_event(lab, title="Abgesagt")
    event_cancel(event=cancelled, actor=SYSTEM)
    with time_machine.travel(cancelled.end + timedelta(days=1)):
        with pytest.raises(Conflict, match="cancelled"):
            closing_report_write(event=Event.objects.get(pk=cancelled.pk), actor=SYSTEM, **WRITTEN)
    assert not ClosingReport.objects.exists()


def test_only_the_events_lab_editors_write_its_report(lab, second_lab, person):
    event = past_event(lab)
    other = person("fremd", "lab-editor", lab=second_lab)
    coordinator = person("koordination", "coordinator")
    for actor in (other, coordinator, None):
        with pytest.raises(PermissionDenied):
            closing_report_write(event=event, actor=actor, **WRITTEN)
    editor = person("eigen", "lab-editor", lab=lab)
    assert closing_report_write(event=event, actor=editor, **WRITTEN).attendees == 18


def test_a_mirrored_events_report_is_its_origins_to_write(remote_lab):
    event = mirrored_event(remote_lab)
    with pytest.raises(MirroredItemError):
        closing_report_write(event=event, actor=SYSTEM, **WRITTEN)


@pytest.mark.parametrize(("change", "field"), [
    ({"attendees": None}, "attendees"),
    ({"attendees": -1}, "attendees"),
    ({"staircase_step": 8}, "staircase_step"),
    ({"staircase_step": 0}, "staircase_step"),
    ({"target_groups_reached": ["aliens"]}, "target_groups_reached"),
    ({"method_iris": ["javascript:alert(1)"]}, "method_iris"),
    ({"method_iris": [f"{METHOD}?{n}" for n in range(21)]}, "method_iris"),
    ({"report": "x" * 5001}, "report"),
    ({"staircase_evidence": ""}, "staircase_evidence"),
    ({"staircase_evidence": "x" * 301}, "staircase_evidence"),
    ({"colour": "blau"}, "colour"),
])
def test_a_wrong_report_is_refused_naming_the_field(lab, change, field):
    event = past_event(lab)
    with pytest.raises(ValidationError) as error:
        closing_report_write(event=event, actor=SYSTEM, **(WRITTEN | change))
    assert field in error.value.message_dict
    assert not ClosingReport.objects.exists() and Event.objects.get(pk=event.pk).version == 1


def test_the_first_step_needs_no_evidence(lab):
    report = closing_report_write(event=past_event(lab), actor=SYSTEM, **(WRITTEN | {"staircase_step": 1, "staircase_evidence": ""}))
    assert report.staircase_step == 1


def test_a_new_report_starts_with_the_people_checked_in_and_the_methods_planned(lab):
    event = seated_event(lab, method_iris=[METHOD])
    checked_in(event, 1, companions=0)
    registered(event, 2)
    checked_in(event, 3)
    event.refresh_from_db()
    assert closing_prefill(event) == {"attendees": 2, "method_iris": [METHOD]}
    assert closing_prefill(past_event(lab)) == {"method_iris": []}


def test_readers_see_a_published_report_and_the_labs_editors_a_draft(lab, person):
    event = past_event(lab)
    closing_report_write(event=event, actor=SYSTEM, **WRITTEN)
    assert closing_report_for_reader(event=event, actor=None) is None
    assert closing_report_for_reader(event=event, actor=person("koordination", "coordinator")) is None
    assert closing_report_for_reader(event=event, actor=person("eigen", "lab-editor", lab=lab)) is not None
    closing_report_write(event=event, actor=SYSTEM, published=True)
    assert closing_report_for_reader(event=event, actor=None).attendees == 18
