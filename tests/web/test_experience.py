"""Experience reports on the pages: the method's section, a report's page, the staff's form, the catalog's filters."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from experience.models import ExperienceReport
from experience.services import experience_report_create, method_experience_recount
from federation.jsonld import to_rdf_nquads
from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from tests.api.factories import make_event, make_method

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> <a href="https://spam.example/x">billig</a> <img src=x onerror=alert(1)>'


def mirrored_report(lab, method, **fields) -> ExperienceReport:
    """A report as its origin published it, stored and counted as the mirror stores and counts it."""
    values = {"date": date(2026, 9, 1), "participants": 10, "fit": 4, "staircase_step": 2}
    with transaction.atomic():
        report = ExperienceReport.objects.create(
            iri=f"{lab.origin.base_url}/reports/{uuid.uuid4()}", origin=lab.origin, lab=lab, method_iri=method.iri,
            **(values | fields))
        method_experience_recount(method_iris=[method.iri])
    return report


def report_of(lab, method, **fields) -> ExperienceReport:
    values = {"date": date(2026, 10, 5), "participants": 14, "fit": 5, "staircase_step": 4,
              "target_groups": ["older-people"], "worked": "Kurze Wege, viele Bänke."}
    return experience_report_create(actor=SYSTEM, lab=lab, method_iri=method.iri, **(values | fields))


@pytest.fixture
def editor(person, lab):
    return person("lena", "lab-editor", lab=lab)


def test_the_method_page_shows_the_networks_experience_with_a_chart_and_its_table(client, lab, network):
    report_of(lab, network.walk, watch_out="Regenschirme mitnehmen.")
    mirrored_report(network.citylab, network.walk, participants=20, fit=3, staircase_step=2,
                    target_groups=["older-people", "children-and-young-people"])
    mirrored_report(network.citizenlab, network.walk, participants=6, fit=2, staircase_step=1, visibility="network")
    page = client.get(f"/methods/{network.walk.uuid}").content.decode()
    assert "Erfahrungen im Netzwerk" in page
    assert "2 Berichte aus 2 Laboren in 2 Städten (Berlin, Teststadt)" in page  # the network-only one is not counted
    assert "Teilnehmende insgesamt</dt><dd>34</dd>" in page
    assert "4 von 5" in page  # median of 3 and 5
    assert "Ältere Menschen: 2 Berichte" in page and "Kinder und Jugendliche: 1 Bericht" in page
    assert 'role="img" aria-labelledby="chart-staircase-title chart-staircase-desc"' in page
    assert '<th scope="row">4. Bewusstsein oder Fähigkeiten haben sich verändert</th><td class="num">1</td>' in page
    assert "Regenschirme mitnehmen." in page and "Kurze Wege, viele Bänke." in page
    english = client.get(f"/methods/{network.walk.uuid}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 reports from 2 labs in 2 cities" in english and "Experience in the network" in english


def test_staff_see_the_network_only_reports_too_and_a_link_to_write_one(client, editor, lab, network):
    mirrored_report(network.citizenlab, network.walk, visibility="network")
    assert "Noch kein Labor hat" in client.get(f"/methods/{network.walk.uuid}").content.decode()
    client.force_login(editor)
    page = client.get(f"/methods/{network.walk.uuid}").content.decode()
    assert "1 Bericht aus 1 Labor in 1 Stadt" in page
    assert f'href="/staff/experience-reports/new?method={network.walk.iri.replace(":", "%3A").replace("/", "%2F")}"' in page


def test_the_methods_signed_document_stays_as_signed_and_links_the_nodes_figures_apart(client, lab):
    method = make_method(lab)
    report_of(lab, method)
    response = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT="application/ld+json")
    assert response.content.decode() == ChangeLogEntry.objects.get(iri=method.iri).document
    assert "reviewCount" not in response.content.decode()
    link = response["Link"]
    assert f"/methods/{method.uuid}/experience>" in link and 'rel="https://w3id.org/stadtlabor/ns#experience"' in link
    figures = client.get(f"/methods/{method.uuid}/experience")
    assert figures["Content-Type"].startswith("application/ld+json")
    document = figures.json()
    assert (document["type"], document["about"], document["computedBy"]) == ("MethodExperience", method.iri,
                                                                              lab.origin.iri)
    assert (document["reviewCount"], document["labCount"], document["cityCount"], document["participantCount"],
            document["medianFit"]) == (1, 1, 1, 14, 5.0)
    assert document["reachedTargetGroup"] == [{"targetGroup": "older-people", "reportCount": 1}]
    assert document["stepReached"] == [{"staircaseStep": 4, "reportCount": 1}]
    assert "proof" not in document
    quads = to_rdf_nquads(document)  # every term is defined by the network's vocabulary
    for term in ("schema.org/about", "schema.org/reviewCount", "ns#labCount", "ns#cityCount", "ns#medianFit",
                 "ns#reachedTargetGroup", "ns#stepReached", "ns#computedBy", "ns#participantCount"):
        assert term in quads, term


def test_a_report_has_a_page_and_its_signed_document_and_a_tombstone_when_deleted(client, lab):
    method = make_method(lab, title="Spaziergangsinterview")
    event = make_event(lab, title="Kiezspaziergang")
    report = report_of(lab, method, event_iri=event.iri, time_needed=150, adapted="Nur eine Runde.")
    page = client.get(f"/reports/{report.uuid}").content.decode()
    assert "<h1>Erfahrungen mit „Spaziergangsinterview“</h1>" in page
    assert f'href="/events/{event.uuid}">Kiezspaziergang</a>' in page and "150 Minuten" in page
    assert "5 – passte sehr gut" in page and "4. Bewusstsein oder Fähigkeiten haben sich verändert" in page
    assert "CC BY-SA 4.0" in page
    signed = client.get(f"/reports/{report.uuid}", HTTP_ACCEPT="application/ld+json")
    assert signed.content.decode() == ChangeLogEntry.objects.get(iri=report.iri).document
    assert json.loads(signed.content)["itemReviewed"] == method.iri
    from experience.services import experience_report_delete

    experience_report_delete(report=report, actor=SYSTEM)
    assert client.get(f"/reports/{report.uuid}").status_code == 410


def test_a_report_about_a_method_not_held_here_links_its_iri(client, network):
    mirrored = mirrored_report(network.citylab, network.walk)
    mirrored.method_iri = "https://citylab.example.org/methods/noch-nicht-hier"
    mirrored.save()
    page = client.get(f"/reports/{mirrored.uuid}").content.decode()
    assert 'href="https://citylab.example.org/methods/noch-nicht-hier"' in page and "nicht gespiegelt" in page


def test_report_texts_are_shown_as_plain_text(client, lab):
    method = make_method(lab)
    report = report_of(lab, method, worked=HOSTILE, watch_out=HOSTILE, adapted=HOSTILE)
    for path in (f"/reports/{report.uuid}", f"/methods/{method.uuid}"):
        page = client.get(path).content.decode()
        assert "<script>alert" not in page and 'href="https://spam.example' not in page and "<img" not in page
        assert "&lt;script&gt;" in page


# --- the staff's form --------------------------------------------------------------------------------


def test_the_form_needs_a_login_and_a_role_that_writes(client, person, lab):
    method = make_method(lab)
    path = f"/staff/experience-reports/new?method={method.iri}"
    assert client.get(path).status_code == 302
    client.force_login(person("koordination", "coordinator"))
    assert client.get(path).status_code == 403


def test_the_form_takes_the_method_and_event_from_the_address(client, editor, lab):
    method = make_method(lab, title="Spaziergangsinterview")
    event = make_event(lab, title="Kiezspaziergang", method_iris=[method.iri], target_groups=["older-people"])
    client.force_login(editor)
    page = client.get(f"/staff/experience-reports/new?method={method.iri}&event={event.iri}").content.decode()
    assert f'<option value="{method.iri}" selected>Spaziergangsinterview (Teststadt)</option>' in page
    assert f'<option value="{event.iri}" selected>Kiezspaziergang' in page
    assert f'value="{timezone.localtime(event.start).date().isoformat()}"' in page
    assert 'value="older-people" id="id_target_groups_0" checked' in page
    assert "Wie ist „Spaziergangsinterview“ in Ihrem Labor gelaufen?" in page


def test_saving_the_form_shares_the_report_and_counts_it(client, editor, lab):
    method = make_method(lab)
    client.force_login(editor)
    response = client.post(f"/staff/experience-reports/new?method={method.iri}", {
        "method_iri": method.iri, "event_iri": "", "lab": lab.iri, "date": "2026-11-02", "participants": "12",
        "target_groups": ["general-public"], "time_needed": "", "fit": "4", "staircase_step": "3",
        "worked": "Gute Gespräche.", "adapted": "", "watch_out": "", "visibility": "public",
    })
    report = ExperienceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.uuid}"
    assert (report.participants, report.fit, report.target_groups, report.lab_id) == (12, 4, ["general-public"], lab.iri)
    assert "1 Bericht aus 1 Labor in 1 Stadt" in client.get(f"/methods/{method.uuid}").content.decode()


def test_a_bad_form_is_shown_again_with_its_errors_and_nothing_is_kept(client, editor, lab):
    method = make_method(lab)
    client.force_login(editor)
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client.post("/staff/experience-reports/new", {
        "method_iri": "https://evil.example/methods/x", "lab": lab.iri, "date": future, "participants": "-3",
        "fit": "9", "staircase_step": "", "visibility": "draft",
    })
    page = response.content.decode()
    assert response.status_code == 400 and 'class="error-summary"' in page
    for field in ("method_iri", "participants", "fit", "staircase_step", "visibility"):
        assert f'href="#id_{field}' in page, field
    assert not ExperienceReport.objects.exists()
    response = client.post("/staff/experience-reports/new", {
        "method_iri": method.iri, "lab": lab.iri, "date": future, "participants": "3", "fit": "3",
        "staircase_step": "1", "visibility": "public",
    })
    assert response.status_code == 400 and 'href="#id_date"' in response.content.decode()
    assert not ExperienceReport.objects.exists()


def test_the_form_refuses_a_post_without_csrf(editor, lab):
    method = make_method(lab)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/staff/experience-reports/new", {"method_iri": method.iri, "lab": lab.iri})
    assert response.status_code == 403 and not ExperienceReport.objects.exists()


def test_staff_edit_and_delete_their_labs_reports_only(client, editor, person, lab, second_lab):
    method = make_method(lab)
    own = report_of(lab, method)
    other = report_of(second_lab, method)
    client.force_login(editor)
    page = client.get(f"/reports/{own.uuid}").content.decode()
    assert f'href="/staff/experience-reports/{own.uuid}/edit"' in page
    assert "/edit" not in client.get(f"/reports/{other.uuid}").content.decode()
    assert client.get(f"/staff/experience-reports/{other.uuid}/edit").status_code == 403
    form = client.get(f"/staff/experience-reports/{own.uuid}/edit").content.decode()
    assert 'value="14"' in form
    response = client.post(f"/staff/experience-reports/{own.uuid}/edit", {
        "method_iri": method.iri, "lab": lab.iri, "date": "2026-10-05", "participants": "30", "fit": "2",
        "staircase_step": "1", "visibility": "public",
    })
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.participants, own.fit, own.version) == (30, 2, 2)
    assert client.post(f"/staff/experience-reports/{other.uuid}/delete").status_code == 403
    assert client.post(f"/staff/experience-reports/{own.uuid}/delete").status_code == 302
    assert list(ExperienceReport.objects.values_list("uuid", flat=True)) == [other.uuid]


def test_a_mirrored_report_has_no_staff_form(client, staff, network):
    mirrored = mirrored_report(network.citylab, network.walk)
    client.force_login(staff)
    assert client.get(f"/staff/experience-reports/{mirrored.uuid}/edit").status_code == 403


# --- the catalog -------------------------------------------------------------------------------------


def test_the_catalog_filters_by_experience_and_sorts_the_most_tried_first(client, lab, second_lab, network):
    tried = make_method(lab, title="Zweimal erprobt")
    report_of(lab, tried, fit=4, target_groups=["older-people"])
    report_of(second_lab, tried, fit=2, target_groups=["general-public"])
    mirrored_report(network.citylab, network.walk, fit=5, target_groups=["general-public"])
    page = client.get("/methods/", {"tried_in_labs": "2"}).content.decode()
    assert "1 Methode gefunden" in page and "Zweimal erprobt" in page
    assert '<option value="2" selected>in mindestens 2 Laboren (1)</option>' in page
    page = client.get("/methods/", {"worked_with": "general-public"}).content.decode()
    assert "1 Methode gefunden" in page and network.walk.title in page and "Zweimal erprobt" not in page
    page = client.get("/methods/", {"ordering": "-experience_reports"}).content.decode()
    assert page.index("Zweimal erprobt") < page.index(network.walk.title) < page.index(network.walk_adapted.title)
    assert '<option value="-experience_reports" selected>Am häufigsten erprobt</option>' in page
