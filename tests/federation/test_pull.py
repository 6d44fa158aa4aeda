"""The puller's bookkeeping: back-off, and another pull when a peer nudged during a run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from federation.models import Peer, SyncRun
from federation.sync import backoff
from federation.sync.pull import _succeeded


@pytest.fixture
def peer(remote_node) -> Peer:
    return Peer.objects.create(node=remote_node, client_id="x", client_secret="y")


@pytest.mark.django_db
@pytest.mark.parametrize(("nudged", "due_now"), [(None, False), (-5, False), (+1, True)])
def test_a_nudge_during_a_run_makes_the_peer_due_again_at_once(peer, settings, nudged, due_now):
    run = SyncRun.objects.create(peer=peer, started_at=timezone.now() - timedelta(seconds=2))
    if nudged is not None:
        Peer.objects.filter(pk=peer.pk).update(nudged_at=run.started_at + timedelta(seconds=nudged))
    _succeeded(peer, run)
    peer.refresh_from_db()
    interval = timedelta(seconds=settings.HUB_SYNC_INTERVAL)
    assert (peer.next_attempt_at <= timezone.now()) is due_now
    assert due_now or peer.next_attempt_at > timezone.now() + interval - timedelta(seconds=5)


def test_backoff_doubles_with_jitter_is_capped_and_honours_retry_after():
    first, fourth = backoff(1), backoff(4)
    assert timedelta(seconds=24) <= first <= timedelta(seconds=36)
    assert timedelta(seconds=192) <= fourth <= timedelta(seconds=288)
    assert backoff(40) <= timedelta(hours=6, minutes=72)
    assert backoff(1, retry_after=600) == timedelta(seconds=600)
