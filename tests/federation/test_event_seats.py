"""An event people register for on its node tells the network its seats and seats left, and nothing of the people."""

from __future__ import annotations

import json

import pytest

from events.models import Event
from events.services import event_seats_publish
from federation.codecs import from_document, to_document
from federation.jsonld import to_rdf_nquads
from hub.models import ChangeLogEntry
from tests.events.factories import registered, seated_event

pytestmark = pytest.mark.django_db


def test_the_document_carries_capacity_seats_left_and_mode_but_no_registrant(lab):
    event = seated_event(lab, capacity=20, held_back_seats=2)
    registered(event, 1, companions=0, name="Erika Mustermann", email="erika@example.org")
    event.refresh_from_db()
    document = to_document(event)
    assert (document["maximumAttendeeCapacity"], document["remainingAttendeeCapacity"], document["registration"]) == (
        20, 17, "node")
    text = json.dumps(document)
    assert "erika" not in text.lower() and "Mustermann" not in text
    assert "<https://schema.org/remainingAttendeeCapacity> \"17\"^^<http://www.w3.org/2001/XMLSchema#integer>" in \
        to_rdf_nquads(document)


def test_a_mirror_reads_the_seats_left_as_the_origin_sent_them(lab, remote_node):
    document = to_document(seated_event(lab, capacity=8))
    document = json.loads(json.dumps(document).replace(lab.origin.iri, remote_node.iri))
    document["remainingAttendeeCapacity"] = 0
    fields = from_document(document).fields
    assert (fields["registration"], fields["capacity"], fields["remaining_capacity"]) == ("node", 8, 0)
    mirror = Event(iri=document["id"], origin=remote_node, **{k: v for k, v in fields.items() if k != "lab_id"})
    assert mirror.seats_left == 0


def test_seat_changes_are_signed_anew_with_the_seats_left(lab):
    event = seated_event(lab, capacity=5)
    registered(event, 1), registered(event, 2)
    event_seats_publish(event_id=event.pk)
    entry = ChangeLogEntry.objects.get(iri=event.iri)
    assert entry.version == 2 and json.loads(entry.document)["remainingAttendeeCapacity"] == 3
