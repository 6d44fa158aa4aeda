"""The admin: German by default, English on request, local items written through services, mirrored ones read-only."""

import pytest
from django.contrib.auth.models import User

from hub.models import ChangeLogEntry
from methods.models import MethodCard


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_superuser("redaktion", "redaktion@example.org", "ein-langes-passwort")
    client.force_login(user)
    return client


@pytest.fixture
def mirrored_method(remote_node, remote_lab):
    return MethodCard.objects.create(
        iri=f"{remote_node.base_url}/methods/m1", origin=remote_node, title="Gespiegelte Methode",
        slug="gespiegelt", summary="Von anderswo", phase="erkunden", lab=remote_lab,
    )


def method_form(lab, **fields):
    data = {
        "title": "Kartenabfrage", "slug": "kartenabfrage", "language": "de", "summary": "Ideen sammeln",
        "phase": "erkunden", "license": "https://creativecommons.org/licenses/by-sa/4.0/",
        "lab": lab.iri, "visibility": "public", "target_groups": ["older-people"], "materials": "Karten\nStifte",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "1", "steps-0-title": "Fragen stellen", "steps-0-text": "Eine Frage pro Karte",
        "steps-1-position": "2", "steps-1-title": "Clustern", "steps-1-text": "",
    }
    return data | fields


def test_admin_speaks_german_by_default_and_english_on_request(staff_client):
    assert "Verwaltung" in staff_client.get("/admin/").content.decode()
    english = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stadtlabor Hub administration" in english


def test_creating_a_method_in_the_admin_goes_through_the_service(staff_client, lab):
    response = staff_client.post("/admin/methods/methodcard/add/", method_form(lab))
    assert response.status_code == 302, response.content.decode()[:3000]
    method = MethodCard.objects.get(slug="kartenabfrage")
    assert method.is_local and method.version == 1 and method.materials == ["Karten", "Stifte"]
    assert [step.title for step in method.steps.all()] == ["Fragen stellen", "Clustern"]
    assert ChangeLogEntry.objects.get(iri=method.iri).version == 1


def test_editing_steps_in_the_admin_bumps_the_version_once(staff_client, lab):
    staff_client.post("/admin/methods/methodcard/add/", method_form(lab))
    method = MethodCard.objects.get(slug="kartenabfrage")
    step = method.steps.get(position=2)
    data = method_form(lab) | {
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "2",
        "steps-0-id": method.steps.get(position=1).pk, "steps-0-method": method.pk,
        "steps-1-id": step.pk, "steps-1-method": method.pk, "steps-1-title": "Clustern und benennen",
    }
    response = staff_client.post(f"/admin/methods/methodcard/{method.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    method.refresh_from_db()
    assert method.version == 2
    assert [s.title for s in method.steps.all()] == ["Fragen stellen", "Clustern und benennen"]


def test_admin_shows_field_errors_in_german(staff_client, lab):
    response = staff_client.post(
        "/admin/methods/methodcard/add/", method_form(lab, duration_min="90", duration_max="30", source="javascript:alert(1)")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Die längste Dauer darf nicht kürzer sein als die kürzeste." in page
    assert not MethodCard.objects.exists()


def test_admin_refuses_a_slug_clash_at_the_field(staff_client, lab):
    staff_client.post("/admin/methods/methodcard/add/", method_form(lab))
    response = staff_client.post("/admin/methods/methodcard/add/", method_form(lab, title="Noch eine"))
    assert response.status_code == 200
    assert "Der Kurzname „kartenabfrage“ wird schon" in response.content.decode()
    assert MethodCard.objects.count() == 1


def test_mirrored_items_are_read_only_in_the_admin(staff_client, mirrored_method, lab):
    page = staff_client.get(f"/admin/methods/methodcard/{mirrored_method.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = staff_client.post(
        f"/admin/methods/methodcard/{mirrored_method.pk}/change/", method_form(lab, title="Übernommen")
    )
    assert response.status_code == 403
    delete = staff_client.post(f"/admin/methods/methodcard/{mirrored_method.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    mirrored_method.refresh_from_db()
    assert mirrored_method.title == "Gespiegelte Methode"


def test_admin_pages_for_every_model_render(staff_client, mirrored_method, lab):
    for url in ["/admin/hub/lab/", "/admin/hub/node/", "/admin/hub/changelogentry/", "/admin/methods/methodcard/",
                "/admin/events/event/", "/admin/events/event/add/", "/admin/hub/lab/add/", f"/admin/hub/lab/{lab.pk}/change/"]:
        assert staff_client.get(url).status_code == 200, url


def test_admin_needs_a_login(client, db):
    response = client.get("/admin/methods/methodcard/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
