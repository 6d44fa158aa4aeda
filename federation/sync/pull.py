"""Pulling one peer's feed: a lease so only one sync per peer runs, a cached token, pages until the end.

State lives on the Peer row (cursor, token, last success, last error, failures, next attempt) and in a
SyncRun per run, so a process killed anywhere resumes from the last page it stored.

A walk ends (protocol section 6.7): at an empty page or a page without ``next``; at a page whose
``next`` cursor does not come after its own, or an empty page with a ``next`` (the peer broke the
rule: the run fails and says so, the link is not followed); or when the run's time or page budget is
spent (the run stops, says so, and the next one goes on from the cursor reached).
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from federation import http
from federation.blocks import peer_cursor_rewind, peer_pull_refused
from federation.models import Peer, SyncRun
from federation.paging import MAX_PULL_PAGE_BYTES, PULL_PAGE_SIZE
from federation.peering import raise_if_insecure
from federation.sync.apply import PageResult, feed_apply_page
from federation.sync.catch_up import CatchUp, mirror_catch_up, skipped_catch_up
from federation.sync.origins import origin_descriptor, origin_document

PAGE_SIZE = PULL_PAGE_SIZE
LEASE = timedelta(minutes=2)  # renewed before the requests of a run, each of which has a 10 s deadline
MAX_BACKOFF = timedelta(hours=6)
FIRST_BACKOFF_SECONDS = 30
MAX_REJECTIONS_KEPT = 1000


class FeedError(Exception):
    """A peer's feed page is not what the protocol describes."""


class BudgetSpent(Exception):
    """The run has used its time or its pages; the message says which, and where the next run goes on."""


class LeaseLost(Exception):
    """Another sync holds this peer's lease now; this run stops without changing the peer's state."""


def sync_peer(*, peer_id: int) -> SyncRun | None:
    """Pull everything new from one peer; None when it is blocked or another sync of it is running."""
    if peer_pull_refused(peer_id=peer_id) or not _lease_take(peer_id):
        return None
    peer_cursor_rewind(peer_id=peer_id)  # after an unblock: read the feed again from the start
    peer = Peer.objects.select_related("node").get(pk=peer_id)
    run = SyncRun.objects.create(peer=peer, cursor_before=peer.cursor)
    try:
        _understood_catch_up(peer, run)
        _pull(peer, run)
        _catch_up(peer, run)
    except (http.PeerRequestError, FeedError) as error:
        _failed(peer, run, error)
    except BudgetSpent as stop:
        _succeeded(peer, run, stopped=str(stop))
    except LeaseLost as error:
        _abandoned(run, error)
    except Exception as error:
        _failed(peer, run, RuntimeError(f"internal error while syncing: {type(error).__name__}"))
        raise
    else:
        _succeeded(peer, run)
    finally:
        Peer.objects.filter(pk=peer_id, sync_holder=_holder()).update(sync_started_at=None, sync_holder="")
    return run


def _lease_take(peer_id: int) -> bool:
    """Mark the peer as being synced unless a live sync holds it (works across processes and hosts).

    A lease is free when nobody holds it, when its holder stopped renewing it, or when its holder
    is a process on this host that no longer exists (a sync killed in the middle resumes at once).
    """
    now, me = timezone.now(), _holder()
    free = Q(sync_started_at__isnull=True) | Q(sync_started_at__lt=now - LEASE)
    peer = Peer.objects.filter(pk=peer_id)
    if peer.filter(free).update(sync_started_at=now, sync_holder=me) == 1:
        return True
    holder = peer.values_list("sync_holder", flat=True).first()
    return bool(holder) and _gone(holder) and peer.filter(sync_holder=holder).update(sync_started_at=now, sync_holder=me) == 1


def _holder() -> str:
    """This thread's name as a lease holder: ``host:pid:thread``."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _gone(holder: str) -> bool:
    """Whether a lease holder ``host:pid:thread`` is a process of this host that has ended."""
    host, pid, _thread = (holder.rsplit(":", 2) + ["", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class _Walk:
    """One run's way through a peer's feed: the cursor reached, its budgets, and the lease it renews."""

    peer: Peer
    cursor: str
    pages: int = 0
    started: float = field(default_factory=time.monotonic)
    renewed: float = field(default_factory=time.monotonic)

    def before_page(self) -> None:
        """Stop if the run has read as many pages as it may; else go on as before any request."""
        budget = settings.HUB_SYNC_PAGE_BUDGET
        if self.pages >= budget:
            raise BudgetSpent(f"the page budget of a run ({budget} pages, HUB_SYNC_PAGE_BUDGET) is spent; "
                              f"the next run goes on from cursor {self.cursor}")
        self.before_request()

    def before_request(self) -> None:
        """Stop if the run's time is spent; else renew the lease, so it never expires under a running sync."""
        budget = settings.HUB_SYNC_TIME_BUDGET
        if time.monotonic() - self.started >= budget:
            raise BudgetSpent(f"the time budget of a run ({budget} s, HUB_SYNC_TIME_BUDGET) is spent; "
                              f"the next run goes on from cursor {self.cursor}")
        if time.monotonic() - self.renewed >= LEASE.total_seconds() / 8:  # a write now and then, not per request
            _lease_renew(self.peer.pk)
            self.renewed = time.monotonic()


def _lease_renew(peer_id: int) -> None:
    """Move this sync's lease on to now, or raise LeaseLost if another sync holds it."""
    if not Peer.objects.filter(pk=peer_id, sync_holder=_holder()).update(sync_started_at=timezone.now()):
        raise LeaseLost("another sync of this peer took its lease over; this run stopped")


def _pull(peer: Peer, run: SyncRun) -> None:
    """Walk the peer's feed from its cursor, a page at a time, until the walk ends."""
    walk = _Walk(peer=peer, cursor=peer.cursor)
    while True:
        walk.before_page()
        documents, next_cursor, limit = _read_page(_page(peer, walk.cursor), peer)
        raise_if_walk_broken(documents=documents, cursor=walk.cursor, next_cursor=next_cursor)
        result = feed_apply_page(
            peer=peer, documents=documents, cursor=next_cursor or walk.cursor,
            fetch_descriptor=lambda origin: _descriptor(walk, origin),
        )
        walk.pages += 1
        _record(run, result, cursor=next_cursor or walk.cursor)
        if next_cursor is None or (limit is not None and len(documents) < limit):
            return  # a page cut short of its limit is the last one for now: its next is where to go on
        walk.cursor = next_cursor


def raise_if_walk_broken(*, documents: list[Any], cursor: str, next_cursor: str | None) -> None:
    """Refuse to follow a ``next`` from an empty page, or one whose cursor does not come after this page's."""
    if next_cursor is None:
        return
    if not documents:
        raise FeedError(f"the peer's feed sent an empty page with a next link; an empty page ends the walk "
                        f"(after={cursor}), the link is not followed")
    if int(next_cursor) <= int(cursor):  # this protocol's cursors are decimal positions (_cursor_of)
        raise FeedError(f"the peer's next page (after={next_cursor}) does not come after this page "
                        f"(after={cursor}); the page is not applied and the link is not followed")


def _record(run: SyncRun, result: PageResult, *, cursor: str) -> None:
    """Add what one page did to the run's report."""
    run.pages += 1
    run.applied += result.applied
    run.skipped += result.skipped
    run.held += result.held
    run.kept = _counts_added(run.kept, result.kept)
    run.rejected += len(result.rejections)
    run.rejections = (run.rejections + result.rejections)[:MAX_REJECTIONS_KEPT]
    run.removals = run.removals + result.removals
    run.removed += sum(removal["count"] for removal in result.removals)
    run.cursor_after = cursor
    run.save(update_fields=["pages", "applied", "skipped", "held", "kept", "rejected", "rejections", "removals",
                            "removed", "cursor_after"])


def _counts_added(counts: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    """Counts by type, with ``more`` added."""
    return {name: counts.get(name, 0) + more.get(name, 0) for name in {**counts, **more}}


def _understood_catch_up(peer: Peer, run: SyncRun) -> None:
    """Before the walk: apply what was kept while this node did not know its type, now that it does; if it
    refused documents it may understand now, read this peer's feed (and every other's) from the start."""
    outcome = skipped_catch_up()
    if outcome.reread and peer_cursor_rewind(peer_id=peer.pk):
        peer.cursor = run.cursor_before = "0"
        run.save(update_fields=["cursor_before"])
    _outcome_record(run, outcome)


def _page(peer: Peer, cursor: str) -> Any:
    url = f"{peer.base_url}/api/federation/feed?after={cursor}&limit={PAGE_SIZE}"
    return _get(peer, url)


def _descriptor(walk: _Walk, origin: str) -> Any:
    """The descriptor of an origin the peer relays, from the origin itself: the peer's copy is only a hint."""
    walk.before_request()
    return origin_descriptor(origin)


def _catch_up(peer: Peer, run: SyncRun) -> None:
    """After the walk: settle keys learnt from relays, apply held documents, ask for refused items again.

    Every request it makes renews the lease and counts against the run's time budget, as the walk's do.
    """
    elapsed = (timezone.now() - run.started_at).total_seconds()
    walk = _Walk(peer=peer, cursor=run.cursor_after or peer.cursor, started=time.monotonic() - elapsed)
    outcome = CatchUp()
    try:
        mirror_catch_up(fetch_descriptor=lambda origin: _descriptor(walk, origin),
                        fetch_document=lambda iri: _document(walk, iri), outcome=outcome)
    finally:
        _outcome_record(run, outcome)


def _outcome_record(run: SyncRun, outcome: CatchUp) -> None:
    """Add what a catch-up did to the run's report."""
    run.applied += outcome.applied
    run.rejected += len(outcome.rejections)
    run.rejections = (run.rejections + outcome.rejections)[:MAX_REJECTIONS_KEPT]
    run.removed, run.removals = run.removed + outcome.removed, run.removals + outcome.removals
    run.kept = _counts_added(run.kept, outcome.kept)
    run.caught_up = _counts_added(run.caught_up, outcome.caught_up)
    run.save(update_fields=["applied", "rejected", "rejections", "removed", "removals", "kept", "caught_up"])


def _document(walk: _Walk, iri: str) -> Any:
    """An item's document from its origin itself, asked for again after its copies were refused."""
    walk.before_request()
    return origin_document(iri)


def _get(peer: Peer, url: str) -> Any:
    """GET with the peer's token, fetching a new one once if the peer says it expired."""
    raise_if_insecure(url)
    try:
        return http.get_json(url, token=token_for(peer), allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
                             max_bytes=MAX_PULL_PAGE_BYTES)
    except http.PeerRequestError as error:
        if getattr(error, "status", None) != 401:
            raise
        return http.get_json(url, token=token_for(peer, renew=True), allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
                             max_bytes=MAX_PULL_PAGE_BYTES)


def token_for(peer: Peer, *, renew: bool = False) -> str:
    """A federation token for the peer, cached on the row until shortly before it expires."""
    if not renew and peer.access_token and peer.token_expires_at and peer.token_expires_at > timezone.now():
        return peer.access_token
    raise_if_insecure(f"{peer.base_url}/o/token/")
    answer = http.post_form(
        f"{peer.base_url}/o/token/",
        {"grant_type": "client_credentials", "scope": "federation"},
        auth=(peer.client_id, peer.client_secret),
        allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
    )
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise FeedError("the peer's token endpoint answered without an access token")
    lifetime = answer.get("expires_in") if isinstance(answer.get("expires_in"), int) else 300
    peer.access_token = token
    peer.token_expires_at = timezone.now() + timedelta(seconds=max(lifetime - 30, 10))
    Peer.objects.filter(pk=peer.pk).update(access_token=peer.access_token, token_expires_at=peer.token_expires_at)
    return token


def _read_page(page: Any, peer: Peer) -> tuple[list[Any], str | None, int | None]:
    """The documents of a feed page, the cursor of the next page (None on the last) and the page's limit."""
    if not isinstance(page, dict) or page.get("type") != "OrderedCollectionPage":
        raise FeedError("the feed did not answer with an OrderedCollectionPage")
    documents = page.get("orderedItems", [])
    if not isinstance(documents, list) or len(documents) > PAGE_SIZE:
        raise FeedError(f"orderedItems must be a list of at most {PAGE_SIZE} documents")
    following = page.get("next")
    if following is None:
        return documents, None, None
    return documents, _cursor_of(following, peer), _limit_of(following)


def _cursor_of(url: object, peer: Peer) -> str:
    """The ``after`` of a next-page URL, which must point at the same peer's feed."""
    parts = urlsplit(url if isinstance(url, str) else "")
    expected = urlsplit(peer.base_url)
    if (parts.scheme, parts.netloc, parts.path) != (expected.scheme, expected.netloc, "/api/federation/feed"):
        raise FeedError(f"the next page {str(url)[:200]!r} is not on the peer's own feed")
    values = parse_qs(parts.query).get("after", [])
    if len(values) != 1 or not (values[0].isascii() and values[0].isdigit()) or len(values[0]) > 20:
        raise FeedError("the next page's cursor is malformed")
    return values[0]


def _limit_of(url: str) -> int | None:
    """The ``limit`` a next-page URL states (the page size the peer's feed cut the page at), if any."""
    values = parse_qs(urlsplit(url).query).get("limit", [])
    if len(values) == 1 and values[0].isascii() and values[0].isdigit() and len(values[0]) <= 6:
        return int(values[0])
    return None


def _succeeded(peer: Peer, run: SyncRun, *, stopped: str = "") -> None:
    """Record the success; pull again at once if the run stopped at a budget or the peer nudged meanwhile."""
    now = timezone.now()
    run.finished_at, run.stopped = now, stopped
    run.save(update_fields=["finished_at", "stopped"])
    nudged_at = Peer.objects.filter(pk=peer.pk).values_list("nudged_at", flat=True).first()
    again = bool(stopped) or (nudged_at is not None and nudged_at >= run.started_at)
    Peer.objects.filter(pk=peer.pk).update(
        last_success_at=now, failures=0, last_error="",
        next_attempt_at=now if again else now + timedelta(seconds=settings.HUB_SYNC_INTERVAL),
    )


def _failed(peer: Peer, run: SyncRun, error: Exception) -> None:
    now = timezone.now()
    failures = Peer.objects.get(pk=peer.pk).failures + 1
    delay = backoff(failures, retry_after=getattr(error, "retry_after", None))
    run.finished_at, run.error = now, str(error)
    run.save(update_fields=["finished_at", "error"])
    Peer.objects.filter(pk=peer.pk).update(
        failures=failures, last_error=str(error), last_error_at=now, next_attempt_at=now + delay
    )


def _abandoned(run: SyncRun, error: LeaseLost) -> None:
    """Record a run that stopped because another sync took over; the peer's state is that sync's."""
    run.finished_at, run.error = timezone.now(), str(error)
    run.save(update_fields=["finished_at", "error"])


def backoff(failures: int, *, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter after ``failures`` failures in a row, at least Retry-After."""
    seconds = min(FIRST_BACKOFF_SECONDS * 2 ** (failures - 1), MAX_BACKOFF.total_seconds())
    seconds *= random.uniform(0.8, 1.2)
    return timedelta(seconds=max(seconds, retry_after or 0))
