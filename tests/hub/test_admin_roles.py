"""Roles in the admin: a lab editor changes only their labs' items, labs are for node administrators, the user page manages roles."""

import pytest
from django.contrib.auth.models import User

from events.models import Event
from hub.models import Lab, LabEditor
from methods.models import MethodCard
from tests.api.factories import make_event, make_method

pytestmark = pytest.mark.django_db


def event_form(lab, **fields):
    data = {
        "title": "Reparaturcafé", "lab": lab.iri, "status": "scheduled", "start_0": "14.05.2027", "start_1": "18:00:00",
        "end_0": "14.05.2027", "end_1": "21:00:00", "timezone": "Europe/Berlin", "attendance_mode": "in-person",
        "place_name": "Stadtteilzentrum", "registration": "none", "visibility": "public", "is_free": "on",
        "languages": "de", "keywords": "", "method_iris": "", "held_back_seats": "0", "max_companions": "0",
    }
    return data | fields


@pytest.fixture
def editor_client(client, person, lab):
    """Anna, editor of this node's first lab and staff (so the admin lets her in), logged in."""
    client.force_login(person("anna", "lab-editor", lab=lab))
    return client


def test_a_lab_editor_changes_their_labs_event_in_the_admin(editor_client, lab):
    mine = make_event(lab)
    page = editor_client.get(f"/admin/events/event/{mine.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    response = editor_client.post(f"/admin/events/event/{mine.pk}/change/", event_form(lab, title="Neu"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Event.objects.get(pk=mine.pk).title == "Neu"


def test_a_lab_editor_cannot_change_or_delete_another_labs_event_in_the_admin(editor_client, lab, second_lab):
    theirs = make_event(second_lab, title="Fremdes Fest")
    page = editor_client.get(f"/admin/events/event/{theirs.pk}/change/")
    assert 'name="_save"' not in page.content.decode()
    changed = editor_client.post(f"/admin/events/event/{theirs.pk}/change/", event_form(second_lab, title="Gekapert"))
    assert changed.status_code == 403
    deleted = editor_client.post(f"/admin/events/event/{theirs.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    moved = editor_client.post("/admin/events/event/add/", event_form(second_lab, title="Untergeschoben"))
    assert moved.status_code == 200
    assert list(Event.objects.values_list("title", flat=True)) == ["Fremdes Fest"]


def test_labs_are_changed_only_by_node_administrators_in_the_admin(client, person, lab):
    client.force_login(person("anna", "lab-editor", lab=lab))
    assert client.post(f"/admin/hub/lab/{lab.pk}/change/", {"name": "Umbenannt"}).status_code == 403
    assert client.get("/admin/hub/lab/add/").status_code == 403
    assert Lab.objects.get(pk=lab.pk).name == lab.name
    client.force_login(person("chef", "node-admin"))
    assert client.get(f"/admin/hub/lab/{lab.pk}/change/").status_code == 200


def test_a_staff_account_without_a_role_sees_no_content_in_the_admin(client, person, lab):
    make_event(lab)
    client.force_login(person("nurstaff"))
    for url in ("/admin/events/event/", "/admin/methods/methodcard/", "/admin/hub/lab/"):
        assert client.get(url).status_code == 403, url


def test_the_user_page_shows_and_manages_roles(client, person, lab, second_lab):
    anna = person("anna", "lab-editor", lab=lab)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "ein-langes-passwort"))
    page = client.get(f"/admin/auth/user/{anna.pk}/change/").content.decode()
    assert "Laborredaktion" in page and "Knotenadministration" in page and "Koordination" in page
    listing = client.get("/admin/auth/user/").content.decode()
    assert "Laborredaktion: " in listing
    existing = LabEditor.objects.get(user=anna)
    data = {
        "username": "anna", "first_name": "", "last_name": "", "email": "", "is_active": "on", "is_staff": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "01.01.2027", "date_joined_1": "10:00:00",
        "lab_editor_roles-TOTAL_FORMS": "2", "lab_editor_roles-INITIAL_FORMS": "1",
        "lab_editor_roles-MIN_NUM_FORMS": "0", "lab_editor_roles-MAX_NUM_FORMS": "1000",
        "lab_editor_roles-0-id": existing.pk, "lab_editor_roles-0-user": anna.pk, "lab_editor_roles-0-lab": lab.pk,
        "lab_editor_roles-0-DELETE": "on",
        "lab_editor_roles-1-user": anna.pk, "lab_editor_roles-1-lab": second_lab.pk,
    }
    response = client.post(f"/admin/auth/user/{anna.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:5000]
    assert list(LabEditor.objects.filter(user=anna).values_list("lab__slug", flat=True)) == ["zweitlabor"]


def method_form(lab, **fields):
    data = {
        "title": "Kartenabfrage", "slug": "kartenabfrage", "language": "de", "summary": "Ideen sammeln",
        "phase": "erkunden", "license": "https://creativecommons.org/licenses/by-sa/4.0/",
        "lab": lab.iri, "visibility": "public",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "1", "steps-0-title": "Fragen stellen", "steps-0-text": "Eine Frage pro Karte",
    }
    return data | fields


def test_a_lab_editor_writes_their_labs_method_with_its_steps_in_the_admin(editor_client, lab, second_lab):
    response = editor_client.post("/admin/methods/methodcard/add/", method_form(lab))
    assert response.status_code == 302, response.content.decode()[:3000]
    method = MethodCard.objects.get(slug="kartenabfrage")
    assert [step.title for step in method.steps.all()] == ["Fragen stellen"]
    theirs = make_method(second_lab, title="Fremde Methode", slug="fremd")
    changed = editor_client.post(f"/admin/methods/methodcard/{theirs.pk}/change/", method_form(second_lab, slug="fremd"))
    assert changed.status_code == 403
    assert MethodCard.objects.get(pk=theirs.pk).title == "Fremde Methode"


def test_a_bulk_delete_with_another_labs_event_deletes_nothing(editor_client, lab, second_lab):
    mine, theirs = make_event(lab), make_event(second_lab)
    response = editor_client.post("/admin/events/event/", {
        "action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes",
    })
    assert response.status_code == 403
    assert Event.objects.count() == 2
