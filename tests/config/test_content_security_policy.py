"""The Content-Security-Policy every page is served with, and templates that keep to it.

The browser test (tests/web/test_browser.py) opens every page type under the policy in Chromium and
fails on any violation; these check the header and the templates without a browser.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db
TEMPLATE_DIRS = [PROJECT_DIR / "web" / "templates", PROJECT_DIR / "api" / "templates"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_pages_allow_only_this_nodes_files_and_no_framing(client, lab):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]


def test_the_api_docs_add_data_images_and_nothing_inline(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["img-src"] == ["'self'", "data:"] and policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    script = re.search(r'<script src="([^"]+\?script=)"', response.content.decode())
    assert script and client.get(script.group(1).replace("&amp;", "&")).status_code == 200


def test_api_answers_and_errors_carry_the_policy_too(client, lab):
    assert "frame-ancestors 'none'" in client.get("/api/labs/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get("/gibt-es-nicht")["Content-Security-Policy"]


@pytest.mark.parametrize("template", [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")],
                         ids=lambda path: str(path.relative_to(PROJECT_DIR)))
def test_templates_hold_no_inline_script_style_or_handler(template):
    text = template.read_text()
    scripts = re.findall(r"<script\b([^>]*)>", text)
    assert all("src=" in attributes or 'type="application/ld+json"' in attributes for attributes in scripts), scripts
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
