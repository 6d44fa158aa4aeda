"""The mirror's change-log writer (one prepared upsert) records exactly what changelog_record_many does."""

from __future__ import annotations

import pytest
from django.db import transaction

from hub.models import ChangeLogEntry, ChangeLogSequence
from hub.services.changelog import Change, changelog_record_bulk, changelog_record_many

FIELDS = ("iri", "item_type", "origin_id", "version", "visibility", "deleted", "document", "position")


def rows() -> dict[str, tuple]:
    return {row[0]: row for row in ChangeLogEntry.objects.values_list(*FIELDS)}


def changes(node, *, version: int, first: str = "a") -> list[Change]:
    base = node.iri + "methods/"
    return [
        Change(iri=base + first, item_type="MethodCard", origin_id=node.pk, version=version, visibility="public",
               document=f'{{"v": {version}, "name": "Ü"}}'),
        Change(iri=base + "b", item_type="Event", origin_id=node.pk, version=version, visibility="network",
               document="{}"),
        Change(iri=base + first, item_type="MethodCard", origin_id=node.pk, version=version + 1, visibility="public",
               document=f'{{"v": {version + 1}}}'),
        Change(iri=base + "c", item_type="MethodCard", origin_id=node.pk, version=version, visibility="public",
               deleted=True, document='{"type": "Tombstone"}'),
    ]


def record_twice(record, node) -> tuple[dict, int]:
    """Two writes, the second overwriting entries of the first; the rows they leave and the last position."""
    start = ChangeLogSequence.objects.get_or_create(pk=1)[0].last_position
    with transaction.atomic():
        record(changes(node, version=1))
    with transaction.atomic():
        record(changes(node, version=5, first="d") + changes(node, version=7)[1:2])
    found = {iri: row[:-1] + (row[-1] - start,) for iri, row in rows().items() if iri.startswith(node.iri + "methods/")}
    return found, ChangeLogSequence.objects.get().last_position - start


@pytest.mark.django_db(transaction=True)
def test_bulk_recording_writes_the_same_rows_and_positions_as_record_many(node):
    ChangeLogEntry.objects.filter(iri__startswith=node.iri + "methods/").delete()
    by_many = record_twice(changelog_record_many, node)
    ChangeLogEntry.objects.filter(iri__startswith=node.iri + "methods/").delete()
    by_bulk = record_twice(changelog_record_bulk, node)
    assert by_bulk == by_many
    found, used = by_bulk
    assert used == 3 + 3  # one position per IRI and write
    assert found[node.iri + "methods/a"][3] == 2 and found[node.iri + "methods/b"][3] == 7
    assert found[node.iri + "methods/c"][5] is True


@pytest.mark.django_db(transaction=True)
def test_bulk_recording_stamps_the_time_and_refuses_to_run_outside_a_transaction(node):
    with transaction.atomic():
        assert changelog_record_bulk(changes(node, version=1)) == 3
        assert changelog_record_bulk([]) == 0
    assert ChangeLogEntry.objects.get(iri=node.iri + "methods/a").recorded_at is not None
    with pytest.raises(RuntimeError, match="changelog_record_bulk must run inside the transaction"):
        changelog_record_bulk(changes(node, version=9))
    assert ChangeLogEntry.objects.get(iri=node.iri + "methods/a").version == 2


@pytest.mark.django_db(transaction=True)
def test_bulk_recording_takes_positions_after_the_last_and_makes_the_sequence_if_missing(node):
    ChangeLogEntry.objects.all().delete()
    ChangeLogSequence.objects.all().delete()
    with transaction.atomic():
        changelog_record_bulk(changes(node, version=1))
    assert ChangeLogSequence.objects.get(pk=1).last_position == 3
    with transaction.atomic():
        changelog_record_many(changes(node, version=4, first="e")[:2])
        changelog_record_bulk(changes(node, version=4, first="f")[:1])
    positions = dict(ChangeLogEntry.objects.values_list("iri", "position"))
    base = node.iri + "methods/"
    assert [positions[base + name] for name in "abcef"] == [1, 5, 3, 4, 6]  # b moved to the end again
    assert ChangeLogSequence.objects.get(pk=1).last_position == 6
