"""The demo content and the seed_demo command."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from events.closing.impact import impact_of_year
from events.models import ClosingReport, Event
from hub.choices import PUBLISHED, VULNERABLE_GROUPS, EventStatus, Phase
from hub.models import ChangeLogEntry, Lab
from hub.selectors import NodeNotInitialised
from methods.models import MethodCard
from ops.demo import DemoContentError, DemoReport, demo_seed
from ops.demo.seed import CONTENT_DIR, demo_content

NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


def _counts() -> tuple[int, int, int]:
    return Lab.objects.count(), MethodCard.objects.count(), Event.objects.count()


def _content_changed(directory: Path, name: str, change: Callable[[str], str]) -> Path:
    """A copy of the demo content in ``directory`` with the text of one file changed."""
    shutil.copytree(CONTENT_DIR, directory, dirs_exist_ok=True)
    path = directory / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return directory


@pytest.mark.django_db
def test_seed_creates_labs_methods_and_events(node) -> None:
    report = demo_seed(now=NOW)

    assert report == DemoReport(
        labs=1, methods=MethodCard.objects.count(), events=Event.objects.count(), created=True
    )
    assert Lab.objects.filter(origin__is_local=True).count() >= 2
    assert MethodCard.objects.count() >= 15
    assert Event.objects.count() >= 20


@pytest.mark.django_db
def test_demo_labs_are_in_the_nodes_city(node) -> None:
    demo_seed(now=NOW)

    assert {lab.city for lab in Lab.objects.all()} == {node.city}


@pytest.mark.django_db
def test_methods_cover_every_phase_and_both_labs(node) -> None:
    demo_seed(now=NOW)
    methods = MethodCard.objects.all()

    assert {method.phase for method in methods} == set(Phase.values)
    assert methods.values("lab_id").distinct().count() == 2
    assert all(method.language == "de" for method in methods)


@pytest.mark.django_db
def test_every_method_is_complete_and_valid(node) -> None:
    demo_seed(now=NOW)

    for method in MethodCard.objects.prefetch_related("steps"):
        method.full_clean(validate_constraints=False)
        assert 3 <= method.steps.count() <= 6, method.title
        assert all(step.title and step.text for step in method.steps.all()), method.title
        assert method.summary and method.added_value and method.body and method.tips, method.title
        assert method.materials and method.roles and method.keywords and method.target_groups, (
            method.title
        )
        assert method.duration_min <= method.duration_max, method.title
        assert method.group_size_min <= method.group_size_max, method.title


@pytest.mark.django_db
def test_visibilities_and_adaptation(node) -> None:
    demo_seed(now=NOW)
    visibilities = list(MethodCard.objects.values_list("visibility", flat=True))

    assert visibilities.count("draft") == 1
    assert 1 <= visibilities.count("network") <= 2
    adapted = MethodCard.objects.exclude(based_on="").get()
    assert MethodCard.objects.filter(iri=adapted.based_on).exists()
    assert adapted.lab_id != MethodCard.objects.get(iri=adapted.based_on).lab_id


@pytest.mark.django_db
def test_an_easy_language_method_serves_people_with_little_german(node) -> None:
    demo_seed(now=NOW)

    served = [
        m for m in MethodCard.objects.all() if "little-german-or-low-literacy" in m.target_groups
    ]
    assert any("Leichte" in m.title or "Bildkarten" in m.title for m in served)


@pytest.mark.django_db
def test_events_lie_around_now_and_are_valid(node) -> None:
    demo_seed(now=NOW)
    events = list(Event.objects.all())

    past = [event for event in events if event.start < NOW]
    upcoming = [event for event in events if event.start > NOW]
    assert len(past) >= 8 and len(upcoming) >= 12
    assert all(event.start > NOW + timedelta(days=-90) for event in events)
    assert all(event.start < NOW + timedelta(days=95) for event in events)
    for event in events:
        event.full_clean(validate_constraints=False)
        assert timedelta(hours=1) <= event.end - event.start <= timedelta(hours=4), event.title
        assert event.timezone == "Europe/Berlin"


@pytest.mark.django_db
def test_events_mix_modes_registration_and_status(node) -> None:
    demo_seed(now=NOW)
    events = Event.objects.all()

    assert set(events.values_list("attendance_mode", flat=True)) == {
        "in-person",
        "online",
        "hybrid",
    }
    assert set(events.values_list("registration", flat=True)) == {"none", "recommended", "required", "node"}
    seated = events.get(registration="node")
    assert (seated.capacity, seated.held_back_seats, seated.waiting_list, seated.seats_left) == (20, 4, True, 16)
    assert events.filter(status=EventStatus.CANCELLED).count() == 1
    assert events.filter(status=EventStatus.POSTPONED).count() == 1
    assert any(event.languages == ["de", "en"] for event in events)
    assert events.filter(is_free=True).count() > events.count() / 2


@pytest.mark.django_db
def test_past_events_have_published_closing_reports_with_feedback_so_the_impact_view_is_not_empty(node) -> None:
    demo_seed(now=NOW)
    reports = list(ClosingReport.objects.select_related("event", "event__lab"))
    assert len(reports) == 6 and all(report.published and report.event.end < NOW for report in reports)
    assert len({report.event.lab_id for report in reports}) == 2
    assert sum(report.feedback_count for report in reports) >= 30 and sum(len(report.quotes) for report in reports) == 4
    assert {group for report in reports for group in report.target_groups_reached} >= set(VULNERABLE_GROUPS)
    assert {report.staircase_step for report in reports} >= {3, 4, 5, 6}
    assert all("closingReport" in ChangeLogEntry.objects.get(iri=report.event.iri).document for report in reports)
    impact = impact_of_year(year=2025)
    assert impact.total().reports == 6 and impact.total().attendees == 132


@pytest.mark.django_db
def test_events_reference_published_demo_methods(node) -> None:
    demo_seed(now=NOW)
    referenced = [iri for event in Event.objects.all() for iri in event.method_iris]

    assert referenced
    methods = MethodCard.objects.filter(iri__in=referenced)
    assert methods.count() == len(set(referenced))
    assert all(method.visibility in PUBLISHED for method in methods)


@pytest.mark.django_db
def test_seed_uses_the_current_time_by_default(node) -> None:
    demo_seed()
    now = datetime.now(UTC)

    assert Event.objects.filter(start__lt=now).exists()
    assert Event.objects.filter(start__gt=now).exists()


@pytest.mark.django_db
def test_seeding_twice_changes_nothing(node) -> None:
    demo_seed(now=NOW)
    before = _counts()

    report = demo_seed(now=NOW)

    assert report == DemoReport(labs=0, methods=0, events=0, created=False)
    assert _counts() == before


@pytest.mark.django_db
def test_seed_needs_an_initialised_node() -> None:
    with pytest.raises(NodeNotInitialised):
        demo_seed(now=NOW)


@pytest.mark.django_db
def test_command_reports_what_it_did(node) -> None:
    first, second = io.StringIO(), io.StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    assert first.getvalue().startswith("Demo content created: 1 new lab, ")
    assert (
        f"{MethodCard.objects.count()} method cards, {Event.objects.count()} events."
        in first.getvalue()
    )
    assert second.getvalue().strip() == "Demo content is already present; nothing changed."


@pytest.mark.django_db
def test_command_without_node_names_init_node() -> None:
    with pytest.raises(CommandError, match="init_node"):
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Lab.objects.exists()


def test_a_yaml_error_names_the_file_and_the_line(tmp_path) -> None:
    directory = _content_changed(tmp_path, "events.yaml", lambda text: text + "- title: [open\n")

    with pytest.raises(DemoContentError, match=r"(?s)events\.yaml cannot be read: .* line \d+"):
        demo_content(directory)


def test_a_missing_key_names_the_file_and_the_entry(tmp_path) -> None:
    def without_summary(text: str) -> str:
        entries = yaml.safe_load(text)
        del entries[1]["summary"]
        return yaml.safe_dump(entries, allow_unicode=True)

    directory = _content_changed(tmp_path, "methods.yaml", without_summary)

    with pytest.raises(DemoContentError, match=r"methods\.yaml, entry 2 \(teamprofil\): missing summary"):
        demo_content(directory)


@pytest.mark.django_db
def test_the_demo_labs_report_their_experience_with_the_methods_they_share(node) -> None:
    from experience.models import ExperienceReport
    from experience.selectors import method_experience

    demo_seed(now=NOW)
    reports = ExperienceReport.objects.all()
    assert reports.count() >= 5 and reports.values("lab_id").distinct().count() == 2
    shared = MethodCard.objects.get(title="Spaziergangsinterview")
    figures = method_experience(method_iri=shared.iri, include_network=False)
    assert (figures.reports, figures.labs) == (2, 2) and figures.median_fit == 4.0
    walk = reports.get(method_iri=shared.iri, event_iri__gt="")
    assert Event.objects.get(iri=walk.event_iri).title == "Kiezspaziergang mit Seniorinnen und Senioren"
    assert all(report.date < NOW.date() for report in reports)


@pytest.mark.django_db
def test_seed_demo_reports_about_another_nodes_mirrored_methods_once(node, remote_lab) -> None:
    from experience.models import ExperienceReport

    demo_seed(now=NOW)
    for title in ("Spaziergangsinterview", "Persona-Werkstatt"):
        MethodCard.objects.create(iri=f"{remote_lab.origin.base_url}/methods/{title.lower()}", origin=remote_lab.origin,
                                  lab=remote_lab, slug=title.lower(), title=title, summary="s", phase="erkunden")
    out = io.StringIO()
    call_command("seed_demo", "--reports-about", remote_lab.origin.base_url, stdout=out)
    assert "written about http://127.0.0.1:8999's methods: 2." in out.getvalue()
    about = ExperienceReport.objects.filter(method_iri__startswith=remote_lab.origin.base_url)
    assert about.count() == 2 and {report.lab.origin.is_local for report in about} == {True}
    call_command("seed_demo", "--reports-about", remote_lab.origin.base_url, stdout=out)
    assert about.count() == 2 and out.getvalue().endswith("methods: 0.\n")
