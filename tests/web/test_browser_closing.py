"""After an event, in a real browser: the closing report form, the feedback form (also by keyboard only), the
staff's feedback page and the impact view, checked with axe-core in German and English.

Headless Chromium driven by Playwright against the live test server (fixtures in conftest.py; they skip
when Chromium or axe-core is missing). Screenshots go to ``HUB_WEB_SHOTS`` (or a temporary folder).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from events.closing.feedback import feedback_from_paper, feedback_link_for, feedback_quote
from events.closing.services import closing_report_write
from events.models import FeedbackAnswer
from hub.roles import SYSTEM
from tests.api.factories import make_method
from tests.events.factories import past_event
from tests.web.conftest import axe_violations
from tests.web.test_browser_registration import active, log_in, step, tab_until

pytestmark = [pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)


@pytest.fixture
def after(lab, second_lab):
    """Two past events of this node: one with a published closing report and feedback, one still to report on."""
    method = make_method(lab, title="Spaziergangsinterview")
    reported = past_event(lab, title="Kiezspaziergang", method_iris=[method.iri], target_groups=["older-people"])
    for rating in (5, 4, 4, 2):
        feedback_from_paper(event=reported, rating=rating, actor=SYSTEM)
    quote = feedback_from_paper(event=reported, rating=5, text="Endlich über die Kreuzung!", actor=SYSTEM)
    feedback_quote(answer=quote, quoted=True, actor=SYSTEM)
    feedback_from_paper(event=reported, rating=3, text="Bitte mehr Bänke unterwegs.", actor=SYSTEM)
    closing_report_write(event=reported, actor=SYSTEM, published=True, attendees=11, staircase_step=6,
                         target_groups_reached=["older-people", "people-with-disabilities"], contributions_count=23,
                         contributions="23 Hindernisse", method_iris=[method.iri], report="Langsam und gründlich.",
                         staircase_evidence="Vier Bordsteine sind abgesenkt.")
    open_ = past_event(second_lab, title="Zukunftstheater", method_iris=[method.iri], days_ago=1)
    return {"reported": reported, "open": open_, "walk_in": f"/f/{feedback_link_for(event=open_, actor=SYSTEM).code}"}


def in_language(tab, language: str) -> None:
    if language == "en":
        tab.goto("/")
        tab.get_by_role("button", name="English").click()
        tab.wait_for_load_state()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_pages_after_an_event_have_no_wcag_21_aa_violations(page, after, staff, shots_dir, language):
    in_language(page, language)
    found = {}
    visits = {"event-with-closing-report": f"/events/{after['reported'].uuid}", "feedback-form": after["walk_in"]}
    for name, path in visits.items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe_violations(page)
        page.screenshot(path=str(shots_dir / f"closing-{name}-{language}.png"), full_page=True)
    page.locator(".feedback-form button[type=submit]").click()  # no face chosen
    expect(page.locator(".error-summary")).to_be_visible()
    found["feedback-form-with-errors"] = axe_violations(page)
    page.locator("label[for=id_rating_3]").click()
    page.locator(".feedback-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank!" if language == "de" else "Thank you!")
    found["feedback-thanks"] = axe_violations(page)

    log_in(page, language)
    staff_pages = {
        "closing-report-form": f"/staff/events/{after['open'].uuid}/closing-report",
        "closing-report-saved": f"/staff/events/{after['reported'].uuid}/closing-report",
        "staff-feedback": f"/staff/events/{after['reported'].uuid}/feedback",
        "staff-feedback-print": f"/staff/events/{after['open'].uuid}/feedback/print",
        "impact-view": "/network/impact",
    }
    for name, path in staff_pages.items():
        page.goto(path)
        found[name] = axe_violations(page)
        page.screenshot(path=str(shots_dir / f"closing-{name}-{language}.png"), full_page=True)
    page.goto(staff_pages["closing-report-form"])
    page.locator("#id_attendees").fill("-1")
    page.locator(".closing-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["closing-report-with-errors"] = axe_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(staff_pages["impact-view"])
    found["impact-view-phone"] = axe_violations(page)
    print({name: len(violations) for name, violations in found.items()})
    print("impact view:", shots_dir / f"closing-impact-view-{language}.png")
    assert {name: violations for name, violations in found.items() if violations} == {}


def test_a_walk_in_answers_with_the_keyboard_only(page, after, shots_dir):
    page.goto(after["walk_in"])
    page.locator("body").focus()
    tab_until(page, "input#id_rating_0")
    page.keyboard.press("ArrowDown")  # the radio buttons of one question are one stop; arrows choose
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert active(page) == "input#id_rating_3" and page.locator("#id_rating_3").is_checked()
    step(page, "textarea#id_text")
    page.keyboard.type("Mehr Pausen, bitte.")
    step(page, "button")
    page.screenshot(path=str(shots_dir / "closing-feedback-keyboard.png"), full_page=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank!")
    assert list(FeedbackAnswer.objects.filter(event=after["open"]).values_list("rating", "text")) == [
        (4, "Mehr Pausen, bitte.")]


def test_staff_write_the_closing_report_with_the_keyboard_and_are_offered_experience_reports(page, after, staff):
    log_in(page)
    page.goto(f"/staff/events/{after['open'].uuid}/closing-report")
    page.locator("#id_attendees").fill("14")
    page.get_by_label("Kinder und Jugendliche").check()
    page.locator("label[for=id_staircase_step_2]").click()
    page.locator("#id_staircase_evidence").fill("Zwölf wollen wieder mitspielen.")
    page.get_by_label("Den Bericht mit der Veranstaltung veröffentlichen").check()
    page.locator("#id_staircase_evidence").focus()
    tab_until(page, "button")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Der Abschlussbericht wurde gespeichert.")
    link = page.get_by_role("link", name=re.compile(r"^Erfahrungsbericht schreiben\s?: Spaziergangsinterview$"))
    assert link.get_attribute("href").startswith("/staff/experience-reports/new?method=http")
    page.goto(f"/events/{after['open'].uuid}")
    expect(page.locator(".closing-report")).to_contain_text("Die Zielgruppen haben das Angebot angenommen")
