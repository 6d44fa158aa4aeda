"""Signed block lists (protocol §8): a coordinator node publishes its blocks, subscribers propose them.

A node that publishes (``HUB_BLOCKLIST_PUBLISH``) serves its active blocks to its peers as a
``BlockList`` document signed with its key (eddsa-jcs-2022), like its other documents. A node
subscribes only to a peer whose key it has pinned: it fetches the list through the guarded client
with its federation token, checks the shape, that it is that peer's own list, that it is not older
than the last one accepted, and its proof against the pinned key. Each entry it has not seen on
that list before becomes a *proposed* block, which applies only once an administrator confirms it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from federation import http
from federation.blocks import (
    MANAGING_BLOCKS,
    GovernanceError,
    actor_name,
    origin_normalised,
    own_origin,
    peer_refusal,
    refused_remove,
)
from federation.codecs.blocklists import (
    BlockListContent,
    BlockListEntry,
    blocklist_from_document,
    blocklist_to_document,
)
from federation.codecs.shape import DocumentError
from federation.documents import signed
from federation.key_history import keyrings_of
from federation.keyring import proof_created
from federation.models import Block, BlockListSubscription, Peer
from federation.proofs import JCS, ProofError, verify
from federation.sync.pull import FeedError, token_for
from hub.models import Node
from hub.roles import SYSTEM, raise_unless_node_admin
from hub.selectors import local_node

BLOCKLIST_PATH = "/api/federation/blocklist"
MAX_BLOCKLIST_BYTES = 4 * 1024 * 1024  # 10 000 entries with long reasons

log = logging.getLogger(__name__)


class BlockListError(GovernanceError):
    """A block list was not fetched or not accepted; the message says why."""


def blocklist_signed_document() -> str:
    """This node's block list: its active blocks with reasons and dates, signed by its key."""
    node = local_node()
    blocks = Block.objects.filter(status=Block.Status.ACTIVE).order_by("origin")
    document = blocklist_to_document(
        iri=node.base_url + BLOCKLIST_PATH, origin=node.iri, date_modified=timezone.now(),
        entries=[BlockListEntry(origin=block.origin, reason=block.reason, date=block.created_at) for block in blocks],
    )
    return signed(document, signer=node)


def blocklist_subscribe(*, url: str, actor, by: str = "") -> tuple[BlockListSubscription, list[Block]]:
    """Subscribe to a peer's block list (node administrators): fetch and check it now; its entries become proposals."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = origin_normalised(url)
    peer = Peer.objects.select_related("node").filter(node__iri__iexact=origin).first()
    if peer is None:
        raise GovernanceError(
            f"{origin} is not a peer of this node: only a peer whose key this node has pinned can be subscribed to."
        )
    if BlockListSubscription.objects.filter(peer=peer).exists():
        raise GovernanceError(f"This node subscribes to the block list of {origin} already.")
    content = blocklist_fetch(peer=peer)
    with transaction.atomic():
        subscription = BlockListSubscription.objects.create(peer=peer, created_by=actor_name(actor, by))
        return subscription, _content_take(subscription, content)


@transaction.atomic
def blocklist_unsubscribe(*, url: str, actor) -> int:
    """End a subscription (node administrators); the blocks it proposed and nobody confirmed are withdrawn."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = origin_normalised(url)
    subscription = BlockListSubscription.objects.select_related("peer__node").filter(
        peer__node__iri__iexact=origin
    ).first()
    if subscription is None:
        raise GovernanceError(f"This node does not subscribe to the block list of {origin}.")
    withdrawn, _detail = Block.objects.filter(status=Block.Status.PROPOSED, proposed_by=subscription.peer.node).delete()
    subscription.delete()
    return withdrawn


def blocklist_refresh(*, subscription: BlockListSubscription) -> list[Block]:
    """Fetch a subscribed list again; return the blocks newly proposed (an error is kept on the row)."""
    try:
        content = blocklist_fetch(peer=subscription.peer)
        with transaction.atomic():
            return _content_take(subscription, content)
    except (BlockListError, http.PeerRequestError) as error:
        BlockListSubscription.objects.filter(pk=subscription.pk).update(last_error=str(error)[:2000], last_error_at=timezone.now())
        raise BlockListError(f"The block list of {subscription.peer.base_url} was not taken: {error}") from None


def blocklists_refresh() -> dict[str, list[Block] | str]:
    """Refresh every subscription; return per peer the blocks newly proposed, or the error."""
    outcome: dict[str, list[Block] | str] = {}
    for subscription in BlockListSubscription.objects.select_related("peer__node"):
        try:
            outcome[subscription.peer.base_url] = blocklist_refresh(subscription=subscription)
        except BlockListError as error:
            log.info("%s", error)
            outcome[subscription.peer.base_url] = str(error)
    return outcome


def governance_refresh() -> None:
    """The hourly round: refresh the subscribed block lists, then remove what refused origins left."""
    blocklists_refresh()
    removed = refused_remove(actor=SYSTEM)
    if removed:
        log.info("removed what refused origins left: %s", removed)


def blocklist_fetch(*, peer: Peer) -> BlockListContent:
    """Fetch a peer's block list with this node's federation token and accept it only if it checks out."""
    if peer_refusal(peer):
        raise BlockListError(f"{peer.base_url} is refused here ({peer_refusal(peer)}): its list is not fetched.")
    url = peer.base_url + BLOCKLIST_PATH
    try:
        document = _get(url, peer)
    except (http.PeerRequestError, FeedError) as error:
        raise BlockListError(f"Fetching {url} failed: {error}") from None
    return blocklist_verified(document, node=peer.node)


def _get(url: str, peer: Peer) -> Any:
    """GET with the peer's token, fetching a new one once if the peer says it expired."""
    options = {"allow_private": settings.HUB_ALLOW_PRIVATE_PEERS, "max_bytes": MAX_BLOCKLIST_BYTES}
    try:
        return http.get_json(url, token=token_for(peer), **options)
    except http.PeerRequestError as error:
        if getattr(error, "status", None) != 401:
            raise
        return http.get_json(url, token=token_for(peer, renew=True), **options)


def blocklist_verified(document: Any, *, node: Node) -> BlockListContent:
    """The content of ``node``'s own block list, if its proof verifies against the key pinned for it."""
    try:
        content = blocklist_from_document(document)
    except DocumentError as error:
        raise BlockListError(f"The block list of {node.base_url} is malformed: {error}") from None
    if content.origin != node.iri or content.iri != node.base_url + BLOCKLIST_PATH:
        raise BlockListError(f"The document is not the block list of {node.iri}: it names {content.origin}.")
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != JCS:
        raise BlockListError(f"The block list of {node.base_url} must carry an {JCS} proof.")
    try:
        verify(document, keyrings_of([node])[node.iri].lookup(proof_created(document)))
    except ProofError as error:
        raise BlockListError(
            f"The block list of {node.base_url} is not signed by the key pinned for that node: {error}"
        ) from None
    return content


def _content_take(subscription: BlockListSubscription, content: BlockListContent) -> list[Block]:
    """Remember what the list says now; propose its new entries; withdraw unconfirmed ones it dropped."""
    subscription = BlockListSubscription.objects.select_for_update().select_related("peer__node").get(pk=subscription.pk)
    if subscription.list_date and content.date_modified < subscription.list_date:
        raise BlockListError(
            f"The block list is older ({content.date_modified:%Y-%m-%d %H:%M}) than the one accepted before."
        )
    coordinator = subscription.peer.node
    listed = {origin_normalised(entry.origin): entry for entry in content.entries}
    known = {entry["origin"] for entry in subscription.entries}
    decided = set(Block.objects.filter(origin__in=set(listed) - known).values_list("origin", flat=True))
    proposed = [
        _propose(origin, entry, coordinator)
        for origin, entry in listed.items()
        if origin not in known | decided and origin != own_origin()
    ]
    dropped = known - set(listed)
    Block.objects.filter(status=Block.Status.PROPOSED, proposed_by=coordinator, origin__in=dropped).delete()
    subscription.entries = [
        {"origin": origin, "reason": entry.reason, "date": entry.date.isoformat()} for origin, entry in listed.items()
    ]
    subscription.list_date, subscription.fetched_at = content.date_modified, timezone.now()
    subscription.last_error, subscription.last_error_at = "", None
    subscription.save()
    return proposed


def _propose(origin: str, entry: BlockListEntry, coordinator: Node) -> Block:
    return Block.objects.create(
        origin=origin, reason=entry.reason, status=Block.Status.PROPOSED, proposed_by=coordinator,
        created_by=f"{coordinator.name} ({coordinator.base_url})"[:200],
    )
