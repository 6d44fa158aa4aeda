"""Registering from an event's page and the privacy notice in a real browser: axe-core and the keyboard.

Headless Chromium driven by Playwright against the live test server, as in test_browser.py (the
fixtures ``page`` and ``browser`` are in conftest.py and skip when Chromium or axe-core is missing).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import QueuedMail, Registration
from tests.api.factories import mirrored_event
from tests.events.factories import registered, seated_event, token_of
from tests.web.conftest import PASSWORD, axe_violations

pytestmark = [pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)


@pytest.fixture
def events(lab, remote_lab):
    """An event of this node with every question, one fully booked, and one mirrored from a node that takes its registrations."""
    lab.email, lab.address = "kontakt@testlabor.example", "Marktstraße 5\n65183 Teststadt"
    lab.save()
    full = seated_event(lab, title="Repair-Café", capacity=1)
    registered(full, 1)
    QueuedMail.objects.all().delete()  # person 1's mails: no worker sends them here, and no test reads them
    return {
        "open": seated_event(lab, max_companions=2, question="Was möchten Sie mitbringen?",
                             accessibility_features=["step-free-access", "hearing-loop", "childcare"]),
        "full": full,
        "mirrored": mirrored_event(remote_lab, registration="node", capacity=30, remaining_capacity=4),
    }


LOGIN = {"de": ("Benutzername", "Passwort", "Anmelden"), "en": ("Username", "Password", "Log in")}


def log_in(tab, language: str = "de") -> None:
    username, password, button = LOGIN[language]
    tab.goto("/accounts/login/")
    tab.get_by_label(username).fill("redaktion")
    tab.get_by_label(password).fill(PASSWORD)
    tab.get_by_role("button", name=button).click()
    tab.wait_for_url("**/staff/")


def active(tab) -> str:
    """The focused element, as ``tag#id`` (or ``tag[name]``)."""
    return tab.evaluate("(() => { const e = document.activeElement; return e.tagName.toLowerCase() + "
                        "(e.id ? '#' + e.id : e.name ? '[' + e.name + ']' : ''); })()")


def tab_until(tab, target: str, *, limit: int = 80) -> None:
    """Press Tab until ``target`` (``tag#id``) has the focus."""
    for _press in range(limit):
        if active(tab) == target:
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"{target} never got the focus; it ended on {active(tab)}")


def step(tab, target: str) -> None:
    """One Tab lands on ``target``: the form's order is the order people read it in."""
    tab.keyboard.press("Tab")
    assert active(tab) == target


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_registration_pages_and_the_privacy_notice_have_no_wcag_21_aa_violations(page, events, staff, shots_dir, language):
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    open_event = events["open"]
    found = {}
    for name, path in {
        "event-with-form": f"/events/{open_event.uuid}",
        "event-fully-booked": f"/events/{events['full'].uuid}",
        "event-mirrored": f"/events/{events['mirrored'].uuid}",
        "register": f"/events/{open_event.uuid}/register",
        "privacy": "/privacy/",
    }.items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe_violations(page)
        page.screenshot(path=str(shots_dir / f"registration-{name}-{language}.png"), full_page=True)
    page.goto(f"/events/{open_event.uuid}")
    page.locator("#id_email").fill("keine-adresse")
    page.locator(".registration-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["register-with-errors"] = axe_violations(page)
    page.screenshot(path=str(shots_dir / f"registration-errors-{language}.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/events/{open_event.uuid}")
    found["event-with-form-phone"] = axe_violations(page)
    page.screenshot(path=str(shots_dir / f"registration-phone-{language}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, language)
    page.goto("/staff/privacy/")
    found["staff-privacy"] = axe_violations(page)
    print({name: len(violations) for name, violations in found.items()})
    assert {name: violations for name, violations in found.items() if violations} == {}


def test_a_person_registers_with_the_keyboard_only(page, events, tasks_at_once, shots_dir):
    event = events["open"]
    page.goto(f"/events/{event.uuid}")
    page.locator("body").focus()
    tab_until(page, "input#id_name")
    page.keyboard.type("Anna")
    step(page, "input#id_email")
    page.keyboard.type("anna-at-example.org")  # a mistake first
    step(page, "select#id_companions")
    page.keyboard.press("ArrowDown")
    step(page, "input#id_needs_0")
    step(page, "input#id_needs_1")
    page.keyboard.press("Space")
    step(page, "input#id_needs_2")
    step(page, "textarea#id_answer")
    page.keyboard.type("Kuchen")
    step(page, "input#id_language_0")
    page.keyboard.press("ArrowDown")  # English mails
    step(page, "a")  # the privacy notice, before the box that agrees to it
    step(page, "input#id_consent")
    page.keyboard.press("Space")
    step(page, "button")
    page.keyboard.press("Enter")

    # the mistake: named at the top, which has the focus; everything typed is still there
    page.wait_for_url(re.compile(r".*/register$"))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Bitte geben Sie eine E-Mail-Adresse wie name@example.org an.")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator("#id_name").input_value() == "Anna" and page.locator("#id_companions").input_value() == "1"
    assert page.locator("#id_needs_1").is_checked() and page.locator("#id_language_1").is_checked()
    assert page.locator("#id_consent").is_checked()
    page.screenshot(path=str(shots_dir / "registration-keyboard-errors.png"), full_page=True)
    step(page, "a")  # the summary's link to the field
    page.keyboard.press("Enter")
    tab_until(page, "input#id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("anna@example.org")
    tab_until(page, "button")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Schauen Sie in Ihr Postfach")
    expect(page.get_by_text("anna@example.org")).to_be_visible()
    page.screenshot(path=str(shots_dir / "registration-requested.png"), full_page=True)
    registration = Registration.objects.get(event=event)
    assert (registration.name, registration.email, registration.companions) == ("Anna", "anna@example.org", 1)
    assert registration.needs == ["hearing-loop"] and registration.answer == "Kuchen" and registration.language == "en"
    assert registration.status == "pending" and [message.to for message in mail.outbox] == [["anna@example.org"]]


def test_the_privacy_link_opens_beside_the_form_and_keeps_what_was_typed(page, events):
    page.goto(f"/events/{events['open'].uuid}")
    page.locator("#id_name").fill("Anna")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Datenschutzhinweise lesen").click()
    notice = opened.value
    expect(notice.get_by_role("heading", level=1)).to_have_text("Datenschutzhinweise")
    assert page.locator("#id_name").input_value() == "Anna"


def register_on_the_page(page, event, name: str) -> str:
    """Fill in the event's form as a person does; return the link from the confirmation mail."""
    page.goto(f"/events/{event.uuid}")
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(f"{name.lower()}@example.org")
    page.locator("#id_consent").check()
    page.locator(".registration-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schauen Sie in Ihr Postfach")
    body = next(message.body for message in reversed(mail.outbox) if message.to == [f"{name.lower()}@example.org"])
    return re.search(r"https?://\S+/registrations/\S+", body).group(0)


def test_register_confirm_from_the_mail_cancel_and_the_waiting_list_moves_up(page, lab, tasks_at_once, live_server,
                                                                           shots_dir):
    event = seated_event(lab, title="Zukunftstheater", capacity=1, waiting_list=True)
    path = lambda link: re.sub(r"^https?://[^/]+", "", link)  # noqa: E731 - the mail names the node's base URL

    anna = register_on_the_page(page, event, "Anna")
    page.goto(path(anna))
    expect(page.locator(".registration-status")).to_contain_text("Bitte bestätigen Sie Ihre Anmeldung")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Meine Anmeldung bestätigen").click()
    expect(page.locator(".registration-status")).to_contain_text("Sie haben einen Platz.")

    ben = register_on_the_page(page, event, "Ben")
    page.goto(path(ben))
    page.get_by_role("button", name="Meine Anmeldung bestätigen").click()
    expect(page.locator(".registration-status")).to_contain_text("Sie sind Nummer 1 auf der Warteliste")
    page.screenshot(path=str(shots_dir / "registration-waiting.png"), full_page=True)

    page.goto(path(anna))
    page.get_by_role("button", name="Meine Anmeldung absagen").click()
    expect(page.locator(".registration-status")).to_contain_text("Diese Anmeldung ist storniert.")
    page.goto(path(ben))
    expect(page.locator(".registration-status")).to_contain_text("Sie haben einen Platz.")
    assert axe_violations(page) == []
    assert any(message.to == ["ben@example.org"] and "Platz" in message.subject for message in mail.outbox)
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {"Anna": "cancelled", "Ben": "confirmed"}


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_registrations_own_page_and_the_staffs_pages_have_no_wcag_21_aa_violations(page, lab, staff, language):
    event = seated_event(lab, title="Persona-Werkstatt", capacity=1, waiting_list=True)
    seated = registered(event, 1)
    registered(event, 2)  # waiting
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    found = {}
    page.goto(f"/registrations/{token_of(seated)}")
    assert page.locator("html").get_attribute("lang") == language
    found["registration"] = axe_violations(page)
    log_in(page, language)
    for name, path in {"staff-registrations": f"/staff/events/{event.uuid}/registrations",
                       "staff-registrations-print": f"/staff/events/{event.uuid}/registrations/print",
                       "staff-keys": "/staff/keys/"}.items():
        page.goto(path)
        found[name] = axe_violations(page)
    assert {name: violations for name, violations in found.items() if violations} == {}
