"""Method pages and the catalog, kept rendered for anonymous readers until the change log moves on (web.kept)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from experience.services import experience_report_create
from hub.roles import SYSTEM
from tests.api.factories import make_method

pytestmark = pytest.mark.django_db


def token_in(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]


def test_a_kept_page_costs_one_query_and_each_reader_gets_their_own_csrf_token(lab, django_assert_num_queries):
    method = make_method(lab, title="Spaziergangsinterview")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get(f"/methods/{method.uuid}").content.decode()
    with django_assert_num_queries(1):  # the change log's head
        kept = second.get(f"/methods/{method.uuid}")
    assert "Spaziergangsinterview" in kept.content.decode() and "kept-page-csrf" not in kept.content.decode()
    assert token_in(kept.content.decode()) != token_in(page)
    assert kept["Link"].endswith('type="application/ld+json"') and "Accept" in kept["Vary"]
    switched = second.post("/i18n/setlang/", {"language": "en", "next": f"/methods/{method.uuid}",
                                              "csrfmiddlewaretoken": token_in(kept.content.decode())})
    assert switched.status_code == 302  # the token of the kept page is the reader's own
    assert "Experience in the network" in second.get(f"/methods/{method.uuid}").content.decode()


def test_a_new_report_moves_the_head_so_the_page_shows_it_at_once(client, lab):
    method = make_method(lab)
    assert "Noch kein Labor hat" in client.get(f"/methods/{method.uuid}").content.decode()
    experience_report_create(actor=SYSTEM, lab=lab, method_iri=method.iri, date=date(2026, 5, 4), participants=9,
                             fit=3, staircase_step=2)
    assert "1 Bericht aus 1 Labor in 1 Stadt" in client.get(f"/methods/{method.uuid}").content.decode()
    assert "1 Methode gefunden" in client.get("/methods/", {"tried_in_labs": "1"}).content.decode()


def test_staff_and_the_signed_document_are_never_served_from_the_kept_pages(staff_client, lab):
    client = Client()  # anonymous (staff_client is pytest-django's client, logged in)
    method = make_method(lab)
    client.get(f"/methods/{method.uuid}")
    staff_page = staff_client.get(f"/methods/{method.uuid}").content.decode()
    assert "Bearbeiten" in staff_page and "Erfahrungsbericht schreiben" in staff_page
    assert "Erfahrungsbericht schreiben" not in client.get(f"/methods/{method.uuid}").content.decode()
    document = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT="application/ld+json")
    assert document["Content-Type"].startswith("application/ld+json") and document.json()["id"] == method.iri
