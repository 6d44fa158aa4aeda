"""The pages lead to the open data: a public lab's page to its CSV downloads, every page's footer to the catalog."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_public_labs_page_links_its_downloads_in_german(client, lab):
    page = client.get(f"/labs/{lab.slug}").content.decode()
    assert "Offene Daten" in page and f'href="/catalog/{lab.slug}/events.csv">Veranstaltungen als CSV' in page
    assert f'href="/catalog/{lab.slug}/methods.csv">Methodenkarten als CSV' in page
    assert 'href="/catalog.ttl">Open-Data-Katalog (DCAT-AP.de)' in page  # the footer
    assert client.get(f"/catalog/{lab.slug}/events.csv").status_code == 200


def test_the_links_speak_english_on_request(client, lab):
    page = client.get(f"/labs/{lab.slug}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Events as CSV" in page and "Catalog for open data portals (DCAT-AP.de)" in page


def test_a_mirrored_lab_has_no_download_links_here(client, node, remote_lab):
    page = client.get("/labs/127.0.0.1:8999/fernlabor").content.decode()
    assert "fernlabor/events.csv" not in page and "Veranstaltungen als CSV" not in page
