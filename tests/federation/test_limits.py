"""The first checks of a received document: its size and its nesting depth."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from federation.codecs import DocumentError
from federation.sync.limits import MAX_DEPTH, raise_if_too_deep


def depth_of(value: object) -> int:
    """Nesting depth counting objects and lists only (a scalar document has depth 0)."""
    if isinstance(value, dict):
        return 1 + max((depth_of(child) for child in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(child) for child in value), default=0)
    return 0


def refused(value: object) -> bool:
    try:
        raise_if_too_deep(value)
    except DocumentError as error:
        assert str(error) == f"the document is nested deeper than {MAX_DEPTH} levels"
        return True
    return False


def nested(depth: int, *, leaf: object = "tief", kind: str = "list") -> object:
    value = leaf
    for level in range(depth):
        value = [value] if kind == "list" or (kind == "mixed" and level % 2) else {"k": value, "flach": 1}
    return value


@pytest.mark.parametrize("kind", ["list", "dict", "mixed"])
def test_the_limit_lies_exactly_at_twelve_levels(kind):
    assert not refused(nested(MAX_DEPTH, kind=kind))
    assert refused(nested(MAX_DEPTH + 1, kind=kind))
    assert refused(nested(MAX_DEPTH, leaf=[], kind=kind))  # an empty list is a 13th level
    assert not refused(nested(MAX_DEPTH - 1, leaf={}, kind=kind))


def test_only_objects_and_lists_count_and_a_deep_branch_anywhere_is_found():
    for scalar in (None, True, 3, 2.5, "text", ""):
        assert not refused(scalar)
    document = {"a": [1, "x", {"b": None}], "c": [[[]]], "deep": {"x": [nested(MAX_DEPTH - 1)]}}
    assert refused(document)
    document["deep"] = {"x": nested(MAX_DEPTH - 2)}
    assert not refused(document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3),
    max_leaves=40,
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(value=json_values, wrap=st.integers(0, MAX_DEPTH + 2))
def test_a_document_is_refused_exactly_when_deeper_than_the_limit(value, wrap):
    document = nested(wrap, leaf=value, kind="mixed")
    assert refused(document) == (depth_of(document) > MAX_DEPTH)
