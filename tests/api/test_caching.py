"""Kept list pages: served again without rebuilding, never after the catalog has changed."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from events.services import event_cancel
from federation.blocks import origin_block
from hub.roles import SYSTEM
from methods.services import method_delete, method_update
from tests.api.factories import make_event, make_method, mirrored_method, results, titles

pytestmark = pytest.mark.django_db


def test_a_page_asked_again_is_served_from_the_cache(anonymous, reader, lab, django_assert_num_queries):
    make_method(lab, title="Zukunftstheater", steps=[{"title": "Einladen"}])
    first = anonymous.get("/api/methods/")
    with django_assert_num_queries(0):  # anonymous readers share the process's recent reading of the head
        again = anonymous.get("/api/methods/")
    assert again.status_code == 200 and again["Content-Type"] == "application/json"
    assert again.content == first.content
    assert results(again)[0]["steps"][0]["title"] == "Einladen"
    reader.get("/api/methods/")
    # the token (with user and application), its owner's roles (a revoked role stops the token at
    # once), and the head as committed now
    with django_assert_num_queries(3):
        assert titles(reader.get("/api/methods/")) == ["Zukunftstheater"]


def test_token_holders_read_their_own_writes_at_once(reader, lab):
    method = make_method(lab, title="Zukunftstheater")
    event = make_event(lab, title="Offene Werkstatt")
    assert titles(reader.get("/api/methods/")) == ["Zukunftstheater"]
    assert results(reader.get("/api/events/"))[0]["status"] == "scheduled"

    method_update(actor=SYSTEM, method=method, title="Zukunftswerkstatt")
    event_cancel(actor=SYSTEM, event=event)
    assert titles(reader.get("/api/methods/")) == ["Zukunftswerkstatt"]
    assert results(reader.get("/api/events/"))[0]["status"] == "cancelled"

    method_delete(actor=SYSTEM, method=method)
    assert reader.get("/api/methods/").json()["count"] == 0


def test_anonymous_readers_see_a_change_within_the_heads_age(anonymous, lab, settings):
    settings.HUB_API_HEAD_SECONDS = 0.3
    method = make_method(lab, title="Zukunftstheater")
    assert titles(anonymous.get("/api/methods/")) == ["Zukunftstheater"]
    method_update(actor=SYSTEM, method=method, title="Zukunftswerkstatt")
    time.sleep(0.35)
    assert titles(anonymous.get("/api/methods/")) == ["Zukunftswerkstatt"]


def test_a_blocked_origins_items_leave_the_kept_pages_at_once(anonymous, lab, remote_lab, settings):
    settings.HUB_API_HEAD_SECONDS = 0  # the head read for every request: only a moved head makes a page anew
    mirrored_method(remote_lab)
    assert titles(anonymous.get("/api/methods/")) == ["Stadtspaziergang"]
    origin_block(origin=remote_lab.origin.iri, reason="Verbreitet Werbung.", actor=SYSTEM)
    assert titles(anonymous.get("/api/methods/")) == []


def test_readers_who_see_network_items_never_get_the_public_page(anonymous, reader, lab):
    make_method(lab, title="Offen")
    make_method(lab, title="Nur im Netzwerk", visibility="network")
    assert titles(anonymous.get("/api/methods/")) == ["Offen"]
    assert titles(reader.get("/api/methods/")) == ["Nur im Netzwerk", "Offen"]
    assert titles(anonymous.get("/api/methods/")) == ["Offen"]


def test_each_query_is_its_own_page(anonymous, lab):
    make_method(lab, title="Zukunftstheater", phase="entwerfen")
    make_method(lab, title="Persona-Werkstatt", phase="erkennen")
    assert titles(anonymous.get("/api/methods/?phase=entwerfen")) == ["Zukunftstheater"]
    assert titles(anonymous.get("/api/methods/?phase=erkennen")) == ["Persona-Werkstatt"]


def test_refusals_are_not_kept(anonymous, lab):
    for _ in range(2):
        response = anonymous.get("/api/methods/?phase=gibtsnicht")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"


def test_an_ended_event_leaves_the_upcoming_list_within_a_minute(anonymous, lab):
    now = timezone.now()
    make_event(lab, title="Kurzer Workshop", start=now - timedelta(hours=1), end=now + timedelta(seconds=30))
    assert titles(anonymous.get("/api/events/?upcoming=true")) == ["Kurzer Workshop"]
    with time_machine.travel(now + timedelta(seconds=61), tick=False):
        assert titles(anonymous.get("/api/events/?upcoming=true")) == []
        assert titles(anonymous.get("/api/events/?upcoming=false")) == ["Kurzer Workshop"]
