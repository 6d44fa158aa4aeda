"""Fixtures of the web tests: staff, mirrored network content, and a headless Chromium with axe-core."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from hub.roles import SYSTEM, Role
from hub.services import role_grant
from tests.conftest import require_service
from tests.web.content import Network, network_content

JS_DIR = Path(__file__).resolve().parent / "js"
AXE = JS_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PASSWORD = "ein-langes-passwort"


@pytest.fixture
def staff(db) -> User:
    """A member of this node's staff with the role node administrator (every page, every lab's items)."""
    user = User.objects.create_user("redaktion", password=PASSWORD, is_staff=True)
    role_grant(user=user, role=Role.NODE_ADMIN, actor=SYSTEM)
    return user


@pytest.fixture
def staff_client(client, staff):
    """A test client logged in as staff."""
    client.force_login(staff)
    return client


@pytest.fixture
def network(lab) -> Network:
    """Two remote nodes with labs, methods (one adapting another), events, peers and sync runs."""
    return network_content()


# --- the browser ------------------------------------------------------------------------------


def _install_chromium() -> None:
    """Install Debian's Chromium when it is missing and this process may (root with apt-get)."""
    if CHROMIUM.exists() or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    with open("/tmp/stadtlabor-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CHROMIUM.exists():
            return
        environment = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True, timeout=600, env=environment)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, capture_output=True, timeout=900, env=environment)


def _install_axe() -> None:
    """Install axe-core from tests/web/js/package-lock.json when it is missing and npm is there."""
    if AXE.exists() or shutil.which("npm") is None:
        return
    with open(JS_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not AXE.exists():
            command = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
            subprocess.run(command, cwd=JS_DIR, check=False, capture_output=True, timeout=600)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian's packages, driven by Playwright (skipped, naming what is missing)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_service("the Python package playwright (pip install -e '.[test]')")
    _install_chromium()
    if not CHROMIUM.exists():
        require_service("Chromium at /usr/bin/chromium (apt-get install chromium)")
    _install_axe()
    if not AXE.exists():
        require_service("axe-core in tests/web/js/node_modules (npm ci in tests/web/js)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab preferring German, on the live test server."""
    context = browser.new_context(locale="de-DE", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory) -> Path:
    """Where the browser tests save their screenshots (HUB_WEB_SHOTS, or a temporary folder)."""
    folder = Path(os.environ.get("HUB_WEB_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def axe_violations(tab) -> list[dict]:
    """The WCAG 2.1 A and AA violations axe-core finds on the page, with their nodes."""
    # Evaluated through the DevTools protocol, not as a <script> element, which the page's
    # Content-Security-Policy (no inline script) would refuse.
    tab.evaluate(AXE.read_text() + "\n;undefined")
    return tab.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }"""
    )
