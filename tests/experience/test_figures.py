"""The figures of a method's reports, from their rows: medians, audiences, what worked with whom."""

from __future__ import annotations

from datetime import date

import pytest

from experience.figures import audiences_of, figures_of, median_of_counts

M = "http://a.example/methods/1"
LAB_A, LAB_B = "http://a.example/labs/a", "http://b.example/labs/b"


def row(lab=LAB_A, visibility="public", lab_visibility="public", participants=10, fit=4, groups=(), step=2,
        day=date(2026, 5, 1), method=M):
    return (method, lab, visibility, lab_visibility, participants, fit, list(groups), step, day)


@pytest.mark.parametrize(
    ("counts", "median"),
    [([0, 0, 0, 0, 0], None), ([0, 0, 1, 0, 0], 3.0), ([1, 0, 0, 0, 1], 3.0), ([0, 1, 0, 1, 0], 3.0),
     ([0, 0, 1, 1, 0], 3.5), ([3, 0, 0, 0, 1], 1.0), ([0, 0, 2, 1, 1], 3.5)],
)
def test_the_median_is_read_from_the_counts_per_fit(counts, median):
    assert median_of_counts(counts, lowest=1) == median


@pytest.mark.parametrize(
    ("visibility", "lab_visibility", "audiences"),
    [("public", "public", ("public", "network")), ("public", None, ("public", "network")),
     ("public", "network", ("network",)), ("network", "public", ("network",)), ("draft", "public", ()),
     ("public", "draft", ())],
)
def test_a_report_counts_for_whoever_may_read_it_never_wider_than_its_lab(visibility, lab_visibility, audiences):
    assert audiences_of(visibility, lab_visibility) == audiences


def test_the_figures_count_reports_labs_participants_groups_and_steps_per_audience():
    figures = figures_of([
        row(participants=12, fit=5, groups=["older-people"], step=3, day=date(2026, 3, 1)),
        row(participants=8, fit=2, groups=["older-people", "general-public"], step=1),
        row(lab=LAB_B, visibility="network", participants=30, fit=4, groups=["general-public"], step=3),
        row(method="http://a.example/methods/2", participants=1),
    ])
    public = figures[(M, "public")]
    assert (public["reports"], public["labs"], public["participants"], public["median_fit"]) == (2, 1, 20, 3.5)
    assert public["target_groups"] == {"older-people": 2, "general-public": 1}
    assert public["worked_groups"] == ["older-people"]  # only the report rated 5 reached a group that worked
    assert public["staircase"] == {"1": 1, "3": 1} and public["latest"] == date(2026, 5, 1)
    network = figures[(M, "network")]
    assert (network["reports"], network["labs"], network["lab_iris"], network["median_fit"]) == (3, 2, [LAB_A, LAB_B], 4.0)
    assert network["worked_groups"] == ["older-people", "general-public"]
    assert network["fit_counts"] == [0, 1, 0, 1, 1]
    assert set(figures) == {(M, "public"), (M, "network"), ("http://a.example/methods/2", "public"),
                            ("http://a.example/methods/2", "network")}
