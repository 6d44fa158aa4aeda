"""Experience reports in a real browser: the method page's section and the staff's form, checked by axe-core.

Headless Chromium with axe, as tests/web/test_browser.py does (its fixtures are in tests/web/conftest.py).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from events.models import Event
from experience.models import ExperienceReport
from experience.services import method_experience_recount
from hub.roles import SYSTEM, Role
from hub.services import role_grant
from methods.models import MethodCard
from ops.demo import demo_seed
from tests.web.conftest import PASSWORD, axe_violations
from tests.web.content import network_content

pytestmark = [pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=15_000)


@pytest.fixture
def site(lab):
    """The demo content (with its experience reports), a report from Berlin about a demo method, and a staff account."""
    demo_seed()
    network = network_content()
    walk = MethodCard.objects.get(title="Spaziergangsinterview", origin__is_local=True)
    ExperienceReport.objects.create(
        iri=f"{network.berlin.base_url}/reports/3c0f5d6e-7a81-4b92-8c3d-4e5f60718293", origin=network.berlin,
        lab=network.citylab, method_iri=walk.iri, date=date(2026, 6, 3), participants=25, fit=4, staircase_step=3,
        target_groups=["older-people", "general-public"], worked="Zwei Routen parallel.",
    )
    from django.db import transaction

    with transaction.atomic():
        method_experience_recount(method_iris=[walk.iri])
    staff = User.objects.create_user("redaktion", password=PASSWORD, is_staff=True)
    role_grant(user=staff, role=Role.NODE_ADMIN, actor=SYSTEM)
    return walk


def log_in(page, language: str = "de") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill("redaktion")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/staff/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()


def test_the_method_page_shows_the_networks_experience_and_a_report_is_written_from_it(page, site, shots_dir):
    log_in(page)
    page.goto(f"/methods/{site.uuid}")
    section = page.locator("section.experience")
    expect(section.get_by_role("heading", name="Erfahrungen im Netzwerk")).to_be_visible()
    expect(section).to_contain_text("3 Berichte aus 3 Laboren in 2 Städten")
    expect(section.get_by_role("img", name="Höchste erreichte Stufe der Wirkungstreppe")).to_be_visible()
    expect(section.get_by_role("table")).to_contain_text("3. Die Zielgruppen haben das Angebot angenommen")
    page.screenshot(path=str(shots_dir / "method-experience-de.png"), full_page=True)
    section.get_by_role("link", name="Erfahrungsbericht schreiben").click()
    page.wait_for_url(re.compile(r".*/staff/experience-reports/new\?method=.*"))
    expect(page.get_by_label("Methode")).to_have_value(site.iri)
    page.get_by_role("button", name="Speichern und teilen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.get_by_label("Labor", exact=False).first.select_option(label="Quartierslabor Nordstadt (Teststadt)")
    page.get_by_label("Teilnehmende").fill("17")
    page.get_by_label("Ältere Menschen").check()
    page.get_by_label("5 – passte sehr gut").check()
    page.get_by_label("4. Bewusstsein oder Fähigkeiten haben sich verändert", exact=False).check()
    page.get_by_label("Was funktioniert hat").fill("Die Leitfragen auf Karten.")
    page.get_by_role("button", name="Speichern und teilen").click()
    page.wait_for_url(re.compile(r".*/reports/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Erfahrungen mit „Spaziergangsinterview“")
    expect(page.get_by_text("Der Erfahrungsbericht wurde gespeichert und mit dem Netzwerk geteilt.")).to_be_visible()
    page.goto(f"/methods/{site.uuid}")
    expect(page.locator("section.experience")).to_contain_text("4 Berichte aus 3 Laboren in 2 Städten")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_experience_pages_have_no_wcag_21_aa_violations(page, site, shots_dir, language):
    log_in(page, language)
    event = Event.objects.get(title="Kiezspaziergang mit Seniorinnen und Senioren")
    report = ExperienceReport.objects.filter(origin__is_local=True).first()
    pages = {
        "method-experience": f"/methods/{site.uuid}",
        "method-without-experience": f"/methods/{MethodCard.objects.get(title='Teamprofil').uuid}",
        "report": f"/reports/{report.uuid}",
        "report-form": f"/staff/experience-reports/new?method={site.iri}&event={event.iri}",
        "report-form-blank": "/staff/experience-reports/new",
        "report-edit": f"/staff/experience-reports/{report.uuid}/edit",
        "catalog-experience": "/methods/?tried_in_labs=2&ordering=-experience_reports",
    }
    found = {}
    for name, path in pages.items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe_violations(page)
        page.screenshot(path=str(shots_dir / f"{name}-{language}.png"), full_page=True)
    page.goto("/staff/experience-reports/new")
    page.get_by_role("button", name="Save and share" if language == "en" else "Speichern und teilen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["report-form-with-errors"] = axe_violations(page)
    page.screenshot(path=str(shots_dir / f"report-form-errors-{language}.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/methods/{site.uuid}")
    found["method-experience-phone"] = axe_violations(page)
    print({name: len(violations) for name, violations in found.items()})
    assert {name: violations for name, violations in found.items() if violations} == {}
