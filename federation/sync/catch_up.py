"""Working off what waits, after every sync and from a periodic task, within a time budget.

In this order: keys learnt from relayed descriptors (before this version) are checked against the
origin's own descriptor, and where they differ the origin's own key wins and the items the wrong key
let in are removed; origins whose rotation a peer relayed but this node refused are asked for their
own descriptor (a genuine rotation is applied from it, a refused one is remembered for the operators);
held documents are applied once their origin is pinned (its descriptor fetched
from the origin, or its key confirmed by an operator), each checked as if it came in a page; and
item versions whose copies were refused are asked for at their origin.

Documents kept because this node did not know their type are applied once it does (``skipped_catch_up``,
also at the start of every sync run and when ``runnode`` starts): each batch is taken off the table
and applied in one transaction, through the same checks as a page, so a crash repeats the batch and
a second run finds nothing left to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from federation.blocks import origin_policy, peers_rewind
from federation.codecs import DocumentError, understanding_now, understood_types
from federation.models import HeldDocument, KeyPin, RejectedCopy, SkippedDocument, SkippedUnkept
from federation.pins import PinConflict, origin_pin, trusted_pins
from federation.sync.apply import documents_apply
from federation.sync.keys import DescriptorFetch, descriptor_checked
from federation.sync.origins import OriginUnreachable, origin_descriptor, origin_document
from federation.sync.received import PageResult
from federation.sync.waiting import retry_delay
from hub.services.changelog import changelog_lock

CATCH_UP_SECONDS = 30  # a catch-up starts no fetch after this; each fetch ends within the client's deadline
MAX_ORIGINS = 10  # origins asked for their descriptor in one catch-up
MAX_COPIES = 20  # items asked for again in one catch-up
MAX_COPY_ATTEMPTS = 5
RELEASE_BATCH = 250
DocumentFetch = Callable[[str], "dict[str, Any] | None"]


@dataclass
class CatchUp:
    """What a catch-up did, in the terms of a sync report."""

    applied: int = 0
    rejections: list[dict[str, str]] = field(default_factory=list)
    removals: list[dict[str, Any]] = field(default_factory=list)
    kept: dict[str, int] = field(default_factory=dict)  # {type: count} of documents kept as of unknown types
    caught_up: dict[str, int] = field(default_factory=dict)  # {type: count} of kept documents taken up
    reread: list[str] = field(default_factory=list)  # what was refused before and may be understood now

    def add(self, result: PageResult) -> None:
        """Count what applying some documents did."""
        self.applied += result.applied
        self.rejections += result.rejections
        self.removals += result.removals
        for name, count in result.kept.items():
            self.kept[name] = self.kept.get(name, 0) + count

    @property
    def removed(self) -> int:
        return sum(removal["count"] for removal in self.removals)


def mirror_catch_up(
    *, fetch_descriptor: DescriptorFetch = origin_descriptor, fetch_document: DocumentFetch = origin_document,
    seconds: float = CATCH_UP_SECONDS, outcome: CatchUp | None = None,
) -> CatchUp:
    """Settle keys learnt from relays, apply held documents of origins now pinned, ask for refused items again.

    What it did is added to ``outcome`` as it goes, so a caller that stops it (a fetch may raise) still
    knows what was done.
    """
    deadline, outcome = time.monotonic() + seconds, outcome if outcome is not None else CatchUp()
    _refused_forget()
    _understood_catch_up(outcome, deadline)
    _relayed_pins_check(outcome, fetch_descriptor, deadline)
    _rotations_check(outcome, fetch_descriptor, deadline)
    _held_release(outcome, fetch_descriptor, deadline)
    _copies_ask_again(outcome, fetch_document, deadline)
    return outcome


def _refused_forget() -> None:
    """Drop what waits for origins this node blocks or does not allow (§8): it will never be applied."""
    policy = origin_policy()
    for model in (HeldDocument, RejectedCopy, SkippedDocument):
        origins = set(model.objects.order_by().values_list("origin", flat=True).distinct())
        refused = [origin for origin in origins if policy.refusal(origin)]
        if refused:
            model.objects.filter(origin__in=refused).delete()


def skipped_catch_up(*, seconds: float = CATCH_UP_SECONDS, outcome: CatchUp | None = None) -> CatchUp:
    """Apply the documents kept while this node did not know their type, now that it does (an upgrade, or
    the type no longer hidden); have every peer's feed read again if it refused what it may understand now."""
    outcome = outcome if outcome is not None else CatchUp()
    _understood_catch_up(outcome, time.monotonic() + seconds)
    return outcome


def _understood_catch_up(outcome: CatchUp, deadline: float) -> None:
    _unkept_reread(outcome)
    understood = understood_types()
    while time.monotonic() <= deadline and _skipped_release_batch(outcome, understood):
        pass


def _unkept_reread(outcome: CatchUp) -> None:
    """Rewind every peer's feed once this node understands more than when it refused documents it did not keep."""
    understanding = understanding_now()
    if not SkippedUnkept.objects.exclude(understanding=understanding).exists():
        return  # the usual case: a query, no lock
    with transaction.atomic():
        stale = SkippedUnkept.objects.select_for_update().exclude(understanding=understanding)
        names = list(stale.values_list("name", flat=True))
        if names:
            stale.delete()
            peers_rewind()
    outcome.reread += names


def _skipped_release_batch(outcome: CatchUp, understood: tuple[str, ...]) -> bool:
    """Take the oldest kept documents of understood types off the table and apply them, as a page; False when none."""
    if not SkippedDocument.objects.filter(item_type__in=understood).exists():
        return False  # the usual case: a query, and the change log's lock not taken
    with transaction.atomic():
        changelog_lock()  # one catch-up at a time, and no page between taking the documents and applying them
        rows = list(SkippedDocument.objects.filter(item_type__in=understood).order_by("received_at", "pk")
                    .values_list("pk", "item_type", "document")[:RELEASE_BATCH])
        if not rows:
            return False
        SkippedDocument.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
        outcome.add(documents_apply(documents=[orjson.loads(document) for _, _, document in rows]))
    for _, item_type, _ in rows:
        outcome.caught_up[item_type] = outcome.caught_up.get(item_type, 0) + 1
    return True


def _relayed_pins_check(outcome: CatchUp, fetch: DescriptorFetch, deadline: float) -> None:
    policy = origin_policy()
    due = (KeyPin.objects.filter(source=KeyPin.Source.RELAYED, next_check_at__lte=timezone.now())
           .select_related("node").order_by("next_check_at")[:MAX_ORIGINS])
    for pin in due:
        if time.monotonic() > deadline:
            return
        if policy.refusal(pin.node.iri):  # no request to a node this node refuses
            continue
        origin = pin.node.iri
        try:
            descriptor = descriptor_checked(origin, fetch(origin))
        except (OriginUnreachable, DocumentError):
            KeyPin.objects.filter(pk=pin.pk).update(attempts=F("attempts") + 1,
                                                    next_check_at=timezone.now() + retry_delay(pin.attempts + 1))
            continue
        _pin_from_origin(outcome, descriptor.document)


def _rotations_check(outcome: CatchUp, fetch: DescriptorFetch, deadline: float) -> None:
    """Ask trusted origins for their own descriptor after a relayed one with another key was refused."""
    policy = origin_policy()
    due = (KeyPin.objects.exclude(source=KeyPin.Source.RELAYED).filter(next_check_at__lte=timezone.now())
           .select_related("node").order_by("next_check_at")[:MAX_ORIGINS])
    for pin in due:
        if time.monotonic() > deadline:
            return
        if policy.refusal(pin.node.iri):
            continue
        origin = pin.node.iri
        try:
            descriptor = descriptor_checked(origin, fetch(origin))
        except (OriginUnreachable, DocumentError):
            KeyPin.objects.filter(pk=pin.pk).update(attempts=F("attempts") + 1,
                                                    next_check_at=timezone.now() + retry_delay(pin.attempts + 1))
            continue
        KeyPin.objects.filter(pk=pin.pk).update(attempts=0, next_check_at=None)
        outcome.add(documents_apply(documents=[descriptor.document], ask_again=False, source=origin))


def _pin_from_origin(outcome: CatchUp, document: dict[str, Any]) -> None:
    """Pin an origin's own descriptor (its key wins over one learnt from a relay) and store the descriptor."""
    try:
        change = origin_pin(descriptor=document, source=KeyPin.Source.FETCHED)
    except PinConflict as error:  # pinned from the origin meanwhile, by another sync or an operator
        outcome.rejections.append({"id": document["id"], "reason": str(error)[:500]})
        return
    if change.replaced:
        outcome.removals.append({
            "origin": change.node.iri, "count": change.removed,
            "reason": f"the key learnt from a relay ({change.previous_key[:16]}…) is not the key the origin shows "
                      f"itself; what it let in was removed, and every peer's feed is read again from the start",
        })
    outcome.add(documents_apply(documents=[document], ask_again=False))


def _held_release(outcome: CatchUp, fetch: DescriptorFetch, deadline: float) -> None:
    origins = list(HeldDocument.objects.filter(next_attempt_at__lte=timezone.now()).order_by()
                   .values_list("origin", flat=True).distinct()[:MAX_ORIGINS])
    pinned = trusted_pins(set(origins))
    relayed = set(KeyPin.objects.filter(node__iri__in=origins, source=KeyPin.Source.RELAYED)
                  .values_list("node__iri", flat=True))
    for origin in origins:
        if time.monotonic() > deadline:
            return
        if origin in relayed or (origin not in pinned and not _reached(outcome, origin, fetch)):
            continue
        _release(outcome, origin, deadline)


def _reached(outcome: CatchUp, origin: str, fetch: DescriptorFetch) -> bool:
    """Ask an origin for its own descriptor and pin it; on failure its held documents wait longer."""
    try:
        descriptor = descriptor_checked(origin, fetch(origin))
    except (OriginUnreachable, DocumentError) as error:
        held = HeldDocument.objects.filter(origin=origin)
        attempts = (held.order_by("-attempts").values_list("attempts", flat=True).first() or 0) + 1
        held.update(attempts=attempts, next_attempt_at=timezone.now() + retry_delay(attempts),
                    reason=f"waiting until its origin's own descriptor can be fetched: {error}"[:500])
        return False
    _pin_from_origin(outcome, descriptor.document)
    return True


def _release(outcome: CatchUp, origin: str, deadline: float) -> None:
    """Apply an origin's held documents now that its key is pinned, as if a page brought them."""
    while time.monotonic() <= deadline:
        rows = list(HeldDocument.objects.filter(origin=origin).order_by("received_at", "pk")
                    .values_list("pk", "document", "peer_id")[:RELEASE_BATCH])
        if not rows:
            return
        with transaction.atomic():
            outcome.add(documents_apply(documents=[orjson.loads(document) for _, document, _ in rows]))
            HeldDocument.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()


def _copies_ask_again(outcome: CatchUp, fetch: DocumentFetch, deadline: float) -> None:
    due = RejectedCopy.objects.filter(next_attempt_at__lte=timezone.now()).order_by("next_attempt_at")[:MAX_COPIES]
    pinned = trusted_pins({copy.origin for copy in due})
    for copy in due:
        if time.monotonic() > deadline:
            return
        if copy.origin not in pinned:  # its documents are held until the origin is pinned
            copy.delete()
            continue
        try:
            document = fetch(copy.iri)
        except OriginUnreachable:
            _later(copy)
            continue
        if document is not None:
            outcome.add(documents_apply(documents=[document], ask_again=False))
        copy.delete()


def _later(copy: RejectedCopy) -> None:
    """Ask the origin again after a while; give up after a few attempts (a peer may bring the item again)."""
    if copy.attempts + 1 >= MAX_COPY_ATTEMPTS:
        copy.delete()
        return
    RejectedCopy.objects.filter(pk=copy.pk).update(attempts=copy.attempts + 1,
                                                   next_attempt_at=timezone.now() + retry_delay(copy.attempts + 1))
