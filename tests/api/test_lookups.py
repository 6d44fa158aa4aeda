"""The JSON list lookups of hub.lookups, on whichever database the suite runs."""

import pytest

from methods.models import MethodCard
from tests.api.factories import make_method


@pytest.fixture
def cards(lab):
    make_method(lab, title="A", keywords=["Bürgerbeteiligung", "50%-Regel"], target_groups=["older-people"])
    make_method(lab, title="B", keywords=["Theater"], target_groups=["children-and-young-people", "older-people"])
    make_method(lab, title="C")


def matching(**lookup) -> list[str]:
    return sorted(MethodCard.objects.filter(**lookup).values_list("title", flat=True))


@pytest.mark.django_db
def test_has_finds_rows_whose_list_holds_the_exact_string(cards):
    assert matching(target_groups__has="older-people") == ["A", "B"]
    assert matching(target_groups__has="children-and-young-people") == ["B"]
    assert matching(keywords__has="Bürgerbeteiligung") == ["A"]


@pytest.mark.django_db
def test_has_matches_no_part_of_a_string_and_no_other_case(cards):
    assert matching(target_groups__has="older") == []
    assert matching(keywords__has="theater") == []


@pytest.mark.django_db
def test_any_icontains_finds_part_of_an_element_in_any_case_also_outside_ascii(cards):
    assert matching(keywords__any_icontains="beteiligung") == ["A"]
    assert matching(keywords__any_icontains="Bürger") == ["A"]
    assert matching(keywords__any_icontains="THEA") == ["B"]


@pytest.mark.django_db
def test_any_icontains_takes_wildcards_literally(cards):
    assert matching(keywords__any_icontains="50%") == ["A"]
    assert matching(keywords__any_icontains="%") == ["A"]
    assert matching(keywords__any_icontains="_") == []
