"""Pulling one peer's feed: a lease so only one sync per peer runs, a cached token, pages until the end.

State lives on the Peer row (cursor, token, last success, last error, failures, next attempt) and in a
SyncRun per run, so a process killed anywhere resumes from the last page it stored.
"""

from __future__ import annotations

import os
import random
import socket
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from federation import http
from federation.blocks import peer_cursor_rewind, peer_pull_refused
from federation.models import Peer, SyncRun
from federation.paging import MAX_PULL_PAGE_BYTES, PULL_PAGE_SIZE
from federation.sync.apply import feed_apply_page

PAGE_SIZE = PULL_PAGE_SIZE
LEASE = timedelta(minutes=2)  # renewed after every page, which takes seconds
MAX_BACKOFF = timedelta(hours=6)
FIRST_BACKOFF_SECONDS = 30
MAX_REJECTIONS_KEPT = 1000


class FeedError(Exception):
    """A peer's feed page is not what the protocol describes."""


def sync_peer(*, peer_id: int) -> SyncRun | None:
    """Pull everything new from one peer; None when it is blocked or another sync of it is running."""
    if peer_pull_refused(peer_id=peer_id) or not _lease_take(peer_id):
        return None
    peer_cursor_rewind(peer_id=peer_id)  # after an unblock: read the feed again from the start
    peer = Peer.objects.select_related("node").get(pk=peer_id)
    run = SyncRun.objects.create(peer=peer, cursor_before=peer.cursor)
    try:
        _pull(peer, run)
    except (http.PeerRequestError, FeedError) as error:
        _failed(peer, run, error)
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


def _pull(peer: Peer, run: SyncRun) -> None:
    cursor = peer.cursor
    while True:
        page = _page(peer, cursor)
        documents, next_cursor = _read_page(page, peer)
        result = feed_apply_page(
            peer=peer, documents=documents, cursor=next_cursor or cursor,
            fetch_descriptor=lambda origin: _descriptor(peer, origin),
        )
        run.pages += 1
        run.applied += result.applied
        run.skipped += result.skipped
        run.rejected += len(result.rejections)
        run.rejections = (run.rejections + result.rejections)[:MAX_REJECTIONS_KEPT]
        run.cursor_after = next_cursor or cursor
        run.save(update_fields=["pages", "applied", "skipped", "rejected", "rejections", "cursor_after"])
        Peer.objects.filter(pk=peer.pk).update(sync_started_at=timezone.now())
        if next_cursor is None:
            return
        cursor = next_cursor


def _page(peer: Peer, cursor: str) -> Any:
    url = f"{peer.base_url}/api/federation/feed?after={cursor}&limit={PAGE_SIZE}"
    return _get(peer, url)


def _descriptor(peer: Peer, origin: str) -> Any:
    """The descriptor of a relayed origin, as the peer holds it (None if it has none)."""
    try:
        return _get(peer, f"{peer.base_url}/api/federation/descriptor?{urlencode({'iri': origin})}")
    except http.PeerRequestError as error:
        if getattr(error, "status", None) == 404:
            return None
        raise


def _get(peer: Peer, url: str) -> Any:
    """GET with the peer's token, fetching a new one once if the peer says it expired."""
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


def _read_page(page: Any, peer: Peer) -> tuple[list[Any], str | None]:
    """The documents of a feed page and the cursor of the next page (None on the last)."""
    if not isinstance(page, dict) or page.get("type") != "OrderedCollectionPage":
        raise FeedError("the feed did not answer with an OrderedCollectionPage")
    documents = page.get("orderedItems", [])
    if not isinstance(documents, list) or len(documents) > PAGE_SIZE:
        raise FeedError(f"orderedItems must be a list of at most {PAGE_SIZE} documents")
    following = page.get("next")
    return documents, None if following is None else _cursor_of(following, peer)


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


def _succeeded(peer: Peer, run: SyncRun) -> None:
    """Record the success; pull again at once if the peer nudged while this run was under way."""
    now = timezone.now()
    run.finished_at = now
    run.save(update_fields=["finished_at"])
    nudged_at = Peer.objects.filter(pk=peer.pk).values_list("nudged_at", flat=True).first()
    again = nudged_at is not None and nudged_at >= run.started_at
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


def backoff(failures: int, *, retry_after: float | None = None) -> timedelta:
    """Exponential backoff with jitter after ``failures`` failures in a row, at least Retry-After."""
    seconds = min(FIRST_BACKOFF_SECONDS * 2 ** (failures - 1), MAX_BACKOFF.total_seconds())
    seconds *= random.uniform(0.8, 1.2)
    return timedelta(seconds=max(seconds, retry_after or 0))
