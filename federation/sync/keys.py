"""The keys a page's proofs are checked against (protocol section 3).

Only keys pinned from their origin itself or by an operator count. For an origin of the page that has
no such key, the origin is asked for its own descriptor (a few origins a page, each with backoff after
a failure); what a peer relays for that origin, its descriptor included, is only a hint, and the
documents of an origin that cannot be asked yet wait, held, until it can.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from federation.codecs import DocumentError, from_document, key_id
from federation.models import KeyPin
from federation.pins import trusted_pins
from federation.proofs import JCS, RDFC, ProofError, verify
from federation.sync.limits import raise_if_too_large
from federation.sync.origins import OriginUnreachable
from federation.sync.received import PageResult, Received
from federation.sync.waiting import Copy, Wait, held_schedules, retry_delay
from hub.models import Node
from hub.multikey import MultikeyError, decode_public_key

DescriptorFetch = Callable[[str], Any]
MAX_ORIGIN_FETCHES = 4  # origins asked for their descriptor while one page is applied
WAITING = "waiting until its origin's own descriptor can be fetched"
RELAYED_PIN = "its origin's key was learnt from a relayed descriptor; it waits until the origin's own descriptor confirms it"


class PageKeys:
    """The pinned keys of a page's origins, the origins pinned by it, and the origins whose documents wait."""

    def __init__(self, pinned: dict[str, Node]) -> None:
        self.nodes = pinned
        self.keys = {iri: node.public_key_multibase for iri, node in pinned.items()}
        self.fetched: list[Received] = []
        self.waiting: dict[str, Wait] = {}
        self.relayed: dict[str, Node] = {}
        self.refused: set[int] = set()
        self._public: dict[str, Ed25519PublicKey] = {}

    @classmethod
    def for_page(cls, received: list[Received], result: PageResult, fetch: DescriptorFetch | None) -> PageKeys:
        """Load the trusted keys of the page's origins; ask the others for their own descriptor."""
        origins = {item.decoded.origin_iri for item in received}
        keys = cls(trusted_pins(origins))
        unpinned = sorted(origins - set(keys.keys))
        if unpinned:
            keys._reach(unpinned, fetch)
            keys._relayed_conflicts(received, result)
        return keys

    def waits(self, item: Received) -> bool:
        """Whether an item's origin has no trusted key yet (and the item is not refused already)."""
        return item.decoded.origin_iri in self.waiting and id(item) not in self.refused

    def ready(self, item: Received) -> bool:
        """Whether an item's origin has a trusted key to check its proof against."""
        return item.decoded.origin_iri in self.keys

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
        self.keys[origin] = descriptor.decoded.fields["public_key_multibase"]
        self.fetched.append(descriptor)

    def verify(self, item: Received, result: PageResult) -> bool:
        """Whether the item's proof is an eddsa-jcs-2022 proof that verifies against its origin's key."""
        origin = item.decoded.origin_iri
        key_text = self.keys[origin]
        if suite_of(item.document) == RDFC:
            result.reject(item.iri, f"its proof uses {RDFC}; documents in a feed carry {JCS} proofs only, "
                                    "as their origin signed them (protocol section 3)")
            return False
        if item.decoded.type == "Node" and item.decoded.fields["public_key_multibase"] != key_text:
            result.reject(item.iri, self._conflict(item))
            return False
        try:
            verify(item.document, lambda url: _only(url, key_id(origin), self.public_key(key_text)))
        except ProofError as error:
            reason = f"proof not verified against the key of {origin}: {error}"
            result.reject(item.iri, reason)
            if item.decoded.type != "Node":
                result.copies.append(Copy(iri=item.iri, version=item.decoded.version, origin=origin, reason=reason))
            return False
        return True

    def _conflict(self, descriptor: Received) -> str:
        key_text = descriptor.decoded.fields["public_key_multibase"]
        node = self.nodes.get(descriptor.iri)
        since = f"since {node.pinned_at:%Y-%m-%d}" if node else "by the descriptor fetched from the node itself"
        return f"its key {key_text[:16]}… conflicts with the key pinned for this node {since}; the pinned key is kept"

    def public_key(self, key_text: str) -> Ed25519PublicKey:
        """The key an origin signs with, decoded once a page rather than once a document."""
        if key_text not in self._public:
            self._public[key_text] = decode_public_key(key_text)
        return self._public[key_text]

    def to_pin(self, fresh: list[Received]) -> list[Received]:
        """The descriptors fetched for this page that the page does not store itself (a newer copy would)."""
        fresh_iris = {item.iri for item in fresh}
        return [descriptor for descriptor in self.fetched if descriptor.iri not in fresh_iris]


def descriptor_checked(origin: str, document: Any) -> Received:
    """An origin's descriptor as fetched from it: its shape, its id, an eddsa-jcs-2022 proof by its own key."""
    text = raise_if_too_large(document)
    decoded = from_document(document)
    if decoded.type != "Node" or decoded.iri != origin:
        raise DocumentError(f"{origin} answered with a document that is not its own descriptor")
    if suite_of(document) != JCS:
        raise DocumentError(f"{origin}'s descriptor is not signed with {JCS}")
    try:
        public = decode_public_key(decoded.fields["public_key_multibase"])
        verify(document, lambda url: _only(url, key_id(origin), public))
    except (ProofError, MultikeyError) as error:
        raise DocumentError(f"{origin}'s descriptor is not signed by its own key: {error}") from None
    return Received(document=document, text=text.decode(), decoded=decoded, fetched=True)


def suite_of(document: dict[str, Any]) -> Any:
    """The cryptosuite a document's proof names (None when it has no single proof object)."""
    proof = document.get("proof")
    return proof.get("cryptosuite") if isinstance(proof, dict) else None


def _only(url: str, expected: str, public: Ed25519PublicKey) -> Ed25519PublicKey:
    if url != expected:
        raise LookupError(f"{url} is not the origin's key {expected}")
    return public
