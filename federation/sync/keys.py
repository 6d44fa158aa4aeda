"""The keys a page's proofs are checked against (protocol section 3).

Only keys pinned from their origin itself or by an operator count, with the earlier keys their
descriptors list (``federation.keyring``). For an origin of the page that has no such key, the origin
is asked for its own descriptor (a few origins a page, each with backoff after a failure); what a peer
relays for that origin, its descriptor included, is only a hint, and the documents of an origin that
cannot be asked yet wait, held, until it can.

A descriptor of a pinned origin that names another current key is a rotation: accepted, for the rest
of the page too, when the pinned key signed its proof chain, wherever it came from; refused and
reported otherwise. A refused one is remembered when the origin served it itself (an operator may
re-pin its key after an out-of-band check: a revocation), and has the origin's own descriptor fetched
when a peer relayed it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from federation.codecs import DocumentError, from_document
from federation.key_history import keyrings_of
from federation.keyring import (
    Keyring,
    descriptor_chain,
    keyring_described,
    proof_created,
    rotation_refusal,
)
from federation.models import KeyPin
from federation.pins import trusted_pins
from federation.proofs import JCS, RDFC, ProofError, verify
from federation.sync.limits import raise_if_too_large
from federation.sync.origins import OriginUnreachable
from federation.sync.received import PageResult, Received
from federation.sync.waiting import Copy, Wait, held_schedules, retry_delay
from hub.models import Node

DescriptorFetch = Callable[[str], Any]
MAX_ORIGIN_FETCHES = 4  # origins asked for their descriptor while one page is applied
WAITING = "waiting until its origin's own descriptor can be fetched"
RELAYED_PIN = "its origin's key was learnt from a relayed descriptor; it waits until the origin's own descriptor confirms it"


class PageKeys:
    """The pinned keys of a page's origins, the origins pinned by it, and the origins whose documents wait."""

    def __init__(self, pinned: dict[str, Node]) -> None:
        self.nodes = pinned
        self.rings: dict[str, Keyring] = keyrings_of(list(pinned.values()))
        self.fetched: list[Received] = []
        self.waiting: dict[str, Wait] = {}
        self.relayed: dict[str, Node] = {}
        self.refused: set[int] = set()
        self.rotated: set[str] = set()  # origins whose rotation this page brings
        self.offered: dict[str, Received] = {}  # refused descriptors the origin served itself
        self.to_check: set[str] = set()  # origins whose own descriptor is to be fetched
        self._chained: set[int] = set()  # descriptors whose proof chain was checked already

    @classmethod
    def for_page(cls, received: list[Received], result: PageResult, fetch: DescriptorFetch | None,
                 source: str | None = None) -> PageKeys:
        """Load the trusted keys of the page's origins; ask the others for their own descriptor.

        ``source`` is the node the documents came from (a peer, or an origin asked itself).
        """
        origins = {item.decoded.origin_iri for item in received}
        keys = cls(trusted_pins(origins))
        keys._rotations(received, result, source)
        unpinned = sorted(origins - set(keys.rings))
        if unpinned:
            keys._reach(unpinned, fetch)
            keys._relayed_conflicts(received, result)
        return keys

    def waits(self, item: Received) -> bool:
        """Whether an item's origin has no trusted key yet (and the item is not refused already)."""
        return item.decoded.origin_iri in self.waiting and id(item) not in self.refused

    def ready(self, item: Received) -> bool:
        """Whether an item's origin has a trusted key to check its proof against."""
        return item.decoded.origin_iri in self.rings

    @property
    def new(self) -> list[str]:
        """The origins pinned from their own descriptor for this page."""
        return [descriptor.iri for descriptor in self.fetched]

    def _reach(self, unpinned: list[str], fetch: DescriptorFetch | None) -> None:
        """Ask unpinned origins for their descriptor (a few, when due); the documents of the others wait."""
        relayed = Node.objects.filter(iri__in=unpinned, pin__source=KeyPin.Source.RELAYED).select_related("pin")
        self.relayed = {node.iri: node for node in relayed}
        schedules = held_schedules([origin for origin in unpinned if origin not in self.relayed])
        budget, now = MAX_ORIGIN_FETCHES, timezone.now()
        for origin in unpinned:
            attempts, next_at = schedules.get(origin, (0, now))
            if origin in self.relayed:
                self.waiting[origin] = Wait(RELAYED_PIN, 0, self.relayed[origin].pin.next_check_at or now)
            elif next_at > now or fetch is None or budget == 0:
                self.waiting[origin] = Wait(WAITING, attempts, next_at)
            else:
                budget -= 1
                self._fetch(origin, fetch, attempts)

    def _relayed_conflicts(self, received: list[Received], result: PageResult) -> None:
        """Report a descriptor whose key differs from a key learnt from a relay, and have the origin asked."""
        for item in received:
            node = self.relayed.get(item.iri) if item.decoded.type == "Node" else None
            if node is None or item.decoded.fields["public_key_multibase"] == node.public_key_multibase:
                continue
            result.reject(item.iri, f"its key {item.decoded.fields['public_key_multibase'][:16]}… differs from the key "
                                    f"learnt from a relay for this node on {node.pin.pinned_at:%Y-%m-%d}; the "
                                    "origin's own descriptor is fetched to settle which is its key")
            self.refused.add(id(item))
            KeyPin.objects.filter(node=node).update(next_check_at=timezone.now())

    def _fetch(self, origin: str, fetch: DescriptorFetch, attempts: int) -> None:
        try:
            descriptor = descriptor_checked(origin, fetch(origin))
        except (OriginUnreachable, DocumentError) as error:
            reason = f"{WAITING}: {error}"
            self.waiting[origin] = Wait(reason, attempts + 1, timezone.now() + retry_delay(attempts + 1), tried=True)
            return
        self.rings[origin] = keyring_described(origin, descriptor.decoded.related["keys"])
        self.fetched.append(descriptor)

    def _rotations(self, received: list[Received], result: PageResult, source: str | None) -> None:
        """Take the key lists of the page's descriptors of pinned origins (newest first): a descriptor of the pinned
        key states the node's earlier keys; one of another key is a rotation, accepted when the pinned key signed
        its chain, refused and reported otherwise."""
        descriptors = [item for item in received if item.decoded.type == "Node" and item.iri in self.rings]
        taken: set[str] = set()
        for item in sorted(descriptors, key=lambda item: -item.decoded.version):
            if item.iri in taken:
                continue
            ring = self.rings[item.iri]
            try:
                signers = descriptor_chain(item.document, item.decoded)
            except DocumentError:
                continue  # refused with the reason when its proof is checked
            self._chained.add(id(item))
            if item.decoded.fields["public_key_multibase"] == ring.current.key:
                self.rings[item.iri] = keyring_described(item.iri, item.decoded.related["keys"])
                taken.add(item.iri)
                continue
            refusal = rotation_refusal(item.decoded, signers, ring)
            if refusal is None:
                self.rings[item.iri] = keyring_described(item.iri, item.decoded.related["keys"])
                self.rotated.add(item.iri)
                taken.add(item.iri)
                continue
            result.reject(item.iri, refusal)
            self.refused.add(id(item))
            if item.iri == source:
                self.offered[item.iri] = item
            else:
                self.to_check.add(item.iri)

    def verify(self, item: Received, result: PageResult) -> bool:
        """Whether the item's proof is an eddsa-jcs-2022 proof (a descriptor's: a chain) that its origin's keys admit."""
        if id(item) in self.refused:
            return False  # refused and reported already
        origin = item.decoded.origin_iri
        ring = self.rings[origin]
        if suite_of(item.document) == RDFC:
            result.reject(item.iri, f"its proof uses {RDFC}; documents in a feed carry {JCS} proofs only, "
                                    "as their origin signed them (protocol section 3)")
            return False
        if item.decoded.type == "Node":
            return self._descriptor_verified(item, ring, result)
        try:
            verify(item.document, ring.lookup(proof_created(item.document)))
        except ProofError as error:
            reason = f"proof not verified against the key of {origin}: {error}"
            if not item.understood:  # kept only as its origin signed it
                reason = f"unknown type {item.item_type!r}, not kept: {reason}"
            result.reject(item.iri, reason)
            result.copies.append(Copy(iri=item.iri, version=item.decoded.version, origin=origin, reason=reason))
            return False
        return True

    def _descriptor_verified(self, item: Received, ring: Keyring, result: PageResult) -> bool:
        """A descriptor whose current key is the one held for its node, and whose proof chain that key ends."""
        if item.decoded.fields["public_key_multibase"] != ring.current.key:
            result.reject(item.iri, self._conflict(item))
            return False
        if id(item) in self._chained:
            return True
        try:
            descriptor_chain(item.document, item.decoded)
        except DocumentError as error:
            result.reject(item.iri, f"proof not verified against the key of {item.iri}: {error}")
            return False
        return True

    def _conflict(self, descriptor: Received) -> str:
        key_text = descriptor.decoded.fields["public_key_multibase"]
        node = self.nodes.get(descriptor.iri)
        since = f"since {node.pinned_at:%Y-%m-%d}" if node else "by the descriptor fetched from the node itself"
        return f"its key {key_text[:16]}… conflicts with the key pinned for this node {since}; the pinned key is kept"

    def to_pin(self, fresh: list[Received]) -> list[Received]:
        """The descriptors fetched for this page that the page does not store itself (a newer copy would)."""
        fresh_iris = {item.iri for item in fresh}
        return [descriptor for descriptor in self.fetched if descriptor.iri not in fresh_iris]


def descriptor_checked(origin: str, document: Any) -> Received:
    """An origin's descriptor as fetched from it: its shape, its id, an eddsa-jcs-2022 proof (chain) by its own keys."""
    text = raise_if_too_large(document)
    decoded = from_document(document)
    if decoded.type != "Node" or decoded.iri != origin:
        raise DocumentError(f"{origin} answered with a document that is not its own descriptor")
    try:
        descriptor_chain(document, decoded)
    except DocumentError as error:
        raise DocumentError(f"{origin}'s descriptor is not signed by its own key: {error}") from None
    return Received(document=document, text=text.decode(), decoded=decoded, fetched=True)


def suite_of(document: dict[str, Any]) -> Any:
    """The cryptosuite a document's proof names (a chain's first proof's; None when it has no proof object)."""
    proof = document.get("proof")
    if isinstance(proof, list) and proof:
        proof = proof[0]
    return proof.get("cryptosuite") if isinstance(proof, dict) else None
