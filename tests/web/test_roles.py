"""Roles on the staff pages: each person sees and submits only what their role allows, and is told why not."""

from __future__ import annotations

import pytest

from events.models import Event
from federation.models import Block, Invitation
from tests.api.factories import make_event, make_method

pytestmark = pytest.mark.django_db

EVENT_FORM = {
    "title": "Reparaturcafé", "description": "", "status": "scheduled", "start": "2027-05-14T18:00",
    "end": "2027-05-14T21:00", "timezone": "Europe/Berlin", "attendance_mode": "in-person",
    "place_name": "Stadtteilzentrum", "place_address": "", "languages": "de", "is_free": "on",
    "registration": "none", "visibility": "public",
}


@pytest.fixture
def editor_client(client, person, lab):
    """Anna, editor of this node's first lab, logged in."""
    client.force_login(person("anna", "lab-editor", lab=lab))
    return client


def test_a_lab_editor_cannot_open_or_submit_another_labs_event_forms(editor_client, second_lab):
    theirs = make_event(second_lab, title="Fremdes Fest")
    for url in (f"/staff/events/{theirs.uuid}/edit", f"/staff/events/{theirs.uuid}/delete"):
        page = editor_client.get(url)
        assert page.status_code == 403, url
        assert "Zweitlabor" in page.content.decode(), url
        submitted = editor_client.post(url, EVENT_FORM | {"lab": second_lab.iri, "title": "Gekapert"})
        assert submitted.status_code == 403, url
    assert Event.objects.get(pk=theirs.pk).title == "Fremdes Fest"


def test_a_lab_editor_edits_their_own_labs_event_on_the_staff_page(editor_client, lab):
    mine = make_event(lab)
    response = editor_client.post(f"/staff/events/{mine.uuid}/edit", EVENT_FORM | {"lab": lab.iri, "title": "Neu"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get(pk=mine.pk).title == "Neu"


def test_the_forms_offer_a_lab_editor_only_their_labs(editor_client, lab, second_lab):
    for url in ("/staff/events/new", "/staff/methods/new"):
        page = editor_client.get(url).content.decode()
        assert f'value="{lab.iri}"' in page and f'value="{second_lab.iri}"' not in page, url
    response = editor_client.post("/staff/events/new", EVENT_FORM | {"lab": second_lab.iri})
    assert response.status_code == 400 and not Event.objects.exists()


def test_the_staff_home_lists_the_roles_and_only_the_labs_items(editor_client, lab, second_lab):
    make_event(lab, title="Eigenes Fest")
    make_event(second_lab, title="Fremdes Fest")
    page = editor_client.get("/staff/").content.decode()
    assert "Laborredaktion" in page and lab.name in page
    assert "Eigenes Fest" in page and "Fremdes Fest" not in page
    assert "/staff/peers/" not in page and "/staff/blocks/" not in page


def test_only_node_administrators_open_the_peers_sync_and_blocks_pages(client, person, lab):
    for who, role, status in [("anna", "lab-editor", 403), ("kora", "coordinator", 403), ("chef", "node-admin", 200)]:
        client.force_login(person(who, role, lab=lab))
        for url in ("/staff/peers/", "/staff/sync/", "/staff/blocks/"):
            assert client.get(url).status_code == status, (who, url)
        if status == 403:
            block = {"action": "block", "origin": "https://spam.example/", "reason": "Spam", "confirmed": "1"}
            assert client.post("/staff/blocks/", block).status_code == 403
            assert client.post("/staff/peers/", {"invite": "1", "days": "3"}).status_code == 403
    assert not Block.objects.exists() and not Invitation.objects.exists()
    page = client.get("/staff/").content.decode()
    assert "Knotenadministration" in page and "/staff/peers/" in page and "/staff/blocks/" in page


def test_a_coordinator_reads_network_items_but_gets_no_forms(client, person, lab):
    method = make_method(lab, title="Nur im Netzwerk", visibility="network")
    client.force_login(person("kora", "coordinator"))
    page = client.get(f"/methods/{method.uuid}")
    assert page.status_code == 200 and f"/staff/methods/{method.uuid}/edit" not in page.content.decode()
    for url in ("/staff/methods/new", "/staff/events/new", f"/staff/methods/{method.uuid}/edit"):
        assert client.get(url).status_code == 403, url
    assert "Koordination" in client.get("/staff/").content.decode()


def test_a_staff_account_without_a_role_is_refused_and_told_why(client, person, lab):
    method = make_method(lab, title="Nur im Netzwerk", visibility="network")
    client.force_login(person("nurstaff"))
    for url in ("/staff/", "/staff/methods/new", f"/staff/methods/{method.uuid}/edit", "/staff/peers/"):
        page = client.get(url)
        assert page.status_code == 403, url
        assert "keine Rolle" in page.content.decode(), url
    assert client.get(f"/methods/{method.uuid}").status_code == 404
