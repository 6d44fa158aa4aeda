"""The mirror's SQL row layer: plain lookups and prepared inserts of model rows, without the ORM.

``select_in`` is one plain ``SELECT … WHERE key IN (…)``, for the lookups every page makes: the
ORM compiled a lookup and converted each result row, which cost the mirror more than the query.

``rows_insert`` writes with one prepared statement what ``bulk_create`` would write: that builds a
model instance per row and runs each field through the compiler, which cost the mirror more than the
SQL itself. Here the codecs' values go to the database as they are when they are plain text, numbers
or booleans, and through the field's own ``get_db_prep_save`` otherwise (lists as JSON, datetimes,
uuids, decimals), on SQLite and PostgreSQL alike, with shortcuts for aware datetimes, uuids and lists
that give the same values (``converter``; compared with ``get_db_prep_save`` by
tests/federation/test_apply_converters.py). Fields a row does not name get their model defaults, as
with ``bulk_create``. No signals are sent, as with ``bulk_create``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections, models, router

_PLAIN = frozenset({str, int, bool, type(None)})


def select_in(model: type, columns: tuple[str, ...], key: str, values: Iterable[Any]) -> list[tuple]:
    """The database values of some fields of the rows whose ``key`` field is one of ``values``."""
    values = list(values)
    if not values:
        return []
    connection = connections[router.db_for_read(model)]
    meta, quote = model._meta, connection.ops.quote_name
    field = meta.get_field(key)
    sql = (
        f"SELECT {', '.join(quote(meta.get_field(name).column) for name in columns)} FROM {quote(meta.db_table)} "
        f"WHERE {quote(field.column)} IN ({', '.join(['%s'] * len(values))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(value, connection) for value in values])
        return cursor.fetchall()


def as_uuid(value: Any) -> uuid.UUID:
    """A uuid as the database returns it (a UUID, or its 32 hex digits where there is no uuid type)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def rows_insert(model: type, rows: list[dict[str, Any]]) -> None:
    """Insert rows of model fields (names or attnames) with one prepared statement, storing what ``bulk_create`` would."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    sql, fields, renamed = _insert_plan(model, connection)
    columns = [(field.attname, field.get_default, converter(field, connection)) for field in fields]
    params = []
    for row in rows:
        given = row if renamed.keys().isdisjoint(row) else {renamed.get(name, name): value for name, value in row.items()}
        params.append([
            value if type(value := given[name] if name in given else default()) in _PLAIN else convert(value)
            for name, default, convert in columns
        ])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


_PLANS: dict[tuple[type, str], tuple[str, list, dict[str, str]]] = {}


def _insert_plan(model: type, connection: Any) -> tuple[str, list, dict[str, str]]:
    """A model's INSERT of every column but the primary key, its fields, and the field names that differ
    from their attnames (a foreign key's ``origin`` is ``origin_id``); made once per model and backend."""
    key = (model, connection.vendor)
    if key not in _PLANS:
        quote = connection.ops.quote_name
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        _PLANS[key] = sql, fields, {field.name: field.attname for field in fields if field.name != field.attname}
    return _PLANS[key]


def converter(field: Any, connection: Any) -> Callable[[Any], Any]:
    """A function giving what ``field.get_db_prep_save(value, connection)`` gives, faster for common values."""
    if isinstance(field, models.DateTimeField):
        adapt_datetime = connection.ops.adapt_datetimefield_value
        # SQLite's adapter writes an aware datetime as the text of it made naive in the connection's zone.
        naive_in = connection.timezone if connection.vendor == "sqlite" and settings.USE_TZ else None

        def datetime_value(value: Any) -> Any:
            # get_db_prep_save of an aware datetime is the backend's adapter of that datetime.
            if type(value) is datetime and value.utcoffset() is not None:
                if naive_in is not None:
                    return str(value.astimezone(naive_in).replace(tzinfo=None))
                return adapt_datetime(value)
            return field.get_db_prep_save(value, connection)

        return datetime_value
    if isinstance(field, models.UUIDField):
        native = connection.features.has_native_uuid_field

        def uuid_value(value: Any) -> Any:
            # get_db_prep_save of a UUID: itself where the database has a uuid type, else its hex digits.
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return field.get_db_prep_save(value, connection)

        return uuid_value
    if isinstance(field, models.JSONField):
        adapt_json, encoder = connection.ops.adapt_json_value, field.encoder
        empty = field.get_db_prep_save([], connection)

        def json_value(value: Any) -> Any:
            # get_db_prep_save of a list is the backend's JSON adapter of that list.
            if type(value) is list:
                return adapt_json(value, encoder) if value else empty
            return field.get_db_prep_save(value, connection)

        return json_value
    return lambda value: field.get_db_prep_save(value, connection)

