"""The privacy notice: its default text, the retention period and contact, and the node administrators' page."""

from __future__ import annotations

import pytest
from django.test import Client

from events.models import Registration
from events.registrations.services import registration_request
from hub.models import PrivacyNotice
from hub.roles import SYSTEM
from hub.services import privacy_notice_publish
from tests.events.factories import seated_event
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOTICE = {
    "contact": "**Zukunftswerk Wiesbaden**  \nMarktstraße 1  \n<datenschutz@wiesbaden.example>",
    "text_de": "## Was wir speichern\n\nIhren Namen und Ihre E-Mail-Adresse.",
    "text_en": "## What we keep\n\nYour name and your e-mail address.",
    "consent_de": "Ich stimme den Datenschutzhinweisen zu.",
    "consent_en": "I agree to the privacy notice.",
}


def html(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:3000]
    return response.content.decode()


@pytest.fixture
def lab_with_contact(lab):
    lab.address, lab.email = "Marktstraße 5\n65183 Teststadt", "kontakt@testlabor.example"
    lab.save()
    return lab


def test_the_default_notice_names_the_lab_the_retention_period_and_what_is_kept(client, lab_with_contact):
    page = html(client.get("/privacy/"))
    assert "<h1>Datenschutzhinweise</h1>" in page and "Standardtext vom" in page
    assert "<strong>Testlabor Teststadt</strong>" in page and "Marktstraße 5" in page
    assert '<a href="mailto:kontakt@testlabor.example"' in page
    assert "Wir löschen Ihre Anmeldung 90 Tage nach dem Ende der Veranstaltung." in page
    assert "<h3>Was wir speichern</h3>" in page and "Art. 9 Abs. 2 lit. a DSGVO" in page


def test_the_notice_in_english(client, lab_with_contact):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = html(client.get("/privacy/"))
    assert "<h1>Privacy notice</h1>" in page and "We erase your registration 90 days after the event ends." in page
    assert "<h3>What we keep</h3>" in page and "I agree that Testlabor Teststadt keeps my name" in page


def test_the_retention_period_follows_the_setting(client, lab, settings):
    settings.HUB_REGISTRATION_RETENTION_DAYS = 30
    page = html(client.get("/privacy/"))
    assert "30 Tage nach dem Ende der Veranstaltung" in page and "30 Tage nach der Veranstaltung löscht" in page


def test_every_page_links_the_privacy_notice(client, lab):
    assert '<a href="/privacy/">Datenschutzhinweise</a>' in html(client.get("/events/"))


# --- changing it ------------------------------------------------------------------------------


def test_anonymous_readers_are_sent_to_the_login(client, lab):
    response = client.get("/staff/privacy/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["lab-editor", "coordinator"])
def test_only_node_administrators_may_change_the_notice(client, lab, person, role):
    client.force_login(person("anna", role, lab=lab))
    assert client.get("/staff/privacy/").status_code == 403
    page = html(client.post("/staff/privacy/", NOTICE), 403)
    assert "darf nicht die Datenschutzhinweise ändern" in page and not PrivacyNotice.objects.exists()


def test_the_staff_page_starts_from_the_default_text(staff_client, lab_with_contact):
    page = html(staff_client.get("/staff/privacy/"))
    assert "## Was wir speichern" in page and "## What we keep" in page and "**Testlabor Teststadt**" in page
    assert 'lang="en"' in page and "HUB_REGISTRATION_RETENTION_DAYS" in page


def test_a_node_administrator_publishes_a_new_version(staff_client, lab):
    response = staff_client.post("/staff/privacy/", NOTICE)
    assert response.status_code == 302 and response["Location"] == "/privacy/"
    page = html(staff_client.get("/privacy/"))
    assert "Version 1 vom" in page and "veröffentlicht" in page
    assert "<h3>Was wir speichern</h3>" in page and '<a href="mailto:datenschutz@wiesbaden.example"' in page
    assert "Ich stimme den Datenschutzhinweisen zu." in page
    assert PrivacyNotice.objects.get().published_by.username == "redaktion"


def test_the_form_needs_a_csrf_token(staff, lab):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post("/staff/privacy/", NOTICE).status_code == 403 and not PrivacyNotice.objects.exists()


def test_script_and_javascript_links_in_the_notice_are_removed(staff_client, lab):
    hostile = NOTICE | {
        "text_de": "<script>alert(1)</script>\n\n[klick](javascript:alert(1)) <img src=x onerror=alert(1)>",
        "contact": "<iframe src=https://evil.example></iframe> **Amt**",
    }
    assert staff_client.post("/staff/privacy/", hostile).status_code == 302
    page = html(staff_client.get("/privacy/"))
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in main and "javascript:" not in main and "onerror" not in main and "<iframe" not in main
    assert "<strong>Amt</strong>" in main


@pytest.mark.parametrize(("change", "field"), [
    ({"consent_de": "Ich stimme zu.\nBcc: x@example.org"}, "consent_de"),
    ({"text_en": "  "}, "text_en"),
    ({"contact": ""}, "contact"),
    ({"consent_en": "x" * 501}, "consent_en"),
])
def test_a_broken_notice_is_refused_naming_the_field(staff_client, lab, change, field):
    page = html(staff_client.post("/staff/privacy/", NOTICE | change), 400)
    assert f'href="#id_{field}"' in page and not PrivacyNotice.objects.exists()
    assert "Ich stimme den Datenschutzhinweisen zu." in page or field == "consent_de"  # what was typed stays


def test_the_service_refuses_a_consent_on_two_lines_whoever_calls_it(lab):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        privacy_notice_publish(actor=SYSTEM, **(NOTICE | {"consent_en": "I agree\r\nBcc: x"}))
    assert set(error.value.message_dict) == {"consent_en"}


def test_earlier_versions_stay_readable(client, lab):
    privacy_notice_publish(actor=SYSTEM, **NOTICE)
    privacy_notice_publish(actor=SYSTEM, **(NOTICE | {"text_de": "## Neu\n\nAlles neu."}))
    assert "<h3>Neu</h3>" in html(client.get("/privacy/"))
    old = html(client.get("/privacy/?version=1"))
    assert "<h3>Was wir speichern</h3>" in old and "eine frühere Fassung" in old
    for asked in ("99", "abc", "-1", "1" * 20):
        assert client.get(f"/privacy/?version={asked}").status_code == 404


# --- the consent a registration keeps -----------------------------------------------------------


def test_a_registration_keeps_the_consent_sentence_and_the_version_of_the_notice(lab):
    privacy_notice_publish(actor=SYSTEM, **NOTICE)
    event = seated_event(lab)
    registration_request(event=event, name="Anna", email="anna@example.org", consent=True, language="en")
    consent = Registration.objects.get().consent_text
    assert consent.startswith("I agree to the privacy notice. (privacy notice of Testlabor Teststadt, version 1 of ")
    assert consent.endswith("/privacy/?version=1)")


def test_a_staff_login_sees_a_link_to_change_the_notice(client, staff, lab):
    client.post("/accounts/login/", {"username": "redaktion", "password": PASSWORD})
    assert 'href="/staff/privacy/"' in html(client.get("/privacy/"))
    assert 'href="/staff/privacy/"' in html(client.get("/staff/"))
