"""Roles in the API: lab editors write only their labs' items, coordinators read and never write, staff alone is nothing."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from events.models import Event
from methods.models import MethodCard
from tests.api.factories import make_event, make_method, mirrored_method, token_client

pytestmark = pytest.mark.django_db

NEW_METHOD = {"title": "Kartenabfrage", "summary": "Ideen sammeln", "phase": "erkunden"}
NEW_EVENT = {"title": "Reparaturcafé", "start": "2027-05-14T18:00:00+02:00", "end": "2027-05-14T21:00:00+02:00",
             "place_name": "Stadtteilzentrum"}


@pytest.fixture
def editor(person, lab):
    """Anna edits this node's first lab, and nothing else."""
    return person("anna", "lab-editor", lab=lab)


def test_a_lab_editor_cannot_patch_or_delete_another_labs_event(editor, lab, second_lab):
    theirs = make_event(second_lab, title="Fremdes Fest")
    client = token_client(editor, "read write")
    for response in (
        client.patch(f"/api/events/{theirs.uuid}/", {"title": "Gekapert"}, HTTP_ACCEPT_LANGUAGE="en"),
        client.put(f"/api/events/{theirs.uuid}/", NEW_EVENT | {"lab": second_lab.iri}, HTTP_ACCEPT_LANGUAGE="en"),
        client.post(f"/api/events/{theirs.uuid}/cancel/", HTTP_ACCEPT_LANGUAGE="en"),
        client.delete(f"/api/events/{theirs.uuid}/", HTTP_ACCEPT_LANGUAGE="en"),
    ):
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == "application/problem+json"
        detail = response.json()["detail"]
        assert "anna" in detail and "Zweitlabor" in detail and "lab editors" in detail, detail
    stored = Event.objects.get(pk=theirs.pk)
    assert (stored.title, stored.status, stored.version) == ("Fremdes Fest", "scheduled", 1)


def test_a_lab_editor_changes_and_deletes_their_own_labs_items(editor, lab):
    event, method = make_event(lab), make_method(lab)
    client = token_client(editor, "read write")
    assert client.patch(f"/api/events/{event.uuid}/", {"title": "Neu"}).status_code == 200
    assert client.patch(f"/api/methods/{method.uuid}/", {"summary": "Neu"}).status_code == 200
    assert client.delete(f"/api/events/{event.uuid}/").status_code == 204


def test_a_lab_editor_cannot_move_their_event_into_another_lab(editor, lab, second_lab):
    mine = make_event(lab)
    response = token_client(editor, "read write").patch(f"/api/events/{mine.uuid}/", {"lab": second_lab.iri})
    assert response.status_code == 403 and "Zweitlabor" in response.json()["detail"]
    assert Event.objects.get(pk=mine.pk).lab_id == lab.iri


def test_a_lab_editor_cannot_create_or_adapt_items_for_another_lab(editor, lab, second_lab, remote_lab):
    client = token_client(editor, "read write")
    source = mirrored_method(remote_lab)
    for url, body in [
        ("/api/methods/", NEW_METHOD | {"lab": second_lab.iri}),
        ("/api/events/", NEW_EVENT | {"lab": second_lab.iri}),
        (f"/api/methods/{source.uuid}/adapt/", {"lab": second_lab.iri}),
    ]:
        response = client.post(url, body, format="json")
        assert response.status_code == 403, (url, response.content)
    assert not MethodCard.objects.filter(lab=second_lab).exists() and not Event.objects.exists()
    assert client.post("/api/events/", NEW_EVENT | {"lab": lab.iri}).status_code == 201


def test_a_lab_editor_of_several_labs_writes_in_each(person, lab, second_lab):
    client = token_client(person("berta", "lab-editor", labs=(lab, second_lab)), "read write")
    for one in (lab, second_lab):
        assert client.post("/api/events/", NEW_EVENT | {"lab": one.iri}).status_code == 201


def test_a_node_administrator_changes_every_labs_items(person, lab, second_lab):
    theirs = make_event(second_lab)
    client = token_client(person("chef", "node-admin"), "read write")
    assert client.patch(f"/api/events/{theirs.uuid}/", {"title": "Korrigiert"}).status_code == 200


def test_a_coordinators_token_reads_network_only_items_but_cannot_write(person, lab):
    make_method(lab, title="Nur im Netzwerk", visibility="network")
    event = make_event(lab)
    client = token_client(person("kora", "coordinator"), "read")
    assert [item["title"] for item in client.get("/api/methods/").json()["results"]] == ["Nur im Netzwerk"]
    response = client.patch(f"/api/events/{event.uuid}/", {"title": "Gekapert"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    login = APIClient()
    login.force_login(person("kora2", "coordinator"))
    response = login.post("/api/events/", NEW_EVENT | {"lab": lab.iri}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "lab editors and node administrators" in response.json()["detail"]
    assert Event.objects.get().title == "Offene Werkstatt"


def test_a_staff_account_without_a_role_neither_writes_nor_reads_network_items(person, lab):
    make_method(lab, title="Nur im Netzwerk", visibility="network")
    event = make_event(lab)
    client = APIClient()
    client.force_login(person("nurstaff"))
    assert client.get("/api/methods/").json()["results"] == []
    response = client.patch(f"/api/events/{event.uuid}/", {"title": "Gekapert"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403, response.content
    assert Event.objects.get().title == "Offene Werkstatt"


def test_revoking_a_role_takes_effect_on_tokens_at_once(person, lab):
    make_method(lab, title="Nur im Netzwerk", visibility="network")
    editor = person("anna", "lab-editor", lab=lab)
    client = token_client(editor, "read write")
    call_command("grant", "anna", "lab-editor", "--lab", lab.slug, "--revoke")
    assert client.get("/api/methods/").json()["results"] == []
    assert client.post("/api/events/", NEW_EVENT | {"lab": lab.iri}).status_code == 403
