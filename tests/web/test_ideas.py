"""Ideas on the pages: the form on a lab's page (hostile input first), the staff's moderation, the network's list."""

from __future__ import annotations

import pytest
from django.test import Client

from hub.models import ChangeLogEntry
from ideas.models import Idea
from ideas.services import idea_publish, idea_submit
from tests.api.factories import make_event, make_method

pytestmark = pytest.mark.django_db

EMAIL = "anna.beispiel@example.org"
FORM = {"title": "Trinkbrunnen am Marktplatz", "text": "Im Sommer fehlt Wasser.\nBitte einen Brunnen.",
        "district": "Altstadt", "name": "Anna", "email": EMAIL, "website": ""}
HOSTILE = ('<script>alert("x")</script> <a href="https://spam.example/kaufen">billig</a> '
           "[klick](https://spam.example/md) https://spam.example/nackt <img src=x onerror=alert(1)>")


def send(client, lab, **changes):
    return client.post(f"/labs/{lab.slug}/ideas/", FORM | changes)


@pytest.fixture
def editor(person, lab):
    return person("lena", "lab-editor", lab=lab)


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(client, lab):
    response = send(client, lab, website="https://spam.example")
    assert response.status_code == 302 and response["Location"].endswith(f"/labs/{lab.slug}#lab-ideas")
    assert "Vielen Dank für Ihre Idee" in client.get(response["Location"]).content.decode()
    assert not Idea.objects.exists()


def test_too_many_ideas_from_one_address_are_refused_for_a_while(client, lab, settings):
    settings.HUB_THROTTLE_IDEAS = (2, 3600)
    assert [send(client, lab).status_code for _ in range(2)] == [302, 302]
    refused = send(client, lab, title="Die dritte Idee")
    assert refused.status_code == 429 and 3000 < int(refused["Retry-After"]) <= 3600
    assert "Bitte versuchen Sie es in 60 Minuten erneut" in refused.content.decode()
    assert Idea.objects.count() == 2


def test_with_the_throttle_off_every_idea_is_taken(client, lab, settings):
    settings.HUB_THROTTLE_IDEAS = None  # HUB_THROTTLE=off
    assert {send(client, lab, title=f"Idee {n}").status_code for n in range(12)} == {302}


def test_an_oversized_or_empty_idea_is_refused_naming_the_field(client, lab):
    response = send(client, lab, text="x" * 5001, title="")
    page = response.content.decode()
    assert response.status_code == 400 and 'class="error-summary"' in page
    assert '<a href="#id_text">Ihre Idee:' in page and '<a href="#id_title">Titel Ihrer Idee:' in page
    assert 'aria-invalid="true"' in page and not Idea.objects.exists()


def test_a_name_with_a_line_break_is_refused(client, lab):
    response = send(client, lab, name="Anna\r\nBcc: spam@example.org")
    assert response.status_code == 400 and '<a href="#id_name">' in response.content.decode()
    assert not Idea.objects.exists()


def test_links_and_html_are_shown_as_plain_text_before_and_after_moderation(client, lab, editor):
    send(client, lab, text=HOSTILE, title='<b onmouseover="alert(1)">Titel</b>')
    idea = Idea.objects.get()
    client.force_login(editor)
    pages = [client.get(f"/staff/ideas/{idea.uuid}").content.decode(), client.get("/staff/ideas/").content.decode()]
    idea_publish(idea=idea, actor=editor, answer='Siehe <a href="https://spam.example/antwort">hier</a>')
    client.logout()
    pages += [client.get(f"/labs/{lab.slug}").content.decode(), client.get(f"/ideas/{idea.uuid}").content.decode(),
              client.get("/ideas/").content.decode()]
    for page in pages:
        assert "spam.example" in page or "&lt;b onmouseover" in page
        assert 'href="https://spam.example' not in page and "<script>alert" not in page
        assert "<img" not in page and '<b onmouseover' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[3]


def test_the_form_refuses_a_post_without_the_csrf_token(lab):
    client = Client(enforce_csrf_checks=True)
    assert send(client, lab).status_code == 403
    assert not Idea.objects.exists()


def test_the_form_has_labels_and_sends_an_idea_that_waits_for_the_lab(client, lab):
    page = client.get(f"/labs/{lab.slug}").content.decode()
    for name, label in (("title", "Titel Ihrer Idee"), ("text", "Ihre Idee"), ("name", "Ihr Name (freiwillig)"),
                        ("email", "Ihre E-Mail-Adresse (freiwillig)"), ("district", "Stadtteil (freiwillig)")):
        assert f'<label for="id_{name}">{label}' in page, name
    assert '<div class="honeypot">' in page and 'tabindex="-1"' in page
    response = send(client, lab, HTTP_ACCEPT_LANGUAGE="en")
    idea = Idea.objects.get()
    assert (idea.status, idea.author_email, idea.author_language) == ("submitted", EMAIL, "de")
    assert idea.title not in client.get(f"/labs/{lab.slug}").content.decode()  # not before moderation
    assert response.status_code == 302


def test_the_form_speaks_english_to_english_readers_and_keeps_their_language(client, lab):
    client.cookies["django_language"] = "en"
    page = client.get(f"/labs/{lab.slug}").content.decode()
    assert '<label for="id_title">Title of your idea' in page and "Bring in your idea" in page
    send(client, lab)
    assert Idea.objects.get().author_language == "en"


def test_a_mirrored_labs_page_sends_ideas_to_its_own_node(client, lab, remote_lab):
    page = client.get("/labs/127.0.0.1:8999/fernlabor").content.decode()
    assert 'id="idea-form"' not in page and f'href="{remote_lab.iri}"' in page


def test_a_lab_editor_publishes_with_an_answer_and_the_lab_page_shows_both(client, lab, editor):
    send(client, lab)
    idea = Idea.objects.get()
    client.force_login(editor)
    assert "1 wartend" in client.get("/staff/").content.decode()
    staff_page = client.get(f"/staff/ideas/{idea.uuid}").content.decode()
    assert "Anna" in staff_page and EMAIL not in staff_page and "ja: Ihre Antwort" in staff_page
    response = client.post(f"/staff/ideas/{idea.uuid}", {"action": "publish", "answer": "Wir prüfen den Standort.",
                                                          "visibility": "public"})
    assert response.status_code == 302
    client.logout()
    page = client.get(f"/labs/{lab.slug}").content.decode()
    assert "Trinkbrunnen am Marktplatz" in page and "Beantwortet" in page
    detail = client.get(f"/ideas/{idea.uuid}").content.decode()
    assert "Wir prüfen den Standort." in detail and "Anna" not in detail and EMAIL not in detail


def test_a_decline_needs_a_reason_and_keeps_the_idea_off_every_page(client, lab, editor):
    send(client, lab)
    idea = Idea.objects.get()
    client.force_login(editor)
    refused = client.post(f"/staff/ideas/{idea.uuid}", {"action": "decline", "reason": ""})
    assert refused.status_code == 400 and '<a href="#id_reason">Grund:' in refused.content.decode()
    assert client.post(f"/staff/ideas/{idea.uuid}", {"action": "decline", "reason": "Doppelt."}).status_code == 302
    assert Idea.objects.get().status == "declined"
    client.logout()
    assert client.get(f"/ideas/{idea.uuid}").status_code == 404
    assert "Trinkbrunnen" not in client.get("/ideas/").content.decode()


def test_only_the_labs_own_editors_moderate_its_ideas(client, lab, second_lab, person):
    send(client, lab)
    idea = Idea.objects.get()
    client.force_login(person("otto", "lab-editor", lab=second_lab))
    assert client.get(f"/staff/ideas/{idea.uuid}").status_code == 403
    assert client.post(f"/staff/ideas/{idea.uuid}", {"action": "publish", "visibility": "public"}).status_code == 403
    assert "Trinkbrunnen" not in client.get("/staff/ideas/").content.decode()
    assert Idea.objects.get().status == "submitted"


def test_linking_an_event_and_a_method_shows_where_the_idea_was_taken_up(client, lab, editor):
    idea = idea_publish(idea=idea_submit(lab=lab, title="Reparieren statt wegwerfen", text="Ein Reparaturcafé."),
                        actor=editor)
    event, method = make_event(lab, title="Reparaturcafé"), make_method(lab, title="Werkstattgespräch")
    client.force_login(editor)
    form = client.get(f"/staff/ideas/{idea.uuid}").content.decode()
    assert f'value="{event.iri}"' in form and f'value="{method.iri}"' in form
    response = client.post(f"/staff/ideas/{idea.uuid}", {"action": "link", "event_iris": [event.iri],
                                                          "method_iris": [method.iri]})
    assert response.status_code == 302
    assert Idea.objects.get().status == "taken-up"
    page = client.get(f"/ideas/{idea.uuid}").content.decode()
    assert "Aufgegriffen in" in page and "Reparaturcafé" in page and "Werkstattgespräch" in page
    bogus = client.post(f"/staff/ideas/{idea.uuid}", {"action": "link", "event_iris": ["https://evil.example/x"]})
    assert bogus.status_code == 400 and Idea.objects.get().event_iris == [event.iri]


def test_the_network_page_lists_ideas_of_every_city_and_serves_their_signed_documents(client, lab, editor, remote_lab):
    idea = idea_publish(idea=idea_submit(lab=lab, title="Trinkbrunnen", text="Wasser.", author_email=EMAIL), actor=editor)
    Idea.objects.create(iri=f"{remote_lab.origin.base_url}/ideas/1c6f1d0e-5f4b-4c2a-9d3e-7a8b9c0d1e2f",
                        uuid="1c6f1d0e-5f4b-4c2a-9d3e-7a8b9c0d1e2f", origin=remote_lab.origin, lab=remote_lab,
                        title="Schattenplätze", text="Bäume.", status="published", visibility="public")
    page = client.get("/ideas/").content.decode()
    assert "Trinkbrunnen" in page and "Schattenplätze" in page and "Fernstadt" in page and "Teststadt" in page
    assert "Trinkbrunnen" not in client.get("/ideas/?city=Fernstadt").content.decode()
    document = client.get(f"/ideas/{idea.uuid}", HTTP_ACCEPT="application/ld+json")
    assert document["Content-Type"].startswith("application/ld+json")
    assert document.json()["type"] == "Idea" and EMAIL.encode() not in document.content
    assert ChangeLogEntry.objects.get(iri=idea.iri).document == document.content.decode()


def test_a_deleted_idea_is_gone(client, lab, editor):
    idea = idea_publish(idea=idea_submit(lab=lab, title="Bänke", text="Mehr Bänke."), actor=editor)
    client.force_login(editor)
    assert client.post(f"/staff/ideas/{idea.uuid}/delete").status_code == 302
    client.logout()
    assert client.get(f"/ideas/{idea.uuid}").status_code == 410
