"""The impact view's figures: per lab and quarter, only events that took place, only published closing reports."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events.closing.impact import impact_of_year
from events.closing.services import closing_report_write
from events.models import ClosingReport, Event
from events.services import event_cancel, event_create
from hub.roles import SYSTEM

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def held(lab, month: int, day: int = 10, *, hour: int = 18, **fields) -> Event:
    start = datetime(2025, month, day, hour, 0, tzinfo=BERLIN)
    return event_create(actor=SYSTEM, **({"title": f"Werkstatt {month}/{day}", "start": start, "end": start + timedelta(hours=2),
                                          "place_name": "Treff", "lab": lab} | fields))


def reported(event: Event, *, published: bool = True, **fields) -> Event:
    values = {"attendees": 10, "staircase_step": 2, "staircase_evidence": "Sie kamen.", "published": published}
    closing_report_write(event=event, actor=SYSTEM, **(values | fields))
    return event


def mirrored(remote_lab, month: int, **report) -> Event:
    start = datetime(2025, month, 5, 10, 0, tzinfo=BERLIN)
    event = Event.objects.create(iri=f"{remote_lab.origin.base_url}/events/m{month}", origin=remote_lab.origin,
                                 lab=remote_lab, title="Fern", start=start, end=start + timedelta(hours=2), place_name="X")
    ClosingReport.objects.create(event=event, published=True, date_published=start, **report)
    return event


def test_the_figures_count_held_events_per_lab_and_quarter_and_only_published_reports(lab, second_lab, remote_lab):
    reported(held(lab, 1), attendees=12, contributions_count=3, target_groups_reached=["older-people", "general-public"],
             staircase_step=4)
    reported(held(lab, 2), attendees=8, target_groups_reached=["older-people"], published=False)
    held(lab, 4, 1, hour=0)  # midnight in Berlin on 1 April: the second quarter here, though still March in UTC
    event_cancel(event=held(lab, 5), actor=SYSTEM)
    reported(held(second_lab, 11), attendees=30, target_groups_reached=["children-and-young-people"], staircase_step=5)
    mirrored(remote_lab, 4, attendees=40, staircase_step=2, target_groups_reached=["older-people"],
             feedback_ratings=[0, 0, 1, 2, 3])
    held(lab, 6, hour=12, start=datetime(2024, 12, 31, 12, tzinfo=BERLIN), end=datetime(2024, 12, 31, 14, tzinfo=BERLIN))

    impact = impact_of_year(year=2025)
    assert [getattr(lab_, "name", lab_) for lab_ in impact.labs] == ["Fernlabor", "Testlabor Teststadt", "Zweitlabor"]
    first = impact.lab_quarters(lab.iri)
    assert [cell.events for cell in first] == [2, 1, 0, 0]
    assert (first[0].reports, first[0].attendees, first[0].contributions) == (1, 12, 3)  # the draft does not count
    assert first[0].groups["older-people"] == 1 and first[0].steps == {4: 1}
    assert [cell.events for cell in impact.lab_quarters(remote_lab.iri)] == [0, 1, 0, 0]
    assert impact.lab_quarters(remote_lab.iri)[1].feedback == 6
    total = impact.total()
    assert (total.events, total.reports, total.attendees) == (5, 3, 82)
    shares = {group: (quarters, year) for group, quarters, year in impact.vulnerable_shares()}
    assert shares["older-people"] == ([100, 100, None, 0], 67)
    assert shares["children-and-young-people"] == ([0, 0, None, 100], 33)
    assert shares["without-internet-access"][1] == 0


def test_a_year_without_events_is_empty():
    impact = impact_of_year(year=2031)
    assert impact.labs == [] and impact.total().events == 0
    assert all(year is None for _group, _quarters, year in impact.vulnerable_shares())
