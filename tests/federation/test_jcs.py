"""Tests that the fast JCS path writes exactly what rfc8785 writes."""

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from federation.jcs import canonicalize

any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=40,
)


def _nested(depth: int) -> list:
    """Return a list nested deeper than orjson serialises."""
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def _rfc8785_or_error(value):
    """Return rfc8785's bytes, or the type of error it raises."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        return type(error)


def _canonicalize_or_error(value):
    """Return canonicalize's bytes, or the type of error it raises."""
    try:
        return canonicalize(value)
    except rfc8785.CanonicalizationError as error:
        return type(error)


@settings(max_examples=500, deadline=None)
@given(value=any_json)
def test_canonicalize_equals_rfc8785_for_any_json(value):
    assert _canonicalize_or_error(value) == _rfc8785_or_error(value)


@pytest.mark.parametrize(
    "value",
    [
        {"\ue000": 1, "\U0001f600": 2},
        {"a": 1.0, "b": 1e21, "c": -0.0, "d": 5e-324},
        {"big": 2**53},
        {"surrogate": "\ud800"},
        _nested(300),
    ],
    ids=["keys-sorting-apart", "floats", "unsafe-integer", "lone-surrogate", "deep-nesting"],
)
def test_canonicalize_equals_rfc8785_where_orjson_differs(value):
    assert _canonicalize_or_error(value) == _rfc8785_or_error(value)


@settings(max_examples=2000, deadline=None)
@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_canonicalize_writes_every_float_as_rfc8785_does(number):
    assert canonicalize({"geo": [number, -number]}) == rfc8785.dumps({"geo": [number, -number]})


@pytest.mark.parametrize(
    "number",
    [1e-4, 9.99e-5, 1.5e-5, 1e16, 9999999999999998.0, 1e15 + 0.5, 0.1, 50.123456, 8.654321, -0.0, 2.0, 5e-324],
)
def test_canonicalize_writes_floats_at_the_edges_of_the_fast_path_as_rfc8785_does(number):
    assert canonicalize([number]) == rfc8785.dumps([number])


def test_canonicalize_sorts_keys_by_utf16_code_units():
    assert canonicalize({"\ue000": 1, "\U0001f600": 2}) == '{"😀":2,"\ue000":1}'.encode()
