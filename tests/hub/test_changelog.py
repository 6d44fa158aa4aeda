"""The change log's order: positions become visible in the order they were taken."""

from __future__ import annotations

import random
import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from hub.models import ChangeLogEntry, ChangeLogSequence
from hub.roles import SYSTEM
from hub.services import Change, changelog_record, lab_create, lab_update


@pytest.mark.django_db
def test_positions_are_consecutive_in_commit_order(node):
    before = ChangeLogSequence.objects.get().last_position
    second = lab_create(actor=SYSTEM, name="Zweites Labor", slug="zwei", city="Teststadt")
    third = lab_create(actor=SYSTEM, name="Drittes Labor", slug="drei", city="Teststadt")
    positions = dict(ChangeLogEntry.objects.values_list("iri", "position"))
    # each lab, then the node descriptor that lists it, re-signed
    assert positions[second.iri] == before + 1
    assert positions[third.iri] == before + 3
    assert positions[node.iri] == before + 4 == ChangeLogSequence.objects.get().last_position


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused(node):
    change = Change(iri=f"{node.base_url}/labs/x", item_type="Lab", origin_id=node.pk, version=1, visibility="public")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        changelog_record(change)
    assert not ChangeLogEntry.objects.filter(iri=change.iri).exists()


@pytest.mark.django_db(transaction=True)
def test_a_reader_following_positions_never_misses_a_late_commit(node):
    """Writers take a position, then dawdle before committing; a reader polls the log meanwhile.

    With positions from a plain sequence, a writer that took 10 and commits after the writer that
    took 11 would be skipped by a reader that already moved past 11. The log's lock prevents that.
    """
    labs = [lab_create(actor=SYSTEM, name=f"Labor {n}", slug=f"labor-{n}", city="Teststadt") for n in range(4)]
    writes_per_writer, seen, errors = 6, {}, []
    done = threading.Event()

    def writer(lab_pk: int, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for round_ in range(writes_per_writer):
                with transaction.atomic():
                    lab = lab_update(actor=SYSTEM, lab=type(labs[0]).objects.get(pk=lab_pk), description=f"Runde {round_}")
                    time.sleep(rng.uniform(0, 0.05))  # the commit comes late, after the position was taken
                del lab
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    def reader() -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                rows = ChangeLogEntry.objects.filter(position__gt=cursor).order_by("position")
                for position, iri, version in rows.values_list("position", "iri", "version"):
                    assert position > cursor
                    cursor = position
                    seen[iri] = version
                if finished:
                    return
                time.sleep(0.005)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(lab.pk, n)) for n, lab in enumerate(labs)]
    reading = threading.Thread(target=reader)
    reading.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reading.join()

    assert not errors, errors
    final = dict(ChangeLogEntry.objects.values_list("iri", "version"))
    assert seen == final
    assert all(final[lab.iri] == 1 + writes_per_writer for lab in labs)
