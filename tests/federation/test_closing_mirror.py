"""A mirrored event carries its origin's published closing report, replaced with every newer version."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from events.models import ClosingReport, Event
from federation.codecs import to_document
from federation.codecs.closing import closing_to_document
from federation.models import Peer
from hub.models import Node
from hub.multikey import encode_public_key, generate_key
from tests.federation.test_apply import Origin, apply
from tests.federation.test_closing_codec import report

pytestmark = pytest.mark.django_db
START = datetime(2026, 5, 6, 16, 0, tzinfo=UTC)
UUID = "0f6e8a2c-5b1d-4e3f-9a7b-2c4d6e8f0a1b"


@pytest.fixture
def mirror(node) -> tuple[Origin, Peer]:
    """An origin whose key is pinned, and the peer its documents come from."""
    relay = Node.objects.create(iri="http://127.0.0.1:8102/", name="Nachbar", city="Nachbarstadt",
                                public_key_multibase=encode_public_key(generate_key().public_key()))
    return Origin("http://127.0.0.1:8101").pinned(), Peer.objects.create(node=relay, client_id="x", client_secret="y")


def event_document(origin: Origin, *, version: int, closing: dict | None) -> dict:
    event = Event(
        iri=f"{origin.base}/events/{UUID}", origin=origin.node, title="Kiezspaziergang", start=START,
        end=START + timedelta(hours=2), timezone="Europe/Berlin", place_name="Treff", lab_id=f"{origin.base}/labs/fern",
        version=version, date_created=START, date_modified=START + timedelta(days=version),
    )
    document = to_document(event)
    if closing is not None:
        document["closingReport"] = copy.deepcopy(closing)
    return origin.sign(document)


def test_the_mirror_keeps_the_report_and_drops_it_with_a_version_that_has_none(mirror):
    origin, peer = mirror
    with_report = event_document(origin, version=2, closing=closing_to_document(report()))
    result = apply(peer, origin.descriptor(), with_report)
    assert result.rejections == []
    mirrored = ClosingReport.objects.get(event__iri=with_report["id"])
    assert (mirrored.attendees, mirrored.staircase_step, mirrored.published) == (23, 4, True)
    assert mirrored.feedback_ratings == [0, 1, 2, 5, 4] and mirrored.quotes == ["Mehr Pausen, bitte."]

    changed = event_document(origin, version=3, closing=closing_to_document(report(attendees=25)))
    apply(peer, changed, cursor="2")
    assert ClosingReport.objects.get(event__iri=with_report["id"]).attendees == 25

    apply(peer, event_document(origin, version=4, closing=None), cursor="3")
    assert Event.objects.filter(iri=with_report["id"]).exists() and not ClosingReport.objects.exists()


def test_a_forged_report_is_refused_with_its_event(mirror):
    origin, peer = mirror
    genuine = event_document(origin, version=2, closing=closing_to_document(report()))
    forged = copy.deepcopy(genuine)
    forged["closingReport"]["participantCount"] = 2300
    result = apply(peer, origin.descriptor(), forged)
    assert [rejection["id"] for rejection in result.rejections] == [genuine["id"]]
    assert "proof" in result.rejections[0]["reason"] or "signature" in result.rejections[0]["reason"]
    assert not Event.objects.filter(iri=genuine["id"]).exists() and not ClosingReport.objects.exists()
