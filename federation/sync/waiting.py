"""What a page leaves for later: documents held until their origin's key is pinned, refused copies
whose item is fetched again from its origin (protocol sections 3 and 6.5), and documents of a type
this node does not understand, kept until it does (section 8).

All are kept on rows, so a crash or a restart loses nothing; ``federation.sync.catch_up`` works them
off. Each peer can make this node hold only so many documents, and each origin (and all together)
can make it keep only so many of a type it does not know, so that neither a dishonest peer nor a
dishonest origin can fill the database. A document of an unknown type refused for these limits, or
one refused for a term this node's vocabulary lacks, is not kept but remembered by name: once this
node understands more, every peer's feed is read again from the start, so that nothing is lost.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from federation.codecs import understanding_now
from federation.models import HeldDocument, Peer, RejectedCopy, SkippedDocument, SkippedUnkept
from federation.sync.received import PageResult, Received

MAX_HELD_PER_PEER = 10_000
MAX_COPIES_PER_PEER = 1_000
MAX_SKIPPED_PER_ORIGIN = 10_000  # documents of types this node does not know, kept for one origin
MAX_SKIPPED_BYTES_PER_ORIGIN = 64 * 2**20
MAX_SKIPPED_BYTES = 512 * 2**20  # for all origins together
SKIPPED = "a type this node does not know"
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


def skipped_versions(iris: list[str]) -> dict[str, tuple[int, bool]]:
    """The version kept, and whether it is a tombstone, for each of these IRIs that has a skipped document."""
    if not iris:
        return {}
    rows = SkippedDocument.objects.filter(iri__in=iris).values_list("iri", "version", "deleted")
    return {iri: (version, deleted) for iri, version, deleted in rows}


def skipped_keep(*, peer: Peer | None, documents: list[Received], result: PageResult) -> None:
    """Keep verified documents of types this node does not know, each item's newest version once, within the limits.

    Call them newer than what is kept (the version rule): a newer version, or the item's tombstone,
    replaces the kept document. Count them by type in ``result.kept``.
    """
    if not documents:
        return
    room = _SkippedRoom([item.iri for item in documents], {item.decoded.origin_iri for item in documents})
    kept = []
    for item in documents:
        size = len(item.text.encode())
        refusal = room.take(item.decoded.origin_iri, size)
        if refusal:
            result.reject(item.iri, f"{SKIPPED} ({item.item_type}), not kept: {refusal}; every peer's feed is read "
                                    "again once this node knows the type")
            result.unkept.append(f"type {item.item_type}")
            continue
        kept.append((item, size))
        result.kept[item.item_type] = result.kept.get(item.item_type, 0) + 1
    first_seen = dict(SkippedDocument.objects.filter(iri__in=[item.iri for item, _ in kept])
                      .values_list("iri", "first_seen_at"))
    SkippedDocument.objects.filter(iri__in=list(first_seen)).delete()
    now = timezone.now()
    SkippedDocument.objects.bulk_create([
        SkippedDocument(iri=item.iri, origin=item.decoded.origin_iri, item_type=item.item_type,
                        deleted=bool(item.decoded.fields["deleted"]), version=item.decoded.version, document=item.text,
                        size=size, peer=peer, reason=f"{SKIPPED}: {item.item_type}"[:500],
                        first_seen_at=first_seen.get(item.iri, now), received_at=now)
        for item, size in kept
    ])


class _SkippedRoom:
    """What the limits leave for more skipped documents, not counting the ones these documents replace."""

    def __init__(self, iris: list[str], origins: set[str]) -> None:
        others = SkippedDocument.objects.exclude(iri__in=iris)
        rows = others.filter(origin__in=origins).values("origin").annotate(n=Count("pk"), size=Sum("size"))
        self.origins = {row["origin"]: (row["n"], row["size"] or 0) for row in rows}
        self.total = others.aggregate(size=Sum("size"))["size"] or 0

    def take(self, origin: str, size: int) -> str | None:
        """Count one more document of ``size`` bytes from ``origin``, or say which limit it would pass."""
        count, used = self.origins.get(origin, (0, 0))
        if count + 1 > MAX_SKIPPED_PER_ORIGIN:
            return f"this node keeps at most {MAX_SKIPPED_PER_ORIGIN} such documents of one origin"
        if used + size > MAX_SKIPPED_BYTES_PER_ORIGIN:
            return f"this node keeps at most {_bytes(MAX_SKIPPED_BYTES_PER_ORIGIN)} of such documents of one origin"
        if self.total + size > MAX_SKIPPED_BYTES:
            return f"this node keeps at most {_bytes(MAX_SKIPPED_BYTES)} of such documents"
        self.origins[origin] = (count + 1, used + size)
        self.total += size
        return None


def _bytes(size: int) -> str:
    return f"{size // 2**20} MiB" if size % 2**20 == 0 else f"{size} bytes"


def unkept_record(names: list[str]) -> None:
    """Remember what was refused until this node understands more ('type X', 'term Y'), with what it understands now."""
    if not names:
        return
    now, understanding = timezone.now(), understanding_now()
    for name in set(names):
        counted = names.count(name)
        updated = SkippedUnkept.objects.filter(name=name[:130]).update(
            count=F("count") + counted, understanding=understanding, last_at=now)
        if not updated:
            SkippedUnkept.objects.create(name=name[:130], count=counted, understanding=understanding, first_at=now,
                                         last_at=now)
