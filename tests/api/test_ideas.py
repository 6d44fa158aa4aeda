"""Ideas through the REST API: anonymous sending (hostile input first), the public lists, the staff's moderation."""

from __future__ import annotations

import pytest

from hub.roles import SYSTEM
from ideas.models import Idea
from ideas.services import idea_publish, idea_submit
from tests.api.factories import make_event, token_client

pytestmark = pytest.mark.django_db

EMAIL = "anna.beispiel@example.org"
IDEA = {"title": "Trinkbrunnen am Marktplatz", "text": "Im Sommer fehlt Wasser.", "district": "Altstadt",
        "name": "Anna", "email": EMAIL, "language": "en"}


def send(client, lab, body=None):
    return client.post(f"/api/labs/{lab.slug}/ideas/", IDEA if body is None else body, format="json")


def test_anyone_sends_an_idea_without_an_account(anonymous, lab):
    response = send(anonymous, lab)
    assert response.status_code == 202 and response.json() == {"status": "submitted"}
    idea = Idea.objects.get()
    assert (idea.status, idea.author_email, idea.author_language, idea.visibility) == ("submitted", EMAIL, "en", "draft")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Zwei\nZeilen"}, "title"),
        ({"text": "x" * 5001}, "text"),
        ({"email": "keine-adresse"}, "email"),
        ({"name": "Anna\r\nBcc: spam@example.org"}, "name"),
        ({"language": "fr"}, "language"),
        ({"author_email": EMAIL}, "author_email"),
        ({"title": 12}, "title"),
    ],
)
def test_bad_input_is_refused_with_problem_details_naming_the_field(anonymous, lab, change, field):
    response = send(anonymous, lab, IDEA | change)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert field in problem["errors"] and field in problem["detail"]
    assert not Idea.objects.exists()


def test_too_many_ideas_from_one_address_get_429_counted_with_the_form(anonymous, client, lab, settings):
    settings.HUB_THROTTLE_IDEAS = (2, 3600)
    assert client.post(f"/labs/{lab.slug}/ideas/", {"title": "Vom Formular", "text": "Ja."}).status_code == 302
    assert send(anonymous, lab).status_code == 202
    refused = send(anonymous, lab)
    assert refused.status_code == 429 and refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 3000 and Idea.objects.count() == 2


def test_ideas_go_only_to_this_nodes_published_labs(anonymous, lab, remote_lab):
    assert anonymous.post("/api/labs/keinlabor/ideas/", IDEA, format="json").status_code == 404
    lab.visibility = "draft"
    lab.save()
    assert send(anonymous, lab).status_code == 404 and not Idea.objects.exists()


def test_the_public_lists_show_published_ideas_without_their_authors(anonymous, lab, remote_lab):
    waiting = idea_submit(lab=lab, title="Noch nicht", text="Wartet.", author_email=EMAIL)
    published = idea_publish(idea=idea_submit(lab=lab, title="Trinkbrunnen", text="Wasser.", author_name="Anna",
                                              author_email=EMAIL), actor=SYSTEM)
    Idea.objects.create(iri=f"{remote_lab.origin.base_url}/ideas/1c6f1d0e-5f4b-4c2a-9d3e-7a8b9c0d1e2f",
                        uuid="1c6f1d0e-5f4b-4c2a-9d3e-7a8b9c0d1e2f", origin=remote_lab.origin, lab=remote_lab,
                        title="Schattenplätze", text="Bäume.", status="published", visibility="public")
    lab_list = anonymous.get(f"/api/labs/{lab.slug}/ideas/")
    network = anonymous.get("/api/ideas/")
    assert [i["title"] for i in lab_list.json()["results"]] == ["Trinkbrunnen"]
    assert {i["title"] for i in network.json()["results"]} == {"Trinkbrunnen", "Schattenplätze"}
    assert [i["title"] for i in anonymous.get("/api/ideas/?city=Fernstadt").json()["results"]] == ["Schattenplätze"]
    for response in (lab_list, network, anonymous.get(f"/api/ideas/{published.uuid}/")):
        assert response.status_code == 200
        assert EMAIL.encode() not in response.content and b"Anna" not in response.content
        assert b"author" not in response.content and b"decline_reason" not in response.content
    assert anonymous.get(f"/api/ideas/{waiting.uuid}/").status_code == 404


@pytest.fixture
def editor_client(person, lab):
    return token_client(person("lena", "lab-editor", lab=lab), "read write")


def test_the_moderation_queue_is_for_the_labs_staff_and_never_shows_the_address(anonymous, reader, editor_client, lab):
    idea_submit(lab=lab, title="Trinkbrunnen", text="Wasser.", author_name="Anna", author_email=EMAIL)
    assert anonymous.get("/api/ideas/moderation/").status_code in (401, 403)
    assert reader.get("/api/ideas/moderation/").status_code == 403
    response = editor_client.get("/api/ideas/moderation/?status=submitted")
    [listed] = response.json()
    assert (listed["status"], listed["author_name"], listed["has_email"]) == ("submitted", "Anna", True)
    assert EMAIL.encode() not in response.content
    assert editor_client.get("/api/ideas/moderation/?status=nonsense").status_code == 400


def test_staff_publish_answer_link_and_delete_through_the_api(editor_client, lab):
    idea = idea_submit(lab=lab, title="Reparaturcafé", text="Reparieren statt wegwerfen.")
    published = editor_client.post(f"/api/ideas/{idea.uuid}/publish/", {"visibility": "public"}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    answered = editor_client.post(f"/api/ideas/{idea.uuid}/answer/", {"answer": "Ab Mai."}, format="json")
    assert answered.json()["answer"] == "Ab Mai."
    event = make_event(lab, title="Reparaturcafé")
    linked = editor_client.post(f"/api/ideas/{idea.uuid}/links/", {"event_iris": [event.iri]}, format="json")
    assert linked.status_code == 200 and linked.json()["status"] == "taken-up"
    bogus = editor_client.post(f"/api/ideas/{idea.uuid}/links/", {"method_iris": ["https://evil.example/m"]},
                               format="json")
    assert bogus.status_code == 400 and "method_iris" in bogus.json()["errors"]
    assert editor_client.delete(f"/api/ideas/{idea.uuid}/").status_code == 204
    assert not Idea.objects.exists()


def test_a_decline_needs_a_reason_and_only_the_labs_own_staff_decline(editor_client, person, second_lab, lab):
    idea = idea_submit(lab=lab, title="Trinkbrunnen", text="Wasser.")
    stranger = token_client(person("otto", "lab-editor", lab=second_lab), "read write")
    assert stranger.post(f"/api/ideas/{idea.uuid}/decline/", {"reason": "Nein."}, format="json").status_code == 403
    empty = editor_client.post(f"/api/ideas/{idea.uuid}/decline/", {"reason": ""}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()["errors"]
    declined = editor_client.post(f"/api/ideas/{idea.uuid}/decline/", {"reason": "Doppelt."}, format="json")
    assert declined.status_code == 200 and declined.json()["decline_reason"] == "Doppelt."
    again = editor_client.post(f"/api/ideas/{idea.uuid}/publish/", {}, format="json")
    assert again.status_code == 400 and "status" in again.json()["errors"]
