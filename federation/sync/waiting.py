"""What a page leaves for later: documents held until their origin's key is pinned, and refused copies
whose item is fetched again from its origin (protocol sections 3 and 6.5).

Both are kept on rows with their attempts and next attempt, so a crash or a restart loses nothing;
``federation.sync.catch_up`` works them off. Each peer can make this node keep only so many of them,
so a dishonest peer cannot fill the database with documents of origins nobody can reach.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from federation.models import HeldDocument, Peer, RejectedCopy
from federation.sync.received import PageResult, Received

MAX_HELD_PER_PEER = 10_000
MAX_COPIES_PER_PEER = 1_000
FIRST_RETRY_SECONDS = 10
MAX_RETRY = timedelta(hours=6)


@dataclass(frozen=True)
class Wait:
    """Why an origin's documents wait, and when its descriptor is asked for next."""

    reason: str
    attempts: int
    next_attempt_at: datetime
    tried: bool = False  # whether this page asked the origin (its schedule then changes for all its documents)


@dataclass(frozen=True)
class Copy:
    """A refused copy of an item version that its origin may hold genuinely."""

    iri: str
    version: int
    origin: str
    reason: str


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed fetches from an origin: doubling, capped, with jitter."""
    seconds = min(FIRST_RETRY_SECONDS * 2 ** (max(attempts, 1) - 1), MAX_RETRY.total_seconds())
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def held_schedules(origins: list[str]) -> dict[str, tuple[int, datetime]]:
    """The attempts and next attempt of each origin that has documents held."""
    rows = (HeldDocument.objects.filter(origin__in=origins).values("origin")
            .annotate(attempts=Max("attempts"), next_at=Max("next_attempt_at")))
    return {row["origin"]: (row["attempts"], row["next_at"]) for row in rows}


def held_store(*, peer: Peer | None, documents: list[Received], waits: dict[str, Wait], result: PageResult) -> int:
    """Keep documents of origins not pinned yet, each copy once; return how many this page holds."""
    if not documents:
        return 0
    room = MAX_HELD_PER_PEER - (HeldDocument.objects.filter(peer=peer).count() if peer else 0)
    for item in documents[max(room, 0):]:
        result.reject(item.iri, f"{MAX_HELD_PER_PEER} documents from this peer already wait for their origins' keys")
    kept = documents[:max(room, 0)]
    HeldDocument.objects.bulk_create([_held(item, peer, waits[item.decoded.origin_iri]) for item in kept],
                                     ignore_conflicts=True)
    for origin, wait in waits.items():
        if wait.tried:  # the schedule is the origin's, whichever peer relayed its documents
            HeldDocument.objects.filter(origin=origin).update(
                attempts=wait.attempts, next_attempt_at=wait.next_attempt_at, reason=wait.reason[:500])
    return len(kept)


def _held(item: Received, peer: Peer | None, wait: Wait) -> HeldDocument:
    return HeldDocument(
        iri=item.iri, origin=item.decoded.origin_iri, version=item.decoded.version, document=item.text,
        digest=hashlib.sha256(item.text.encode()).hexdigest(), peer=peer, reason=wait.reason[:500],
        attempts=wait.attempts, next_attempt_at=wait.next_attempt_at,
    )


def copies_record(*, peer: Peer | None, copies: list[Copy]) -> None:
    """Remember refused item versions, so that their origin is asked for them later."""
    if not copies:
        return
    room = MAX_COPIES_PER_PEER - RejectedCopy.objects.filter(peer=peer).count()  # held ones released: no peer
    now = timezone.now()
    RejectedCopy.objects.bulk_create(
        [RejectedCopy(iri=c.iri, version=c.version, origin=c.origin, peer=peer, reason=c.reason[:500],
                      next_attempt_at=now) for c in copies[:max(room, 0)]],
        ignore_conflicts=True,
    )
