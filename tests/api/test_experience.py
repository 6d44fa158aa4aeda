"""Experience reports through the REST API: scopes and roles, hostile input first, the figures on the method."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from experience.models import ExperienceReport
from experience.services import experience_report_create
from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from tests.api.factories import make_event, make_method, mirrored_method, token_client

pytestmark = pytest.mark.django_db

URL = "/api/experience-reports/"


@pytest.fixture(autouse=True)
def head_read_every_time(settings):
    """Anonymous readers take the change log's head anew on every request (by default at most every second)."""
    settings.HUB_API_HEAD_SECONDS = 0


@pytest.fixture
def method(lab):
    return make_method(lab, title="Spaziergangsinterview")


@pytest.fixture
def body(method, lab):
    return {"method": method.iri, "lab": lab.iri, "date": "2026-11-12", "participants": 18,
            "target_groups": ["older-people", "general-public"], "fit": 4, "staircase_step": 3,
            "worked": "Kleine Gruppen.", "adapted": "Eine Runde weniger.", "watch_out": "Sitzplätze einplanen.",
            "time_needed": 120}


def experience(client, method) -> dict:
    response = client.get(f"/api/methods/{method.uuid}/")
    assert response.status_code == 200
    return response.json()["experience"]


def test_a_lab_editor_writes_a_report_and_the_method_shows_it_at_once(person, lab, method, body, anonymous):
    editor = token_client(person("redaktion", "lab-editor", lab=lab), "read write")
    response = editor.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    report = ExperienceReport.objects.get()
    assert data["iri"] == report.iri and data["iri"].endswith(f"/reports/{report.uuid}")
    assert response["Location"].endswith(f"/api/experience-reports/{report.uuid}/")
    assert (data["method"], data["lab"]["iri"], data["date"], data["fit"], data["license"]) == (
        method.iri, lab.iri, "2026-11-12", 4, "https://creativecommons.org/licenses/by-sa/4.0/")
    figures = experience(anonymous, method)
    assert figures == {
        "reports": 1, "labs": 1, "cities": 1, "participants": 18, "median_fit": 4.0,
        "target_groups": {"older-people": 1, "people-with-disabilities": 0, "little-german-or-low-literacy": 0,
                          "children-and-young-people": 0, "without-internet-access": 0, "general-public": 1,
                          "administration-staff": 0},
        "staircase": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0},
    }
    assert anonymous.get(f"{URL}{report.uuid}/").json()["worked"] == "Kleine Gruppen."


def test_a_method_without_reports_shows_empty_figures(anonymous, method):
    figures = experience(anonymous, method)
    assert (figures["reports"], figures["median_fit"], figures["staircase"]["7"]) == (0, None, 0)


def test_writing_needs_scope_write_and_a_role_for_the_reports_lab(person, lab, second_lab, body, anonymous, reader):
    assert anonymous.post(URL, body, format="json").status_code == 401
    refused = reader.post(URL, body, format="json")
    assert refused.status_code == 403 and "write" in refused.json()["detail"]
    other = token_client(person("anderswo", "lab-editor", lab=second_lab), "read write")
    assert other.post(URL, body, format="json").status_code == 403
    coordinator = token_client(person("koordination", "coordinator"), "read")
    assert coordinator.post(URL, body, format="json").status_code == 403
    assert not ExperienceReport.objects.exists()
    assert other.post(URL, body | {"lab": second_lab.iri}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fit": 6}, "fit"),
        ({"fit": 0}, "fit"),
        ({"fit": "4"}, "fit"),
        ({"fit": True}, "fit"),
        ({"fit": 4.5}, "fit"),
        ({"staircase_step": 8}, "staircase_step"),
        ({"staircase_step": None}, "staircase_step"),
        ({"participants": -1}, "participants"),
        ({"participants": "18"}, "participants"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": 20261112}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"method": "javascript:alert(1)"}, "method"),
        ({"method": "http://127.0.0.1:9/methods/unbekannt"}, "method"),
        ({"event": "http://127.0.0.1:9/events/unbekannt"}, "event"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"target_groups": "older-people"}, "target_groups"),
        ({"worked": "x" * 5001}, "worked"),
        ({"time_needed": 0}, "time_needed"),
        ({"lab": "http://127.0.0.1:9/labs/unbekannt"}, "lab"),
        ({"visibility": "draft"}, "visibility"),
        ({"author": "Anna"}, "author"),
        ({"license": "https://creativecommons.org/publicdomain/zero/1.0/"}, "license"),
        ({"iri": "http://evil.example/reports/1"}, "iri"),
    ],
)
def test_bad_input_is_refused_with_problem_details_naming_the_field(writer, body, change, field):
    response = writer.post(URL, body | change, format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert any(name.split(".")[0] == field for name in problem["errors"]) and field in problem["detail"]
    assert not ExperienceReport.objects.exists()


def test_a_date_in_the_future_and_a_mirrored_lab_are_refused_by_the_service(writer, body, remote_lab):
    tomorrow_but_one = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert "date" in writer.post(URL, body | {"date": tomorrow_but_one}, format="json").json()["errors"]
    assert "lab" in writer.post(URL, body | {"lab": remote_lab.iri}, format="json").json()["errors"]
    assert not ExperienceReport.objects.exists()


def test_a_report_names_a_mirrored_method_and_an_event_this_node_holds(writer, body, remote_lab, lab):
    walk = mirrored_method(remote_lab)
    event = make_event(lab)
    response = writer.post(URL, body | {"method": walk.iri, "event": event.iri}, format="json")
    assert response.status_code == 201 and response.json()["event"] == event.iri
    assert experience(writer, walk)["reports"] == 1


def test_patch_moves_the_figures_and_delete_removes_them_leaving_a_tombstone(writer, body, method, anonymous):
    uuid = writer.post(URL, body, format="json").json()["uuid"]
    changed = writer.patch(f"{URL}{uuid}/", {"fit": 2, "participants": 30}, format="json")
    assert changed.status_code == 200 and (changed.json()["fit"], changed.json()["version"]) == (2, 2)
    assert (experience(anonymous, method)["median_fit"], experience(anonymous, method)["participants"]) == (2.0, 30)
    assert writer.patch(f"{URL}{uuid}/", {"fit": 9}, format="json").status_code == 400
    assert writer.put(f"{URL}{uuid}/", body, format="json").status_code == 405
    assert writer.delete(f"{URL}{uuid}/").status_code == 204
    assert experience(anonymous, method)["reports"] == 0
    entry = ChangeLogEntry.objects.get(iri__endswith=f"/reports/{uuid}")
    assert entry.deleted and json.loads(entry.document)["type"] == "Tombstone"
    assert anonymous.get(f"{URL}{uuid}/").status_code == 404


def test_another_labs_editor_can_neither_change_nor_delete_a_report(person, lab, second_lab, body):
    report = experience_report_create(actor=SYSTEM, lab=lab, method_iri=body["method"], date=date(2026, 5, 4),
                                      participants=3, fit=3, staircase_step=1)
    other = token_client(person("anderswo", "lab-editor", lab=second_lab), "read write")
    assert other.patch(f"{URL}{report.uuid}/", {"fit": 5}, format="json").status_code == 403
    assert other.patch(f"{URL}{report.uuid}/", {"lab": second_lab.iri}, format="json").status_code == 403
    assert other.delete(f"{URL}{report.uuid}/").status_code == 403
    report.refresh_from_db()
    assert (report.fit, report.lab_id, report.version) == (3, lab.iri, 1)


def test_a_mirrored_report_is_read_only(writer, remote_lab, method):
    mirrored = ExperienceReport.objects.create(
        iri=f"{remote_lab.origin.base_url}/reports/1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809", origin=remote_lab.origin,
        lab=remote_lab, method_iri=method.iri, date=date(2026, 5, 1), participants=3, fit=3, staircase_step=1)
    assert writer.patch(f"{URL}{mirrored.uuid}/", {"fit": 5}, format="json").status_code == 403
    assert writer.delete(f"{URL}{mirrored.uuid}/").status_code == 403
    assert writer.get(f"{URL}{mirrored.uuid}/").json()["is_local"] is False


def test_network_only_reports_are_listed_and_counted_for_the_network_only(writer, body, anonymous, reader, method):
    writer.post(URL, body, format="json")
    writer.post(URL, body | {"visibility": "network", "fit": 2}, format="json")
    assert anonymous.get(URL).json()["count"] == 1 and reader.get(URL).json()["count"] == 2
    assert experience(anonymous, method)["reports"] == 1 and experience(reader, method)["reports"] == 2
    assert anonymous.get(URL, {"method": method.iri}).json()["count"] == 1
    assert anonymous.get(URL, {"method": "http://127.0.0.1:9/methods/x"}).json()["count"] == 0


def test_the_method_list_filters_and_sorts_by_experience(writer, lab, second_lab, anonymous):
    tried = make_method(lab, title="A – zweimal erprobt")
    once = make_method(lab, title="B – einmal erprobt")
    make_method(lab, title="C – nie erprobt")
    for report_lab, target, fit, groups in ((lab, tried, 4, ["older-people"]), (second_lab, tried, 2, ["general-public"]),
                                            (lab, once, 5, ["general-public"]), (lab, once, 5, [])):
        experience_report_create(actor=SYSTEM, lab=report_lab, method_iri=target.iri, date=date(2026, 5, 1),
                                 participants=5, fit=fit, staircase_step=2, target_groups=groups)

    def titles(**query):
        response = anonymous.get("/api/methods/", query)
        assert response.status_code == 200, response.json()
        return [item["title"] for item in response.json()["results"]]

    assert titles(tried_in_labs=2) == ["A – zweimal erprobt"]
    assert titles(tried_in_labs=1) == ["A – zweimal erprobt", "B – einmal erprobt"]
    assert titles(worked_with="older-people") == ["A – zweimal erprobt"]
    assert titles(worked_with="general-public") == ["B – einmal erprobt"]  # A reached them with fit 2 only
    assert titles(ordering="-experience_reports")[:2] == ["A – zweimal erprobt", "B – einmal erprobt"]
    assert titles(ordering="-experience_reports,title") == ["A – zweimal erprobt", "B – einmal erprobt",
                                                            "C – nie erprobt"]
    for bad in ({"tried_in_labs": 0}, {"tried_in_labs": "viele"}, {"worked_with": "aliens"}):
        refused = anonymous.get("/api/methods/", bad)
        assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"


def test_the_schema_describes_the_reports_and_the_methods_experience(anonymous):
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/experience-reports/"])
    assert {"get", "patch", "delete"} <= set(schema["paths"]["/api/experience-reports/{uuid}/"])
    assert "put" not in schema["paths"]["/api/experience-reports/{uuid}/"]
    request = schema["components"]["schemas"]["ExperienceReportInputRequest"]
    assert set(request["required"]) == {"method", "lab", "date", "participants", "fit", "staircase_step"}
    detail = schema["components"]["schemas"]["MethodDetailOutput"]["properties"]
    assert "experience" in detail
    parameters = {p["name"] for p in schema["paths"]["/api/methods/"]["get"]["parameters"]}
    assert {"tried_in_labs", "worked_with", "ordering"} <= parameters
