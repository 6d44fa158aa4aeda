"""The pages in a real browser: headless Chromium (Debian's), driven by Playwright, checked by axe-core.

Each test uses the live test server with its own database (transactional). Screenshots go to
HUB_WEB_SHOTS when set, else to a temporary folder.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from hub.roles import SYSTEM, Role
from hub.services import role_grant
from ideas.models import Idea
from methods.models import MethodCard
from ops.demo import demo_seed
from tests.web.conftest import PASSWORD, axe_violations
from tests.web.content import network_content

pytestmark = [pytest.mark.django_db(transaction=True)]

# Assertions wait for the page as actions do (a loaded machine renders slowly), then fail.
expect.set_options(timeout=15_000)


@pytest.fixture
def site(lab):
    """The demo content of a node plus two remote nodes' mirrored items, and a staff account."""
    demo_seed()
    network = network_content(based_on=MethodCard.objects.get(title="Spaziergangsinterview").iri)
    staff = User.objects.create_user("redaktion", password=PASSWORD, is_staff=True)
    role_grant(user=staff, role=Role.NODE_ADMIN, actor=SYSTEM)
    return network


def log_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername").fill("redaktion")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/staff/")


def test_search_and_filter_the_catalog(page, site, shots_dir):
    page.goto("/methods/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_label("Phase").select_option("erkunden")
    page.get_by_role("button", name="Ergebnisse anzeigen").click()
    page.wait_for_url(re.compile(r".*phase=erkunden.*"))
    heading = page.locator("#results-heading")
    assert re.match(r"\d+ Methoden gefunden", heading.inner_text())
    expect(page.get_by_role("link", name="Kiezspaziergang", exact=True)).to_be_visible()
    assert not page.get_by_role("link", name="Persona-Werkstatt").count()
    # the other filters update in place (progressive enhancement), and the count is announced
    page.get_by_label("Stadt").select_option("Berlin")
    page.locator("[data-live-status]").filter(has_text="1 Methode gefunden").wait_for(state="attached")
    assert page.locator("#results-heading").inner_text() == "1 Methode gefunden"
    assert "city=Berlin" in page.url
    page.screenshot(path=str(shots_dir / "catalog-filtered-de.png"), full_page=True)


def test_open_a_method_and_an_event(page, site, shots_dir):
    page.goto("/methods/")
    page.get_by_role("link", name="Spaziergangsinterview").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Spaziergangsinterview"
    expect(page.get_by_role("heading", name="Verwandte Methoden im Netzwerk")).to_be_visible()
    expect(page.get_by_role("link", name="Kiezspaziergang", exact=True)).to_be_visible()
    page.screenshot(path=str(shots_dir / "method-de.png"), full_page=True)
    page.goto("/events/")
    page.get_by_role("link", name="Repair-Café Rheydt").click()
    expect(page.get_by_text("Diese Veranstaltung findet nicht statt.")).to_be_visible()
    document = page.locator('script[type="application/ld+json"]').text_content()
    assert '"@type": "Event"' in document and "EventCancelled" in document
    page.screenshot(path=str(shots_dir / "event-cancelled-de.png"), full_page=True)


def test_switch_to_english_and_back(page, site, shots_dir):
    page.goto("/events/")
    assert page.get_by_role("heading", level=1).inner_text() == "Veranstaltungen"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Events"
    page.screenshot(path=str(shots_dir / "events-en.png"), full_page=True)
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Veranstaltungen"


def test_log_in_see_a_validation_error_and_create_a_method(page, site, shots_dir):
    log_in(page)
    page.get_by_role("link", name="Neue Methode").click()
    page.get_by_role("button", name="Speichern").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Dieses Feld ist zwingend erforderlich.")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    title = page.get_by_label("Titel", exact=False).first
    assert title.get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(shots_dir / "method-form-errors-de.png"), full_page=True)
    title.fill("Stadtteil-Barcamp")
    page.locator("#id_lab").select_option(index=1)
    page.locator("#id_phase").select_option("erkunden")
    page.locator("#id_summary").fill("Alle bringen ihre Themen mit.")
    page.locator("#id_steps-0-title").fill("Themen sammeln")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/methods/[0-9a-f-]{36}$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Stadtteil-Barcamp"
    expect(page.get_by_text("„Stadtteil-Barcamp“ wurde gespeichert.")).to_be_visible()


def test_adapt_a_mirrored_method(page, site):
    log_in(page)
    page.goto(f"/methods/{site.walk.uuid}")
    assert not page.get_by_role("link", name="Bearbeiten").count()
    page.get_by_role("button", name="Diese Methode anpassen").click()
    page.wait_for_url(re.compile(r".*/staff/methods/.*/edit$"))
    page.locator("#id_visibility").select_option("public")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/methods/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="Basiert auf")).to_be_visible()
    expect(page.get_by_role("link", name="Kiezspaziergang", exact=True)).to_be_visible()


def test_keyboard_users_get_a_visible_skip_link_and_focus(page, site):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" and shadow != "none"


def test_axe_finds_violations_where_there_are_some(page, site):
    """A check of the check: a field without a label and an image without text are found."""
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text><img src=x.png>')")
    assert {"label", "image-alt"} <= {violation["id"] for violation in axe_violations(page)}


def _page_types(site) -> dict[str, str]:
    method = MethodCard.objects.get(title="Spaziergangsinterview")
    return {
        "home": "/",
        "catalog": "/methods/?phase=erkunden",
        "method": f"/methods/{method.uuid}",
        "mirrored-method": f"/methods/{site.walk.uuid}",
        "events": "/events/",
        "past-events": "/events/?upcoming=false",
        "event": f"/events/{site.market.uuid}",
        "cancelled-event": f"/events/{site.cancelled.uuid}",
        "labs": "/labs/",
        "lab": "/labs/quartierslabor-nordstadt",
        "mirrored-lab": "/labs/citylab.example.org/citylab",
        "network": "/network/",
        "not-found": "/gibt-es-nicht",
        "staff": "/staff/",
        "method-form": "/staff/methods/new",
        "event-form": "/staff/events/new",
        "peers": "/staff/peers/",
        "sync-runs": "/staff/sync/",
        "sync-run": f"/staff/sync/{site.gladbach.peer.runs.get().pk}",
        "ideas": "/ideas/",
        "idea": f"/ideas/{Idea.objects.get(status='taken-up').uuid}",
        "staff-ideas": "/staff/ideas/",
        "staff-idea": f"/staff/ideas/{Idea.objects.get(status='submitted').uuid}",
    }


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_type_has_no_wcag_21_aa_violations(page, site, shots_dir, language):
    page.goto("/accounts/login/")
    found = {"login": axe_violations(page)}
    log_in(page)
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    for name, path in _page_types(site).items():
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe_violations(page)
        page.screenshot(path=str(shots_dir / f"{name}-{language}.png"), full_page=True)
    page.goto("/staff/methods/new")
    page.get_by_role("button", name="Save" if language == "en" else "Speichern").click()
    found["form-with-errors"] = axe_violations(page)
    page.goto("/labs/quartierslabor-nordstadt")
    page.get_by_role("button", name="Send idea" if language == "en" else "Idee senden").click()
    found["idea-form-with-errors"] = axe_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    for name in ("home", "catalog", "event"):
        page.goto(_page_types(site)[name])
        found[f"{name}-phone"] = axe_violations(page)
        page.screenshot(path=str(shots_dir / f"{name}-phone-{language}.png"))
    print({name: len(violations) for name, violations in found.items()})
    assert {name: violations for name, violations in found.items() if violations} == {}


# Recorded in the page before any of its own scripts run, whatever the policy allows.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def policed_page(browser, live_server):
    """A browser tab that records every Content-Security-Policy violation: reported events and console lines."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    tab.add_init_script(RECORD_CSP_VIOLATIONS)
    tab.console_lines = []
    tab.on("console", lambda message: tab.console_lines.append(f"{message.type}: {message.text}"))
    yield tab
    context.close()


def _visit_under_policy(tab, path: str) -> list[str]:
    """Open a page; return what broke the policy there (nothing when all is well)."""
    response = tab.goto(path)
    policy = response.headers.get("content-security-policy", "")
    tab.wait_for_load_state("networkidle")
    problems = [] if "default-src 'self'" in policy and "frame-ancestors 'none'" in policy else [f"policy: {policy!r}"]
    problems += tab.evaluate("window.__cspViolations")
    problems += [line for line in tab.console_lines if "Content Security Policy" in line or "Refused to" in line]
    tab.console_lines.clear()
    return problems


def test_no_page_breaks_the_content_security_policy(policed_page, site, shots_dir):
    tab = policed_page
    found = {"login": _visit_under_policy(tab, "/accounts/login/")}
    log_in(tab)
    for name, path in _page_types(site).items():
        found[name] = _visit_under_policy(tab, path)
    # the live filter (site.js) fetches and swaps results under the policy
    tab.goto("/methods/")
    tab.get_by_label("Stadt").select_option("Berlin")
    tab.locator("[data-live-status]").filter(has_text="1 Methode gefunden").wait_for(state="attached")
    found["live-filter"] = tab.evaluate("window.__cspViolations")
    for name, path in {"admin": "/admin/", "admin-labs": "/admin/hub/lab/", "admin-lab": "/admin/hub/lab/add/"}.items():
        found[name] = _visit_under_policy(tab, path)
    found["api-docs"] = _visit_under_policy(tab, "/api/docs/")
    expect(tab.locator("#swagger-ui")).to_contain_text("Stadtlabor Hub API")
    expect(tab.locator("#swagger-ui .opblock").first).to_be_visible()
    tab.screenshot(path=str(shots_dir / "api-docs.png"))
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_policy_check_sees_a_violation_where_there_is_one(policed_page, site):
    """A check of the check: an inline script added to a page is refused, and the refusal is seen."""
    assert _visit_under_policy(policed_page, "/") == []
    policed_page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
    }""")
    policed_page.wait_for_function("window.__cspViolations.length > 0")
    assert policed_page.evaluate("window.injected") is None
    assert "script-src-elem" in policed_page.evaluate("window.__cspViolations")[0]
