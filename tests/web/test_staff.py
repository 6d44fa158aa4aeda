"""The staff's pages: login, own methods and events through the services, adapting, peering, sync reports."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from events.models import Event
from hub.models import ChangeLogEntry
from methods.models import MethodCard
from tests.api.factories import make_event, make_method, mirrored_method

pytestmark = pytest.mark.django_db

METHOD_FORM = {
    "title": "Stadtteil-Barcamp", "lab": "", "language": "de", "phase": "erkunden", "summary": "Alle bringen Themen mit.",
    "license": "https://creativecommons.org/licenses/by-sa/4.0/", "visibility": "public",
    "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "50",
    "steps-0-title": "Themen sammeln", "steps-0-text": "Auf Karten.", "steps-1-title": "", "steps-1-text": "",
}


def method_form(lab, **changes):
    return METHOD_FORM | {"lab": lab.iri} | changes


def test_staff_pages_send_anonymous_readers_to_the_login(client, lab):
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/staff/")


def test_staff_pages_refuse_people_who_are_not_staff(client, lab):
    client.force_login(User.objects.create_user("gast", password="x"))
    assert client.get("/staff/methods/new").status_code == 403


def test_login_page_logs_staff_in_and_shows_their_start_page(client, lab, staff):
    response = client.post("/accounts/login/", {"username": "redaktion", "password": "ein-langes-passwort"})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert "Methoden dieses Knotens" in client.get("/staff/").content.decode()


def test_a_wrong_password_is_reported_in_german(client, lab, staff):
    page = client.post("/accounts/login/", {"username": "redaktion", "password": "falsch"}).content.decode()
    assert "Bitte korrigieren Sie folgende Angaben" in page and "Benutzername und Passwort" in page


def test_staff_create_a_method_with_its_steps(staff_client, lab):
    response = staff_client.post("/staff/methods/new", method_form(lab))
    method = MethodCard.objects.get(title="Stadtteil-Barcamp")
    assert response.status_code == 302 and response["Location"] == f"/methods/{method.uuid}"
    assert [step.title for step in method.steps.all()] == ["Themen sammeln"]
    assert ChangeLogEntry.objects.filter(iri=method.iri, version=1).exists()


def test_form_errors_show_at_the_field_in_german(staff_client, lab):
    response = staff_client.post("/staff/methods/new", method_form(lab, title="", duration_min="90", duration_max="30"))
    page = response.content.decode()
    assert response.status_code == 400 and not MethodCard.objects.exists()
    assert 'id="id_title-error"' in page and "Dieses Feld ist zwingend erforderlich." in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_title-error"' in page
    assert "Die längste Dauer darf nicht kürzer sein als die kürzeste." in page


def test_a_step_with_text_but_no_title_is_an_error(staff_client, lab):
    page = staff_client.post("/staff/methods/new", method_form(lab, **{"steps-1-text": "Ohne Titel"})).content.decode()
    assert "Geben Sie diesem Schritt einen Titel" in page and not MethodCard.objects.exists()


def test_add_more_steps_saves_nothing_and_offers_blank_steps(staff_client, lab):
    page = staff_client.post("/staff/methods/new", method_form(lab, more_steps="1")).content.decode()
    assert not MethodCard.objects.exists() and 'name="steps-4-title"' in page and 'value="Themen sammeln"' in page


def test_staff_edit_their_method(staff_client, lab):
    method = make_method(lab)
    page = staff_client.get(f"/staff/methods/{method.uuid}/edit").content.decode()
    assert 'value="Persona-Werkstatt"' in page
    data = method_form(lab, title="Persona-Werkstatt 2", slug=method.slug)
    assert staff_client.post(f"/staff/methods/{method.uuid}/edit", data).status_code == 302
    method.refresh_from_db()
    assert method.title == "Persona-Werkstatt 2" and method.version == 2


def test_staff_delete_their_method_after_confirming(staff_client, lab):
    method = make_method(lab)
    assert "löschen?" in staff_client.get(f"/staff/methods/{method.uuid}/delete").content.decode()
    assert staff_client.post(f"/staff/methods/{method.uuid}/delete").status_code == 302
    assert not MethodCard.objects.filter(pk=method.pk).exists()
    assert ChangeLogEntry.objects.get(iri=method.iri).deleted


def test_mirrored_items_are_read_only_everywhere(staff_client, lab, remote_lab):
    method = mirrored_method(remote_lab)
    for url in (f"/staff/methods/{method.uuid}/edit", f"/staff/methods/{method.uuid}/delete"):
        response = staff_client.post(url, method_form(lab))
        assert response.status_code == 403 and "gespiegelt" in response.content.decode()
    page = staff_client.get(f"/methods/{method.uuid}").content.decode()
    assert f"/staff/methods/{method.uuid}/edit" not in page and "Diese Methode anpassen" in page


def test_adapting_a_mirrored_method_makes_a_local_draft_based_on_it(staff_client, lab, remote_lab):
    source = mirrored_method(remote_lab)
    source.steps.create(position=1, title="Losgehen")
    response = staff_client.post(f"/methods/{source.uuid}/adapt", {"lab": lab.iri})
    adapted = MethodCard.objects.get(based_on=source.iri)
    assert response.status_code == 302 and response["Location"] == f"/staff/methods/{adapted.uuid}/edit"
    assert adapted.is_local and adapted.lab == lab and adapted.visibility == "draft"
    assert [step.title for step in adapted.steps.all()] == ["Losgehen"]


def test_staff_create_an_event_in_its_own_time_zone(staff_client, lab):
    data = {
        "title": "Werkstatt in Lissabon", "lab": lab.iri, "status": "scheduled", "start": "2027-03-04T18:00",
        "end": "2027-03-04T20:00", "timezone": "Europe/Lisbon", "attendance_mode": "in-person",
        "place_name": "Biblioteca", "registration": "none", "visibility": "public", "is_free": "on",
        "target_groups": ["older-people"], "languages": "de, pt",
    }
    response = staff_client.post("/staff/events/new", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(title="Werkstatt in Lissabon")
    assert event.start == datetime(2027, 3, 4, 18, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    assert event.languages == ["de", "pt"] and event.target_groups == ["older-people"]
    page = staff_client.get(f"/staff/events/{event.uuid}/edit").content.decode()
    assert 'value="2027-03-04T18:00"' in page


def test_event_rules_show_at_their_fields(staff_client, lab):
    data = {
        "title": "Online-Treffen", "lab": lab.iri, "status": "scheduled", "start": "2027-03-04T18:00",
        "end": "2027-03-04T17:00", "timezone": "Europe/Berlin", "attendance_mode": "online",
        "registration": "required", "visibility": "public",
    }
    page = staff_client.post("/staff/events/new", data).content.decode()
    assert "Das Ende muss nach dem Beginn liegen." in page
    assert 'id="id_online_url-error"' in page and 'id="id_registration_url-error"' in page


def test_staff_delete_their_event(staff_client, lab):
    event = make_event(lab)
    assert staff_client.post(f"/staff/events/{event.uuid}/delete").status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_staff_create_an_invitation_and_see_it_once(staff_client, lab):
    page = staff_client.post("/staff/peers/", {"invite": "1", "days": "3"}).content.decode()
    assert "stadtlabor-invitation:" in page and "Ihre Einladung" in page


def test_joining_with_a_broken_invitation_says_why_at_the_field(staff_client, lab):
    page = staff_client.post("/staff/peers/", {"join": "1", "invitation": "hallo"}).content.decode()
    assert 'id="id_invitation-error"' in page and "This is not an invitation" in page


def test_staff_read_sync_reports_with_rejections_escaped(staff_client, network):
    page = staff_client.get("/staff/sync/").content.decode()
    assert "CitizenLab Mönchengladbach" in page and "Verbindung abgelehnt" in page
    run = network.gladbach.peer.runs.get()
    page = staff_client.get(f"/staff/sync/{run.pk}").content.decode()
    assert "&lt;b&gt;proof&lt;/b&gt; does not verify" in page


def test_joining_a_node_that_fails_to_answer_says_so_at_the_field(staff_client, lab):
    from tests.network.fakes import FakeNode

    inviter = FakeNode("Schweigelabor", "Stillstadt")
    inviter.on_join = lambda body: (_ for _ in ()).throw(ConnectionError("hangs up"))  # no answer at all
    try:
        response = staff_client.post("/staff/peers/", {"join": "1", "invitation": inviter.invitation()})
    finally:
        inviter.close()
    page = response.content.decode()
    assert response.status_code == 200 and 'id="id_invitation-error"' in page
    assert "hat auf den Beitritt nicht geantwortet" in page  # the German page, in German


def test_a_sync_run_that_stopped_at_its_budget_says_why(staff_client, network):
    run = network.gladbach.peer.runs.get()
    run.stopped = "the run's time budget of 120 s was spent"
    run.save(update_fields=["stopped"])
    page = staff_client.get(f"/staff/sync/{run.pk}").content.decode()
    assert "Vorzeitig beendet" in page and "time budget of 120 s" in page


def test_a_sync_run_says_what_it_kept_of_types_this_node_does_not_know(staff_client, network):
    run = network.gladbach.peer.runs.get()
    run.kept, run.caught_up = {"ExperienceReport": 3}, {"Idea": 2}
    run.save(update_fields=["kept", "caught_up"])
    page = staff_client.get(f"/staff/sync/{run.pk}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kept until an upgrade knows their type</dt><dd>3 ExperienceReport</dd>" in page
    assert "Caught up on, now that this node knows their type</dt><dd>2 Idea</dd>" in page
    german = staff_client.get(f"/staff/sync/{run.pk}").content.decode()
    assert "Aufbewahrt, bis ein Update ihren Typ kennt" in german
