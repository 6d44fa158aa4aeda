"""The puller: back-off, another pull when a peer nudged during a run, and walks that end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from federation import http
from federation.management.commands.sync import report
from federation.models import Peer, SyncRun
from federation.sync import backoff, pull, sync_peer
from federation.sync.pull import _succeeded
from hub.models import Node
from hub.roles import SYSTEM
from methods.models import MethodCard
from tests.network.fakes import HostileFeed


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


# A feed walk ends (protocol section 6.7), against a hostile peer over real HTTP on loopback.


@pytest.fixture
def hostile(request):
    """A hostile peer (``HostileFeed``) with the walk and delay the test names, peered and pinned."""
    walk, delay = request.param if isinstance(request.param, tuple) else (request.param, 0.0)
    fake = HostileFeed(walk, delay=delay)
    yield fake
    fake.close()


@pytest.fixture
def hostile_peer(node, hostile) -> Peer:
    known = Node.objects.create(iri=hostile.iri, name=hostile.name, city=hostile.city,
                                public_key_multibase=hostile.public_key)
    return Peer.objects.create(node=known, client_id="x", client_secret="y")


def cards_of(fake) -> list[str]:
    """The titles of the method cards this node mirrors from ``fake``."""
    return sorted(MethodCard.objects.filter(origin__iri=fake.iri).values_list("title", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["empty"], indirect=True)
def test_an_empty_page_ends_the_walk_even_with_a_next_link(hostile, hostile_peer):
    run = sync_peer(peer_id=hostile_peer.pk)
    assert hostile.served("/api/federation/feed") == 2
    assert not run.ok
    assert "error: the peer's feed sent an empty page with a next link; an empty page ends the walk" in report(run)
    assert cards_of(hostile) == ["Erste Seite"]
    assert Peer.objects.get(pk=hostile_peer.pk).cursor == "1"


@pytest.mark.django_db
@pytest.mark.parametrize(("hostile", "following"), [("stuck", 1), ("back", 0)], indirect=["hostile"])
def test_a_next_link_whose_cursor_does_not_increase_is_not_followed(hostile, hostile_peer, following):
    run = sync_peer(peer_id=hostile_peer.pk)
    assert hostile.served("/api/federation/feed") == 2
    assert not run.ok
    assert f"error: the peer's next page (after={following}) does not come after this page (after=1)" in report(run)
    assert cards_of(hostile) == ["Erste Seite"]  # the page that broke the rule is not applied
    assert Peer.objects.get(pk=hostile_peer.pk).cursor == "1"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", [("endless", 0.2)], indirect=True)
def test_a_slow_endless_walk_stops_at_the_time_budget_and_the_next_run_goes_on(hostile, hostile_peer, settings):
    settings.HUB_SYNC_TIME_BUDGET = 1
    run = sync_peer(peer_id=hostile_peer.pk)
    assert run.ok and 1 < run.pages < HostileFeed.SAFETY_PAGES
    assert (f"stopped: the time budget of a run (1 s, HUB_SYNC_TIME_BUDGET) is spent; "
            f"the next run goes on from cursor {run.cursor_after}") in report(run)
    assert len(cards_of(hostile)) == run.pages  # every page read was applied, and stays
    peer = Peer.objects.get(pk=hostile_peer.pk)
    assert peer.cursor == run.cursor_after and peer.next_attempt_at <= timezone.now()
    following = sync_peer(peer_id=hostile_peer.pk)
    assert following.cursor_before == run.cursor_after and len(cards_of(hostile)) == run.pages + following.pages


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["endless"], indirect=True)
def test_an_endless_walk_stops_at_the_page_budget(hostile, hostile_peer, settings):
    settings.HUB_SYNC_PAGE_BUDGET = 5
    run = sync_peer(peer_id=hostile_peer.pk)
    assert run.ok and run.pages == 5 and hostile.served("/api/federation/feed") == 5
    assert ("stopped: the page budget of a run (5 pages, HUB_SYNC_PAGE_BUDGET) is spent; "
            "the next run goes on from cursor 5") in report(run)
    assert len(cards_of(hostile)) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", [("relays", 0.4)], indirect=True)
def test_the_lease_outlives_a_page_that_asks_for_many_descriptors(hostile, hostile_peer, monkeypatch):
    monkeypatch.setattr(pull, "LEASE", timedelta(seconds=1))  # the run asks 6 origins for descriptors, 0.4 s each
    descriptors, second_sync = [], []
    fetch = http.get_json

    def get_json(url, **kwargs):
        try:
            return fetch(url, **kwargs)  # each of these origins answers 404
        finally:
            if url.endswith("/.well-known/stadtlabor"):
                descriptors.append(url)
                if len(descriptors) == HostileFeed.RELAYED:  # 2.4 s into the run: what beat or a worker would try
                    second_sync.append(sync_peer(peer_id=hostile_peer.pk))

    monkeypatch.setattr(http, "get_json", get_json)
    run = sync_peer(peer_id=hostile_peer.pk)
    assert second_sync == [None]  # the first sync still held its lease: no second sync of the peer ran
    assert run.ok and (run.held, run.rejected) == (HostileFeed.RELAYED, 0)  # held until their origins answer


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", [("relays", 0.4)], indirect=True)
def test_a_page_whose_descriptor_requests_outlast_the_time_budget_is_left_for_the_next_run(hostile, hostile_peer,
                                                                                           settings):
    settings.HUB_SYNC_TIME_BUDGET = 1
    run = sync_peer(peer_id=hostile_peer.pk)
    assert run.ok and run.pages == 0
    assert hostile.origin_requests() < HostileFeed.RELAYED
    assert "stopped: the time budget of a run (1 s, HUB_SYNC_TIME_BUDGET) is spent; the next run goes on from cursor 0" \
        in report(run)
    assert cards_of(hostile) == [] and Peer.objects.get(pk=hostile_peer.pk).cursor == "0"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", [("relays", 0.4)], indirect=True)
def test_a_run_whose_lease_another_sync_took_stops_and_leaves_the_peer_to_it(hostile, hostile_peer, monkeypatch):
    monkeypatch.setattr(pull, "LEASE", timedelta(seconds=0.8))
    fetch = http.get_json

    def get_json(url, **kwargs):
        if url.endswith("/.well-known/stadtlabor"):  # as if this process had stalled and another host took over
            Peer.objects.filter(pk=hostile_peer.pk).update(sync_holder="elsewhere:1:1", sync_started_at=timezone.now())
        return fetch(url, **kwargs)

    monkeypatch.setattr(http, "get_json", get_json)
    run = sync_peer(peer_id=hostile_peer.pk)
    assert "error: another sync of this peer took its lease over; this run stopped" in report(run)
    peer = Peer.objects.get(pk=hostile_peer.pk)
    assert (peer.sync_holder, peer.failures, peer.cursor) == ("elsewhere:1:1", 0, "0")
    assert cards_of(hostile) == []


@pytest.fixture
def talkative():
    from tests.network.fakes import FakeNode

    fake = FakeNode("Kurzseitenlabor", "Kurzstadt")
    yield fake
    fake.close()


@pytest.mark.django_db(transaction=True)
def test_a_page_shorter_than_its_limit_ends_the_walk_without_asking_for_an_empty_one(node, talkative):
    """One feed request per pull when the changes fit on a page: the peer's feed said so with its limit."""
    from federation.peering import peer_join

    peer = peer_join(invitation=talkative.invitation(), actor=SYSTEM)
    talkative.feed = [talkative.descriptor(), talkative.lab(), talkative.method("Kurz und gut")]
    first = sync_peer(peer_id=peer.pk)
    talkative.feed.append(talkative.method("Noch eine"))
    second = sync_peer(peer_id=peer.pk)
    assert (first.ok, first.applied, second.ok, second.applied) == (True, 3, True, 1)
    assert talkative.served("/api/federation/feed") == 2
    assert Peer.objects.get(pk=peer.pk).cursor == "4"
