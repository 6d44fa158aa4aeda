"""Registering from an event's page: the seats, the form, hostile and mistaken input, throttling; German and English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Registration
from events.registrations.services import registration_confirm, registration_request
from events.services import event_cancel
from hub.roles import SYSTEM
from tests.api.factories import mirrored_event
from tests.events.factories import registered, seated_event

pytestmark = pytest.mark.django_db

ANNA = {
    "name": "Anna", "email": "anna@example.org", "companions": "1", "needs": ["hearing-loop"],
    "answer": "Ich bringe Kuchen mit.", "language": "de", "consent": "on", "website": "",
}


@pytest.fixture
def event(lab):
    """An event of this node with 20 seats, two companions per registration, a question and two accessibility features."""
    return seated_event(lab, max_companions=2, question="Was möchten Sie mitbringen?")


def html(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:3000]
    return response.content.decode()


def register(client, event, **changes):
    return client.post(f"/events/{event.uuid}/register", ANNA | changes)


def in_english(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def value_of(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    found = match and re.search(r'value="([^"]*)"', match.group(0))
    return found.group(1) if found else None


# --- the event's page ---------------------------------------------------------------------------


def test_the_event_page_shows_the_seats_left_and_the_form_in_german(client, event):
    page = html(client.get(f"/events/{event.uuid}"))
    assert 'id="register"' in page and "20 Plätze frei." in page
    assert f'action="/events/{event.uuid}/register"' in page and 'name="csrfmiddlewaretoken"' in page
    assert 'autocomplete="name"' in page and 'type="email"' in page and 'autocomplete="email"' in page
    # companions 0..2, as words; the needs the event offers; the lab's question
    assert "Niemand, nur ich" in page and '<option value="2">2 Personen</option>' in page and 'value="3"' not in page
    assert "Ich brauche …" in page and "eine Höranlage" in page and "stufenlosen Zugang" in page
    assert "Gebärdensprach" not in page  # not offered by this event
    assert "Was möchten Sie mitbringen?" in page
    # the language of the mails, the page's by default; consent with the privacy notice linked
    assert re.search(r'<input type="radio" name="language" value="de"[^>]*checked', page)
    assert 'href="/privacy/" target="_blank" rel="noopener">Datenschutzhinweise lesen</a>' in page
    assert "Ja, ich bin einverstanden." in page and "90 Tage nach der Veranstaltung" in page
    assert '<div class="honeypot">' in page and 'tabindex="-1"' in page


def test_the_event_page_speaks_english_and_chooses_english_mails(client, event):
    in_english(client)
    page = html(client.get(f"/events/{event.uuid}"))
    assert "20 seats left." in page and "Register for this event" in page and "Send registration" in page
    assert "No one, only me" in page and "a hearing loop" in page and "Read the privacy notice" in page
    assert re.search(r'<input type="radio" name="language" value="en"[^>]*checked', page)


def test_an_event_without_companions_needs_or_question_asks_only_name_e_mail_language_and_consent(client, lab):
    event = seated_event(lab, accessibility_features=[])
    page = html(client.get(f"/events/{event.uuid}"))
    assert 'name="name"' in page and 'name="email"' in page and 'name="consent"' in page
    assert 'name="companions"' not in page and 'name="needs"' not in page and 'name="answer"' not in page


def test_a_full_event_with_a_waiting_list_says_so_and_still_takes_registrations(client, lab):
    event = seated_event(lab, capacity=1, waiting_list=True)
    registered(event, 1)
    page = html(client.get(f"/events/{event.uuid}"))
    assert "Alle Plätze sind vergeben; die Warteliste ist offen." in page and 'name="email"' in page


def test_a_full_event_without_a_waiting_list_is_fully_booked_and_has_no_form(client, lab):
    event = seated_event(lab, capacity=1)
    registered(event, 1)
    page = html(client.get(f"/events/{event.uuid}"))
    assert "Ausgebucht." in page and 'name="email"' not in page


def test_before_registration_opens_the_page_says_when(client, lab):
    opens = timezone.now().replace(microsecond=0) + timedelta(days=2)
    event = seated_event(lab, registration_opens=opens)
    page = html(client.get(f"/events/{event.uuid}"))
    assert "Die Anmeldung beginnt am" in page and 'name="email"' not in page


def test_registration_closes_at_its_time(client, lab):
    event = seated_event(lab, registration_closes=timezone.now() + timedelta(days=1))
    assert "Sie können sich bis" in html(client.get(f"/events/{event.uuid}"))
    event.registration_closes = timezone.now() - timedelta(minutes=1)
    event.save()
    page = html(client.get(f"/events/{event.uuid}"))
    assert "Die Anmeldung ist geschlossen." in page and 'name="email"' not in page


def test_a_draft_event_shows_no_form(staff_client, lab):
    event = seated_event(lab, visibility="draft")
    page = html(staff_client.get(f"/events/{event.uuid}"))
    assert "noch nicht veröffentlicht" in page and 'name="email"' not in page


def test_an_event_with_registration_elsewhere_keeps_its_link_and_has_no_form(client, lab):
    event = seated_event(lab, registration="required", registration_url="https://anmeldung.example.org/", capacity=None)
    page = html(client.get(f"/events/{event.uuid}"))
    assert 'href="https://anmeldung.example.org/"' in page and 'id="register"' not in page


# --- a mirrored event: the origin takes the registrations -------------------------------------


def test_a_mirrored_event_shows_the_origin_s_seats_and_links_there_without_a_form(client, lab, remote_lab):
    event = mirrored_event(remote_lab, registration="node", capacity=30, remaining_capacity=3)
    page = html(client.get(f"/events/{event.uuid}"))
    assert "3 Plätze frei, wie Fernlabor zuletzt mitteilte." in page
    assert f'href="{event.iri}#register"' in page and "Bei Fernlabor anmelden" in page
    assert 'name="email"' not in page and "/register\"" not in page


def test_a_registration_sent_for_a_mirrored_event_is_refused_with_the_link(client, lab, remote_lab):
    event = mirrored_event(remote_lab, registration="node", capacity=30, remaining_capacity=3)
    page = html(register(client, event), 409)
    assert f'href="{event.iri}#register"' in page and not Registration.objects.exists()


# --- sending the form -------------------------------------------------------------------------


def test_a_registration_is_stored_pending_and_the_page_says_to_check_the_inbox(client, event):
    page = html(register(client, event))
    assert "Schauen Sie in Ihr Postfach" in page and "<strong>anna@example.org</strong>" in page
    registration = Registration.objects.get()
    assert registration.status == "pending" and registration.name == "Anna" and registration.companions == 1
    assert registration.needs == ["hearing-loop"] and registration.answer == "Ich bringe Kuchen mit."
    assert registration.language == "de" and registration.consented_at
    assert "Testlabor Teststadt" in registration.consent_text and "Standardtext" in registration.consent_text


def test_the_answer_is_the_same_for_an_address_registered_already(client, event):
    first = html(register(client, event))
    registration_confirm(registration=Registration.objects.get())
    again = html(register(client, event, name="Jemand", email="ANNA@example.org"))

    def without_token(page: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace("ANNA@example.org", "anna@example.org")

    assert without_token(first) == without_token(again)
    assert Registration.objects.count() == 1 and Registration.objects.get().name == "Anna"


def test_english_mails_can_be_chosen_on_a_german_page(client, event):
    html(register(client, event, language="en"))
    assert Registration.objects.get().language == "en"


def test_the_form_needs_a_csrf_token(event):
    response = Client(enforce_csrf_checks=True).post(f"/events/{event.uuid}/register", ANNA)
    assert response.status_code == 403 and not Registration.objects.exists()


def test_the_register_page_shows_the_form_on_its_own(client, event):
    page = html(client.get(f"/events/{event.uuid}/register"))
    assert "<h1>Anmeldung zu „Zukunftswerkstatt Nordstadt“</h1>" in page and 'name="email"' in page
    assert '<meta name="robots" content="noindex">' in page


# --- hostile and mistaken input ---------------------------------------------------------------


def test_missing_consent_is_named_at_the_top_and_at_the_box_and_nothing_typed_is_lost(client, event):
    page = html(register(client, event, consent=""), 400)
    assert 'class="error-summary"' in page and '<a href="#id_consent">Ihre Einwilligung:' in page
    assert 'id="id_consent-error"' in page and 'aria-describedby="id_consent-error id_consent-help"' in page
    assert 'aria-invalid="true"' in page and "Bitte kreuzen Sie dieses Feld an" in page
    assert value_of(page, "name") == "Anna" and value_of(page, "email") == "anna@example.org"
    assert '<option value="1" selected>' in page and re.search(r'value="hearing-loop"[^>]*checked', page)
    assert "Ich bringe Kuchen mit.</textarea>" in page
    assert not Registration.objects.exists()


def test_an_invalid_e_mail_address_is_named_and_the_rest_is_kept(client, event):
    page = html(register(client, event, email="anna-at-example"), 400)
    assert '<a href="#id_email">Ihre E-Mail-Adresse: Bitte geben Sie eine E-Mail-Adresse wie name@example.org an.</a>' in page
    assert value_of(page, "email") == "anna-at-example" and value_of(page, "name") == "Anna"
    assert 'aria-describedby="id_email-error id_email-help"' in page
    assert not Registration.objects.exists()


@pytest.mark.parametrize("name", ["Anna\nBcc: x@example.org", "Anna\r\nX", "Anna\u2028X", "Anna\u0007"])
def test_a_name_with_a_line_break_or_control_character_is_refused(client, event, name):
    page = html(register(client, event, name=name), 400)
    assert '<a href="#id_name">Ihr Name: Bitte schreiben Sie Ihren Namen in eine Zeile.</a>' in page
    assert not Registration.objects.exists()


def test_a_nul_character_is_refused_before_the_form_is_read(client, event):
    html(register(client, event, name="Anna\x00"), 400)
    assert not Registration.objects.exists()


def test_companions_over_the_limit_are_refused(client, event):
    page = html(register(client, event, companions="3"), 400)
    assert "Sie können höchstens 2 Personen mitbringen." in page and not Registration.objects.exists()


@pytest.mark.parametrize("needs", [["sign-language"], ["<script>"]])
def test_needs_the_event_does_not_offer_are_refused(client, event, needs):
    page = html(register(client, event, needs=needs), 400)
    assert 'href="#id_needs"' in page and 'value="<script>"' not in page
    assert not Registration.objects.exists()


def test_an_overlong_answer_is_refused_and_shown_escaped(client, event):
    page = html(register(client, event, answer="<b>x</b>" * 300), 400)
    assert 'href="#id_answer"' in page and "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_a_filled_honeypot_gets_the_same_answer_and_nothing_is_kept(client, event):
    page = html(register(client, event, website="https://spam.example"))
    assert "Schauen Sie in Ihr Postfach" in page and not Registration.objects.exists()


def test_a_closed_registration_refuses_a_sent_form(client, lab):
    event = seated_event(lab, registration_closes=timezone.now() + timedelta(hours=1))
    page_before = html(client.get(f"/events/{event.uuid}"))
    assert 'name="email"' in page_before
    event.registration_closes = timezone.now() - timedelta(seconds=1)
    event.save()
    page = html(register(client, event), 409)
    assert "Die Anmeldung ist geschlossen." in page and not Registration.objects.exists()


def test_a_cancelled_event_takes_no_registrations(client, event):
    event_cancel(event=event, actor=SYSTEM)
    page = html(client.get(f"/events/{event.uuid}"))
    assert "Die Anmeldung ist geschlossen: Die Veranstaltung wurde abgesagt." in page and 'name="email"' not in page
    html(register(client, event), 409)
    assert not Registration.objects.exists()


def test_a_seat_taken_meanwhile_is_explained_at_the_top(client, lab):
    event = seated_event(lab, capacity=1)
    form_page = html(client.get(f"/events/{event.uuid}"))
    assert 'name="email"' in form_page
    registration_request(event=event, name="Ben", email="ben@example.org", consent=True)
    registration_confirm(registration=Registration.objects.get())
    page = html(register(client, event), 409)
    assert "Ausgebucht." in page and Registration.objects.count() == 1


def test_an_unknown_event_is_not_found(client, lab):
    assert client.post("/events/00000000-0000-4000-8000-000000000000/register", ANNA).status_code == 404


# --- throttling -------------------------------------------------------------------------------


def test_too_many_registrations_from_one_address_wait_and_keep_what_was_typed(client, event, settings):
    settings.HUB_THROTTLE_REGISTRATION = (2, 3600)
    html(register(client, event, email="eins@example.org"))
    html(register(client, event, email="zwei@example.org"))
    response = register(client, event, email="drei@example.org")
    page = html(response, 429)
    assert "Bitte versuchen Sie es in 60 Minuten wieder." in page and response["Retry-After"]
    assert value_of(page, "email") == "drei@example.org" and value_of(page, "name") == "Anna"
    assert Registration.objects.count() == 2


def test_too_many_registrations_for_one_e_mail_address_wait_from_any_address(client, event, settings):
    settings.HUB_THROTTLE_REGISTRATION = (2, 3600)
    for address in ("192.0.2.1", "192.0.2.2"):
        html(client.post(f"/events/{event.uuid}/register", ANNA, REMOTE_ADDR=address))
    response = client.post(f"/events/{event.uuid}/register", ANNA, REMOTE_ADDR="192.0.2.3")
    assert response.status_code == 429


def test_in_english_too_many_registrations_say_so_in_english(client, event, settings):
    settings.HUB_THROTTLE_REGISTRATION = (1, 3600)
    in_english(client)
    html(register(client, event))
    page = html(register(client, event, email="other@example.org"), 429)
    assert "You have sent many registrations in a short time. Please try again in 60 minutes." in page


def test_throttling_off_counts_nothing(client, event, settings):
    settings.HUB_THROTTLE_REGISTRATION = None
    for number in range(25):
        html(register(client, event, email=f"person{number}@example.org"))
    assert Registration.objects.count() == 25


# --- English ----------------------------------------------------------------------------------


def test_in_english_the_mistakes_and_the_answer_are_english(client, event):
    in_english(client)
    page = html(register(client, event, consent="", email="x"), 400)
    assert "Please correct the following" in page and "Please give an e-mail address such as name@example.org." in page
    assert "Please tick this box to agree. Without your agreement we cannot register you." in page
    page = html(register(client, event, language="en"))
    assert "Check your inbox" in page and "We sent a link to <strong>anna@example.org</strong> to confirm." in page
    assert "privacy notice of Testlabor Teststadt, standard text" in Registration.objects.get().consent_text
