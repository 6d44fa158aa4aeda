"""Registering on an event's page, and the registration's own page from the link in its mails."""

from __future__ import annotations

import pytest
from django.test import Client

from events.models import Registration
from tests.api.factories import mirrored_event
from tests.events.factories import registered, seated_event, token_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(lab):
    return seated_event(lab, capacity=1, waiting_list=True, max_companions=2, question="Was bringen Sie mit?")


def text(response) -> str:
    return response.content.decode()


def test_a_mirrored_event_sends_people_to_its_origin(client, node, remote_lab):
    mirror = mirrored_event(remote_lab, registration="node", capacity=30, remaining_capacity=4)
    page = text(client.get(f"/events/{mirror.uuid}"))
    assert f'href="{mirror.iri}#register"' in page and "Bei Fernlabor anmelden" in page and "4 Plätze frei" in page
    assert "/register\"" not in page.split("<footer")[0].replace(f"{mirror.iri}#register", "")


def test_registering_on_the_page_asks_to_check_the_mail_and_sends_the_link(
        client, event, tasks_at_once, django_capture_on_commit_callbacks, mailoutbox):
    form = {"name": "Anna", "email": "anna@example.org", "companions": "1", "needs": ["hearing-loop"],
            "answer": "Kuchen", "language": "de", "consent": "on", "website": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{event.uuid}/register", form)
    assert response.status_code == 200 and "Schauen Sie in Ihr Postfach" in text(response)
    registration = Registration.objects.get()
    assert (registration.companions, registration.needs, registration.answer) == (1, ["hearing-loop"], "Kuchen")
    assert f"/registrations/{token_of(registration)}" in mailoutbox[0].body


def test_a_form_without_consent_names_what_is_missing(client, event):
    response = client.post(f"/events/{event.uuid}/register", {"name": "Anna", "email": "anna@example.org"})
    assert response.status_code == 400 and 'href="#id_consent"' in text(response)
    assert not Registration.objects.exists()


def test_opening_the_link_changes_nothing_and_the_buttons_do(client, event):
    registration = registered(event, 1, confirm=False)
    page_url = f"/registrations/{token_of(registration)}"
    response = client.get(page_url)
    assert "Bitte bestätigen Sie Ihre Anmeldung" in text(response) and "person1@example.org" in text(response)
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex, nofollow"
    assert Registration.objects.get().status == "pending"
    response = client.post(page_url, {"action": "confirm"}, follow=True)
    assert f"Ihr Einlass-Code ist {registration.code}" in text(response)
    response = client.post(page_url, {"action": "cancel"}, follow=True)
    assert "Diese Anmeldung ist storniert." in text(response)
    response = client.post(page_url, {"action": "erase"})
    assert "Anmeldung gelöscht" in text(response) and not Registration.objects.exists()
    assert client.get(page_url).status_code == 404


def test_the_buttons_need_the_pages_csrf_token(event):
    registration = registered(event, 1, confirm=False)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/registrations/{token_of(registration)}", {"action": "confirm"}).status_code == 403
    assert Registration.objects.get().status == "pending"


def test_a_full_event_puts_people_on_the_waiting_list_and_says_where(client, event):
    registered(event, 1)
    waiting = registered(event, 2)
    assert "Sie sind Nummer 1 auf der Warteliste" in text(client.get(f"/registrations/{token_of(waiting)}"))
