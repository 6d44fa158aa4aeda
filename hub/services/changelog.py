"""The change log: every published change gets the next position in this node's order.

Positions are handed out under a row lock on ``ChangeLogSequence`` that is held until the writing
transaction commits (SQLite's IMMEDIATE transactions give the same order). So a position becomes
visible only after every smaller one has: a reader that saw position 11 has already been able to see
10, and the feed never skips a change that committed late (the sequence-gap race of plain sequences).
The price is that writers on one node commit one after another, which a lab's volume easily allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from hub.models import ChangeLogEntry, ChangeLogSequence


@dataclass(frozen=True)
class Change:
    """One item's new state, as the change log records it."""

    iri: str
    item_type: str
    origin_id: int
    version: int
    visibility: str
    deleted: bool = False
    document: str = ""


def changelog_record(change: Change) -> ChangeLogEntry:
    """Record one change at the next position; must run inside the writing transaction."""
    return changelog_record_many([change])[0]


def changelog_record_many(changes: list[Change]) -> list[ChangeLogEntry]:
    """Record changes at consecutive positions in the given order, one entry per IRI."""
    latest = _latest(changes, "changelog_record_many")
    if not latest:
        return []
    first = _positions_take(len(latest))
    now = timezone.now()
    entries = [_entry(change, first + offset, now) for offset, change in enumerate(latest)]
    ChangeLogEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["iri"],
        update_fields=list(_UPSERTED),
    )
    return entries


def changelog_record_bulk(changes: list[Change]) -> int:
    """Record changes as ``changelog_record_many`` does, for bulk writers that need no entries back.

    The same positions, rows and lock, written with one prepared ``INSERT … ON CONFLICT (iri) DO
    UPDATE`` run for all entries: no model instance per change and no per-field compilation (which
    cost the mirror more than the statement). Returns the number of entries written.
    """
    latest = _latest(changes, "changelog_record_bulk")
    if not latest:
        return 0
    connection = transaction.get_connection()
    first = _positions_reserve(connection, len(latest))
    meta = ChangeLogEntry._meta
    recorded_at = meta.get_field("recorded_at").get_db_prep_save(timezone.now(), connection)
    columns = [meta.get_field(name).column for name in ("iri", *_UPSERTED)]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) VALUES ({', '.join(['%s'] * len(columns))}) "
        + connection.ops.on_conflict_suffix_sql(None, OnConflict.UPDATE, columns[1:], columns[:1])
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            (change.iri, change.item_type, change.origin_id, change.version, change.visibility, change.deleted,
             change.document, first + offset, recorded_at)
            for offset, change in enumerate(latest)
        ])
    return len(latest)


# What an entry's upsert writes besides its iri, in the order of the values above.
_UPSERTED = ("item_type", "origin", "version", "visibility", "deleted", "document", "position", "recorded_at")


def _latest(changes: list[Change], caller: str) -> list[Change]:
    """The last change of each IRI, in the order of their first appearance; refused outside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{caller} must run inside the transaction that writes the items.")
    return list({change.iri: change for change in changes}.values())


def changelog_lock() -> None:
    """Take the change log's lock until commit, so that what a writer checked stays true until it writes."""
    ChangeLogSequence.objects.select_for_update().get_or_create(pk=1)


def changelog_move_on() -> None:
    """Hand out a position that no entry gets, so that the head moves on.

    For changes that write no entry, such as removing what a blocked origin brought: every page kept
    under the old head (the API's lists, the catalog, method pages) is made again. Readers of the feed
    skip the gap; run it in the transaction of the change.
    """
    _positions_take(1)


def _positions_take(count: int) -> int:
    """Lock the sequence until commit and reserve ``count`` positions; return the first."""
    sequence, _created = ChangeLogSequence.objects.select_for_update().get_or_create(pk=1)
    first = sequence.last_position + 1
    sequence.last_position += count
    sequence.save(update_fields=["last_position"])
    return first


def _positions_reserve(connection, count: int) -> int:
    """``_positions_take`` as two plain statements: the UPDATE locks the row until commit as
    ``select_for_update`` does (SQLite's writers hold the database's lock from BEGIN IMMEDIATE)."""
    meta = ChangeLogSequence._meta
    quote = connection.ops.quote_name
    table, column = quote(meta.db_table), quote(meta.get_field("last_position").column)
    key = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} + %s WHERE {key} = 1", [count])
        if cursor.rowcount == 1:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {key} = 1")
            return cursor.fetchone()[0] - count + 1
    return _positions_take(count)  # no sequence row yet: made as every other writer makes it


def _entry(change: Change, position: int, now) -> ChangeLogEntry:
    return ChangeLogEntry(
        iri=change.iri,
        item_type=change.item_type,
        origin_id=change.origin_id,
        version=change.version,
        visibility=change.visibility,
        deleted=change.deleted,
        document=change.document,
        position=position,
        recorded_at=now,
    )
