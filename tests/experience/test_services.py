"""Experience reports through their services: writing, the guards, and the figures kept on every write."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from experience.models import ExperienceReport, MethodExperience
from experience.selectors import method_experience
from experience.services import (
    experience_report_delete,
    experience_report_update,
    method_experience_recount_all,
)
from hub.models import ChangeLogEntry
from hub.roles import SYSTEM
from hub.selectors import changelog_head
from hub.services import lab_update
from hub.services.items import MirroredItemError
from tests.experience.conftest import METHOD, OTHER_METHOD

pytestmark = pytest.mark.django_db


def refused_fields(make) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        make()
    return set(refused.value.message_dict)


def test_a_written_report_is_published_signed_and_counted_at_once(report, lab):
    assert report.iri == f"{lab.origin.base_url}/reports/{report.uuid}" and report.is_local
    assert (report.version, report.visibility, report.license) == (1, "public",
                                                                  "https://creativecommons.org/licenses/by-sa/4.0/")
    document = json.loads(ChangeLogEntry.objects.get(iri=report.iri).document)
    assert (document["type"], document["itemReviewed"], document["author"]) == ("ExperienceReport", METHOD, lab.iri)
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    figures = method_experience(method_iri=METHOD, include_network=False)
    assert (figures.reports, figures.labs, figures.cities, figures.participants, figures.median_fit) == (
        1, 1, ["Teststadt"], 18, 4.0)
    assert figures.target_groups == {"older-people": 1, "general-public": 1}
    assert figures.staircase == {3: 1}


def test_a_method_nobody_reported_on_has_empty_figures(db):
    figures = method_experience(method_iri=METHOD, include_network=True)
    assert (figures.reports, figures.median_fit, figures.as_data()["staircase"]["1"]) == (0, None, 0)
    assert figures.as_data()["target_groups"]["older-people"] == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"fit": 0}, "fit"),
        ({"fit": 6}, "fit"),
        ({"staircase_step": 8}, "staircase_step"),
        ({"staircase_step": 0}, "staircase_step"),
        ({"participants": -1}, "participants"),
        ({"participants": 100_001}, "participants"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"target_groups": ["older-people", "older-people"]}, "target_groups"),
        ({"method_iri": "javascript:alert(1)"}, "method_iri"),
        ({"method_iri": ""}, "method_iri"),
        ({"event_iri": "ftp://example.org/x"}, "event_iri"),
        ({"time_needed": 0}, "time_needed"),
        ({"worked": "x" * 5001}, "worked"),
        ({"date": date(1999, 12, 31)}, "date"),
        ({"visibility": "draft"}, "visibility"),
        ({"lab": None}, "lab"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field_and_nothing_is_kept(write, fields, field):
    assert refused_fields(lambda: write(**fields)) == {field}
    assert not ExperienceReport.objects.exists() and not MethodExperience.objects.exists()
    assert not ChangeLogEntry.objects.filter(item_type="ExperienceReport").exists()


def test_a_report_tells_what_happened_so_its_date_is_not_in_the_future(write):
    assert refused_fields(lambda: write(date=timezone.localdate() + timedelta(days=3))) == {"date"}
    assert write(date=timezone.localdate()).date == timezone.localdate()


def test_fields_a_report_does_not_have_are_refused_by_name(write):
    assert refused_fields(lambda: write(author_email="x@example.org", license="cc0")) == {"author_email", "license"}


def test_a_report_belongs_to_a_published_lab_of_this_node(write, remote_lab, lab):
    assert refused_fields(lambda: write(lab=remote_lab)) == {"lab"}
    lab.visibility = "draft"
    lab.save()
    assert refused_fields(lambda: write()) == {"lab"}


def test_only_the_labs_editors_and_node_administrators_write_its_reports(write, person, lab, second_lab):
    other_editor = person("anderswo", "lab-editor", lab=second_lab)
    coordinator = person("koordination", "coordinator")
    for actor in (other_editor, coordinator, None):
        with pytest.raises(PermissionDenied):
            write(actor=actor)
    assert write(actor=person("redaktion", "lab-editor", lab=lab)).lab == lab
    assert write(actor=person("admin", "node-admin"), lab=second_lab).lab == second_lab
    with pytest.raises(PermissionDenied):  # nor move a report into a lab they do not write for
        experience_report_update(report=ExperienceReport.objects.get(lab=lab), actor=other_editor, lab=second_lab)


def test_an_update_moves_the_figures_with_the_report_and_counts_a_new_version(report, write):
    write(fit=2, participants=2, target_groups=[])
    updated = experience_report_update(report=report, actor=SYSTEM, method_iri=OTHER_METHOD, fit=5,
                                       participants=40, target_groups=["children-and-young-people"])
    assert updated.version == 2
    assert json.loads(ChangeLogEntry.objects.get(iri=report.iri).document)["itemReviewed"] == OTHER_METHOD
    left = method_experience(method_iri=METHOD, include_network=False)
    assert (left.reports, left.participants, left.median_fit, left.target_groups) == (1, 2, 2.0, {})
    moved = method_experience(method_iri=OTHER_METHOD, include_network=False)
    assert (moved.reports, moved.participants, moved.median_fit) == (1, 40, 5.0)
    assert moved.worked_groups == ["children-and-young-people"]


def test_a_report_made_network_only_leaves_the_public_figures(report):
    experience_report_update(report=report, actor=SYSTEM, visibility="network")
    assert method_experience(method_iri=METHOD, include_network=False).reports == 0
    assert method_experience(method_iri=METHOD, include_network=True).reports == 1


def test_a_deleted_report_leaves_a_tombstone_and_no_figures(report):
    experience_report_delete(report=report, actor=SYSTEM)
    entry = ChangeLogEntry.objects.get(iri=report.iri)
    assert entry.deleted and entry.version == 2 and json.loads(entry.document)["formerType"] == "ExperienceReport"
    assert not MethodExperience.objects.exists()
    assert method_experience(method_iri=METHOD, include_network=True).reports == 0


def test_a_mirrored_report_cannot_be_changed_or_deleted_here(remote_node, remote_lab):
    mirrored = ExperienceReport.objects.create(
        iri=f"{remote_node.base_url}/reports/1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809", origin=remote_node, lab=remote_lab,
        method_iri=METHOD, date=date(2026, 5, 1), participants=3, fit=3, staircase_step=1)
    with pytest.raises(MirroredItemError):
        experience_report_update(report=mirrored, actor=SYSTEM, fit=5)
    with pytest.raises(MirroredItemError):
        experience_report_delete(report=mirrored, actor=SYSTEM)


def test_the_recount_of_every_method_gives_what_the_writes_kept(write, remote_node, remote_lab):
    write()
    write(fit=1, method_iri=OTHER_METHOD)
    ExperienceReport.objects.create(  # written around the services, as a bulk import would
        iri=f"{remote_node.base_url}/reports/1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809", origin=remote_node, lab=remote_lab,
        method_iri=METHOD, date=date(2026, 5, 1), participants=3, fit=2, staircase_step=1)
    kept = {(row.method_iri, row.audience): row.reports for row in MethodExperience.objects.all()}
    assert method_experience_recount_all() == 2
    counted = {(row.method_iri, row.audience): row.reports for row in MethodExperience.objects.all()}
    assert counted == kept | {(METHOD, "public"): 2, (METHOD, "network"): 2}
    assert method_experience(method_iri=METHOD, include_network=False).cities == ["Fernstadt", "Teststadt"]


def test_experience_recount_counts_every_method_again(write, lab):
    from io import StringIO

    from django.core.management import call_command

    write()
    MethodExperience.objects.all().delete()
    out = StringIO()
    call_command("experience_recount", stdout=out)
    assert out.getvalue() == "Counted the experience figures of 1 methods again.\n"
    assert method_experience(method_iri=METHOD, include_network=False).reports == 1


def test_a_lab_with_experience_reports_is_not_deleted(report, lab):
    from hub.services.labs import lab_delete

    with translation.override("de"), pytest.raises(ValidationError, match="Erfahrungsberichte"):
        lab_delete(lab=lab, actor=SYSTEM)
    experience_report_delete(report=report, actor=SYSTEM)
    lab_delete(lab=lab, actor=SYSTEM)
    assert ChangeLogEntry.objects.get(iri=lab.iri).deleted


def test_a_lab_that_turns_network_only_takes_its_reports_out_of_the_public_figures(report, lab, node,
                                                                                   django_capture_on_commit_callbacks):
    head = changelog_head()
    with django_capture_on_commit_callbacks(execute=True):
        lab_update(lab=lab, actor=SYSTEM, visibility="network")
    public, network = (method_experience(method_iri=METHOD, include_network=wide) for wide in (False, True))
    assert (public.reports, network.reports) == (0, 1)
    assert changelog_head() > head + 1  # the lab's own change, then the figures: pages kept meanwhile are made anew
    with django_capture_on_commit_callbacks(execute=True):
        lab_update(lab=lab, actor=SYSTEM, visibility="public")
    assert method_experience(method_iri=METHOD, include_network=False).reports == 1
