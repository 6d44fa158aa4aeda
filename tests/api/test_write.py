"""Writing through the API: create, replace, change, delete, adapt and cancel, all through the services."""

import pytest

from events.models import Event
from hub.models import ChangeLogEntry
from methods.models import MethodCard
from tests.api.factories import make_event, make_method, mirrored_event, mirrored_method


def method_body(lab, **fields) -> dict:
    body = {
        "title": "Kartenabfrage",
        "summary": "Ideen sammeln",
        "phase": "erkunden",
        "lab": lab.iri,
        "target_groups": ["older-people"],
        "steps": [{"title": "Fragen stellen", "text": "Eine Frage pro Karte"}, {"title": "Clustern"}],
    }
    return body | fields


def event_body(lab, **fields) -> dict:
    body = {
        "title": "Reparaturcafé",
        "start": "2027-05-14T18:00:00+02:00",
        "end": "2027-05-14T21:00:00+02:00",
        "place_name": "Stadtteilzentrum",
        "lab": lab.iri,
        "accessibility_features": ["step-free-access"],
    }
    return body | fields


@pytest.mark.django_db
def test_creating_a_method_stores_it_with_its_steps_and_logs_it(writer, lab):
    response = writer.post("/api/methods/", method_body(lab))
    assert response.status_code == 201, response.content
    body = response.json()
    method = MethodCard.objects.get(uuid=body["uuid"])
    assert response["Location"].endswith(f"/api/methods/{method.uuid}/")
    assert (body["version"], body["is_local"], body["slug"]) == (1, True, "kartenabfrage")
    assert [step.title for step in method.steps.all()] == ["Fragen stellen", "Clustern"]
    assert ChangeLogEntry.objects.get(iri=method.iri).version == 1


@pytest.mark.django_db
def test_patch_changes_only_the_given_fields_and_bumps_the_version(writer, lab):
    method = make_method(lab, difficulty="low", steps=[{"title": "Eins"}])
    response = writer.patch(f"/api/methods/{method.uuid}/", {"summary": "Neu gefasst"})
    assert response.status_code == 200, response.content
    method.refresh_from_db()
    assert (method.summary, method.difficulty, method.version, method.steps.count()) == ("Neu gefasst", "low", 2, 1)


@pytest.mark.django_db
def test_put_replaces_the_card_and_its_steps_but_keeps_slug_visibility_and_source(writer, lab):
    method = make_method(
        lab, difficulty="low", steps=[{"title": "Eins"}], visibility="network", based_on="https://example.org/m/1"
    )
    response = writer.put(f"/api/methods/{method.uuid}/", method_body(lab, steps=[{"title": "Neu"}]))
    assert response.status_code == 200, response.content
    method.refresh_from_db()
    assert (method.title, method.difficulty, method.visibility) == ("Kartenabfrage", "", "network")
    assert (method.slug, method.based_on) == ("persona-werkstatt", "https://example.org/m/1")
    assert [step.title for step in method.steps.all()] == ["Neu"]


@pytest.mark.django_db
def test_put_without_a_required_field_is_refused(writer, lab):
    method = make_method(lab)
    body = method_body(lab)
    del body["summary"]
    response = writer.put(f"/api/methods/{method.uuid}/", body)
    assert response.status_code == 400 and "summary" in response.json()["errors"]


@pytest.mark.django_db
def test_deleting_a_method_leaves_a_tombstone(writer, lab):
    method = make_method(lab)
    assert writer.delete(f"/api/methods/{method.uuid}/").status_code == 204
    assert not MethodCard.objects.filter(pk=method.pk).exists()
    assert ChangeLogEntry.objects.get(iri=method.iri).deleted


@pytest.mark.django_db
def test_a_draft_can_be_published_by_its_writer(writer, lab):
    draft = make_method(lab, visibility="draft")
    assert writer.patch(f"/api/methods/{draft.uuid}/", {"visibility": "public"}).status_code == 200
    assert writer.get(f"/api/methods/{draft.uuid}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_writing_a_mirrored_method_is_forbidden_naming_its_origin(writer, lab, remote_lab, remote_node, method):
    mirrored = mirrored_method(remote_lab)
    response = getattr(writer, method)(f"/api/methods/{mirrored.uuid}/", method_body(lab))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert remote_node.iri in response.json()["detail"]
    assert MethodCard.objects.get(pk=mirrored.pk).title == "Stadtspaziergang"


@pytest.mark.django_db
def test_writing_a_mirrored_event_is_forbidden_naming_its_origin(writer, remote_lab, remote_node):
    mirrored = mirrored_event(remote_lab)
    response = writer.patch(f"/api/events/{mirrored.uuid}/", {"title": "Übernommen"})
    assert response.status_code == 403 and remote_node.iri in response.json()["detail"]


@pytest.mark.django_db
def test_adapting_a_mirrored_method_creates_a_local_copy_based_on_it(writer, lab, remote_lab):
    source = mirrored_method(remote_lab)
    source.steps.create(position=1, title="Route planen")
    response = writer.post(f"/api/methods/{source.uuid}/adapt/", {"lab": lab.iri, "title": "Kiezspaziergang"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["based_on"], body["is_local"], body["title"]) == (source.iri, True, "Kiezspaziergang")
    assert body["lab"]["iri"] == lab.iri
    assert [step["title"] for step in body["steps"]] == ["Route planen"]


@pytest.mark.django_db
def test_adapting_a_local_method_keeps_the_source_and_can_replace_the_steps(writer, lab):
    source = make_method(lab, steps=[{"title": "Alt"}])
    response = writer.post(f"/api/methods/{source.uuid}/adapt/", {"lab": lab.iri, "steps": [{"title": "Neu"}]})
    assert response.status_code == 201, response.content
    assert [step["title"] for step in response.json()["steps"]] == ["Neu"]
    assert response.json()["slug"] != source.slug
    assert MethodCard.objects.count() == 2


@pytest.mark.django_db
def test_adapting_needs_a_lab_of_this_node(writer, lab, remote_lab):
    source = make_method(lab)
    assert "lab" in writer.post(f"/api/methods/{source.uuid}/adapt/", {}).json()["errors"]
    response = writer.post(f"/api/methods/{source.uuid}/adapt/", {"lab": remote_lab.iri})
    assert response.status_code == 400 and "lab" in response.json()["errors"]


@pytest.mark.django_db
def test_creating_an_event_keeps_its_instant_and_zone(writer, lab):
    response = writer.post("/api/events/", event_body(lab, timezone="Europe/Berlin"))
    assert response.status_code == 201, response.content
    event = Event.objects.get(uuid=response.json()["uuid"])
    assert event.start.isoformat() == "2027-05-14T16:00:00+00:00"
    assert response.json()["start"] == "2027-05-14T18:00:00+02:00"


@pytest.mark.django_db
def test_an_event_time_without_offset_is_refused(writer, lab):
    response = writer.post("/api/events/", event_body(lab, start="2027-05-14T18:00:00"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "offset" in response.json()["errors"]["start"][0]


@pytest.mark.django_db
def test_events_are_changed_cancelled_and_deleted(writer, lab):
    event = make_event(lab)
    assert writer.patch(f"/api/events/{event.uuid}/", {"capacity": 30}).json()["capacity"] == 30
    assert writer.post(f"/api/events/{event.uuid}/cancel/").json()["status"] == "cancelled"
    assert writer.delete(f"/api/events/{event.uuid}/").status_code == 204
    assert ChangeLogEntry.objects.get(iri=event.iri).deleted


@pytest.mark.django_db
def test_put_replaces_an_event_but_keeps_its_status_and_visibility_when_omitted(writer, lab):
    event = make_event(lab, capacity=12, status="cancelled", visibility="network")
    response = writer.put(f"/api/events/{event.uuid}/", event_body(lab))
    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert (event.title, event.capacity, event.version) == ("Reparaturcafé", None, 2)
    assert (event.status, event.visibility) == ("cancelled", "network")


@pytest.mark.django_db
def test_service_validation_errors_are_listed_by_field_in_german_by_default(writer, lab):
    response = writer.post("/api/methods/", method_body(lab, duration_min=90, duration_max=30))
    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"]["duration_max"] == ["Die längste Dauer darf nicht kürzer sein als die kürzeste."]
    assert problem["detail"] == "Diese Felder sind ungültig: duration_max."
    assert problem["title"] == "Ungültige Anfrage"


@pytest.mark.django_db
def test_validation_errors_are_in_english_on_request(writer, lab):
    body = method_body(lab, duration_min=90, duration_max=30)
    del body["phase"]
    problem = writer.post("/api/methods/", body, HTTP_ACCEPT_LANGUAGE="en").json()
    assert problem["errors"] == {"phase": ["This field is required."]}
    assert problem["detail"] == "These fields are invalid: phase."
    problem = writer.post("/api/methods/", method_body(lab, duration_min=90, duration_max=30), HTTP_ACCEPT_LANGUAGE="en").json()
    assert problem["errors"]["duration_max"] == ["The longest duration must not be shorter than the shortest."]


@pytest.mark.django_db
def test_serializer_errors_are_german_by_default(writer, lab):
    body = method_body(lab)
    del body["phase"]
    assert writer.post("/api/methods/", body).json()["errors"] == {"phase": ["Dieses Feld ist zwingend erforderlich."]}


@pytest.mark.django_db
def test_nested_and_unknown_fields_are_named(writer, lab):
    response = writer.post("/api/methods/", method_body(lab, steps=[{"title": "Gut"}, {"text": "ohne Titel"}]))
    assert list(response.json()["errors"]) == ["steps.1.title"]
    response = writer.post("/api/methods/", method_body(lab, colour="blau"), HTTP_ACCEPT_LANGUAGE="en")
    assert list(response.json()["errors"]) == ["colour"]
    response = writer.post("/api/methods/", method_body(lab, steps=[{"title": "Gut", "dauer": 5}]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"] == {"steps.0.dauer": ["“dauer” is not a field of a step that can be written."]}
    assert not MethodCard.objects.exists()


@pytest.mark.django_db
def test_event_rules_of_the_service_name_their_fields(writer, lab):
    body = event_body(lab, attendance_mode="online", place_name="", end="2027-05-14T17:00:00+02:00")
    errors = writer.post("/api/events/", body).json()["errors"]
    assert set(errors) == {"end", "online_url"}
