"""The mirror's value converters give exactly what each field's get_db_prep_save gives, on this database."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Event
from federation.sync.rows import converter
from hub.models import Lab
from methods.models import MethodCard, MethodStep

MODELS = (Event, MethodCard, MethodStep, Lab)
FIELDS = [field for model in MODELS for field in model._meta.concrete_fields if not field.primary_key]

offsets = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
zones = st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham", "UTC"]).map(
    zoneinfo.ZoneInfo
)
aware = st.datetimes(min_value=datetime(2, 1, 2), max_value=datetime(9998, 12, 30), timezones=offsets | zones | st.just(UTC))
naive = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1))
values = (
    aware | st.uuids() | st.lists(st.text(max_size=5), max_size=3) | st.just([])
    | st.decimals(min_value=-180, max_value=180, places=6) | st.text(max_size=5) | st.integers(0, 10_000)
    | st.booleans() | st.none() | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


def prepared(field, value):
    """What get_db_prep_save gives, or the exception it raises."""
    try:
        return field.get_db_prep_save(value, connection)
    except Exception as error:  # noqa: BLE001 - the same failure is what is compared
        return type(error)


def converted(field, value):
    try:
        return converter(field, connection)(value)
    except Exception as error:  # noqa: BLE001
        return type(error)


def same(a, b) -> bool:
    """Equal values of the same type (psycopg's Jsonb wrappers compare by what they wrap)."""
    if type(a) is not type(b):
        return False
    if hasattr(a, "obj") and hasattr(b, "obj"):
        return a.obj == b.obj
    return a == b


@hypothesis_settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(FIELDS), value=values)
def test_every_converter_gives_what_get_db_prep_save_gives(field, value):
    assert same(converted(field, value), prepared(field, value))


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@hypothesis_settings(max_examples=200, deadline=None)
@given(value=aware | naive, name=st.sampled_from(["start", "end", "date_created", "date_modified"]))
def test_datetimes_are_written_as_the_backend_writes_them(value, name):
    field = Event._meta.get_field(name)
    assert same(converted(field, value), prepared(field, value))


def test_the_common_values_of_a_mirrored_row():
    start = datetime(2027, 3, 4, 18, 30, 15, 250000, tzinfo=timezone(timedelta(hours=1)))
    for name, value in [("start", start), ("uuid", uuid.uuid4()), ("keywords", ["Bürger", "Stadt"]),
                        ("keywords", []), ("latitude", Decimal("50.080123")), ("capacity", None)]:
        field = Event._meta.get_field(name)
        assert same(converted(field, value), prepared(field, value)), name
