"""Blocking and allowing origins (protocol §8): the policy the sync, the feed and the token checks consult.

A node blocks an origin (a node IRI) with a reason: it stops pulling from it if it is a peer (the peer
row stays, paused), refuses its tokens at the federation endpoints, refuses its items from every peer,
and removes what it mirrored from it, change-log entries included, so it no longer serves or relays
them. In allow-list mode (``HUB_FEDERATION_MODE=allowlist``) every origin that is not on the allow
list is refused the same way. This node's own origin is always allowed and can never be blocked.

Lifting a block (or allowing an origin in allow-list mode) has every peer's feed read again from the
start at its next sync: the items refused meanwhile were skipped while the cursors moved on, and
re-reading is cheap because unchanged documents are skipped before any signature check.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from events.models import Event
from experience.models import ExperienceReport
from experience.selectors import report_method_iris
from experience.services import method_experience_recount
from federation.models import AllowedOrigin, Block, CursorRewind, Peer, SkippedDocument
from hub.models import ChangeLogEntry, Lab, Node
from hub.roles import SYSTEM, raise_unless_node_admin
from hub.services.changelog import changelog_lock, changelog_move_on
from ideas.models import Idea
from methods.models import MethodCard

ORIGIN_BLOCKED = "origin blocked"
ORIGIN_NOT_ALLOWED = "origin not on the allow list"
MAX_REASON = 500
MANAGING_BLOCKS = gettext_lazy("block nodes, lift blocks or keep the allow list")


class GovernanceError(Exception):
    """A block, an allowance or a subscription cannot be made; the message says why, for people."""


def origin_normalised(text: str) -> str:
    """A node's IRI, ``scheme://host[:port]/`` in lower case, from its IRI or base URL."""
    text = (text or "").strip()
    try:
        parts = urlsplit(text)
        valid = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid or parts.path not in {"", "/"} or parts.query or parts.fragment or "@" in parts.netloc:
        raise GovernanceError(f"Give a node's address, such as https://hub.example.de; got {text[:200]!r}.")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/"


def origin_of_iri(iri: str) -> str:
    """The node IRI that prefixes an item's id, in lower case, to compare with blocks and allowances."""
    parts = urlsplit(iri)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/"


def own_origin() -> str:
    """This node's own IRI."""
    return origin_of_iri(settings.HUB_BASE_URL + "/")


@dataclass(frozen=True)
class OriginPolicy:
    """Which origins this node refuses: the blocked ones, and in allow-list mode all but the allowed ones."""

    own: str
    blocked: frozenset[str]
    allowed: frozenset[str] | None  # None: open mode

    def refusal(self, iri: str) -> str | None:
        """Why the items, feed and tokens of the origin of ``iri`` are refused; None when they are not."""
        origin = origin_of_iri(iri)
        if origin == self.own:
            return None
        if origin in self.blocked:
            return ORIGIN_BLOCKED
        if self.allowed is not None and origin not in self.allowed:
            return ORIGIN_NOT_ALLOWED
        return None


def origin_policy() -> OriginPolicy:
    """The policy as it stands now (read once per feed page or request)."""
    blocked = Block.objects.filter(status=Block.Status.ACTIVE).values_list("origin", flat=True)
    allowed = None
    if settings.HUB_FEDERATION_MODE == "allowlist":
        allowed = frozenset(AllowedOrigin.objects.values_list("origin", flat=True))
    return OriginPolicy(own=own_origin(), blocked=frozenset(blocked), allowed=allowed)


def peer_refusal(peer: Peer) -> str | None:
    """Why this node does not pull from ``peer`` (blocked or not allowed); None when it does."""
    return origin_policy().refusal(peer.node.iri)


def peer_pull_refused(*, peer_id: int) -> bool:
    """Whether the peer is blocked or not allowed, so that no sync pulls from it."""
    iri = Peer.objects.filter(pk=peer_id).values_list("node__iri", flat=True).first()
    return iri is not None and origin_policy().refusal(iri) is not None


def refused_peer_ids() -> set[int]:
    """The peers this node does not pull from and does not nudge."""
    policy = origin_policy()
    return {pk for pk, iri in Peer.objects.values_list("pk", "node__iri") if policy.refusal(iri)}


def token_refusal(*, application_id: int | None) -> str | None:
    """Why a federation token must be refused (its node is blocked or not allowed); None to serve it."""
    iri = Peer.objects.filter(application_id=application_id).values_list("node__iri", flat=True).first()
    policy = origin_policy()
    if iri is None:
        return None if policy.allowed is None else "This node serves only the nodes on its allow list."
    refusal = policy.refusal(iri)
    if refusal == ORIGIN_BLOCKED:
        return f"This node has blocked the node {iri}: it serves it nothing."
    if refusal == ORIGIN_NOT_ALLOWED:
        return f"The node {iri} is not on this node's allow list: it serves it nothing."
    return None


# --- services ----------------------------------------------------------------------------------


def origin_block(*, origin: str, reason: str, actor, by: str = "") -> Block:
    """Block an origin now (node administrators): refuse it and remove what it brought."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = _raise_if_own(origin_normalised(origin))
    reason = reason.strip()
    if not reason:
        raise GovernanceError("Give the reason for the block; it is shown to this node's staff.")
    if len(reason) > MAX_REASON:
        raise GovernanceError(f"The reason may be at most {MAX_REASON} characters long.")
    return _block_activate(origin, reason=reason, who=actor_name(actor, by))


def block_confirm(*, origin: str, actor, by: str = "") -> Block:
    """Confirm a block a subscribed block list proposed (node administrators), with the reason the list gives."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = origin_normalised(origin)
    block = Block.objects.filter(origin=origin, status=Block.Status.PROPOSED).first()
    if block is None:
        raise GovernanceError(f"No block of {origin} is proposed (see `manage.py peer blocks --proposed`).")
    return _block_activate(origin, reason=block.reason, who=actor_name(actor, by))


@transaction.atomic
def _block_activate(origin: str, *, reason: str, who: str) -> Block:
    # The change log's lock orders this against every page being applied: a page that checked the
    # policy before the block either committed before the removal below or checks again after it.
    changelog_lock()
    block = Block.objects.select_for_update().filter(origin=origin).first() or Block(origin=origin)
    if block.status == Block.Status.ACTIVE and block.pk:
        raise GovernanceError(f"{origin} is blocked already, since {timezone.localtime(block.created_at):%Y-%m-%d %H:%M}.")
    block.status, block.reason, block.created_by, block.created_at = Block.Status.ACTIVE, reason, who, timezone.now()
    block.removed = origin_remove_held(origin)
    block.save()
    return block


@transaction.atomic
def origin_unblock(*, origin: str, actor) -> Block:
    """Lift a block or dismiss a proposed one (node administrators); the items come back through the next syncs."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = origin_normalised(origin)
    block = Block.objects.select_for_update().filter(origin=origin).first()
    if block is None:
        raise GovernanceError(f"{origin} is not blocked here (see `manage.py peer blocks`).")
    block.delete()
    if block.status == Block.Status.ACTIVE:
        peers_rewind()
    return block


@transaction.atomic
def origin_allow(*, origin: str, actor, by: str = "") -> AllowedOrigin:
    """Put an origin on the allow list (node administrators); in allow-list mode its items come back."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = _raise_if_own(origin_normalised(origin))
    allowed, created = AllowedOrigin.objects.get_or_create(origin=origin, defaults={"created_by": actor_name(actor, by)})
    if not created:
        raise GovernanceError(f"{origin} is on the allow list already.")
    if settings.HUB_FEDERATION_MODE == "allowlist":
        peers_rewind()
    return allowed


@transaction.atomic
def origin_disallow(*, origin: str, actor) -> dict[str, int]:
    """Take an origin off the allow list (node administrators); in allow-list mode remove what it brought."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    origin = _raise_if_own(origin_normalised(origin))
    deleted, _detail = AllowedOrigin.objects.filter(origin=origin).delete()
    if not deleted:
        raise GovernanceError(f"{origin} is not on the allow list.")
    if settings.HUB_FEDERATION_MODE != "allowlist":
        return {}
    changelog_lock()
    return origin_remove_held(origin)


@transaction.atomic
def refused_remove(*, actor) -> dict[str, dict[str, int]]:
    """Remove what this node holds from every origin it refuses now (after switching to allow-list mode)."""
    raise_unless_node_admin(actor=actor, action=MANAGING_BLOCKS)
    changelog_lock()
    policy = origin_policy()
    removed = {}
    for iri in Node.objects.filter(is_local=False).values_list("iri", flat=True):
        if policy.refusal(iri) and (counts := origin_remove_held(origin_of_iri(iri))):
            removed[origin_of_iri(iri)] = counts
    return removed


# Every model a mirrored item is stored in, labs last (items point at them). Removed with the ORM's
# delete, which also removes what hangs on a row (a card's steps).
MIRRORED_MODELS = (MethodCard, Event, Idea, ExperienceReport, Lab)


def origin_remove_held(origin: str) -> dict[str, int]:
    """Remove every item, lab, tombstone and descriptor this node holds from ``origin``, with their
    change-log entries (so it no longer serves or relays them); return the counts by type.

    Runs inside the caller's transaction, holding the change log's lock. The origin's node row and
    its pinned key stay: a peer row points at it, and the key is still the origin's key.
    """
    SkippedDocument.objects.filter(origin__iexact=origin).delete()  # kept unapplied: never to be applied now
    nodes = list(Node.objects.filter(iri__iexact=origin, is_local=False).values_list("pk", flat=True))
    if not nodes:
        return {}
    entries = ChangeLogEntry.objects.filter(origin_id__in=nodes)
    counts = dict(entries.order_by().values_list("item_type").annotate(n=Count("pk")).values_list("item_type", "n"))
    counted = report_method_iris(ExperienceReport.objects.filter(origin_id__in=nodes))
    for model in MIRRORED_MODELS:
        model.objects.filter(origin_id__in=nodes).delete()
    entries.delete()
    changelog_move_on()  # nothing kept under the old head shows the removed items again
    method_experience_recount(method_iris=counted)
    return counts


def items_remove_held(iris: list[str]) -> dict[str, int]:
    """Remove these mirrored items, labs and tombstones with their change-log entries; return the counts by type.

    Runs inside the caller's transaction, holding the change log's lock.
    """
    entries = ChangeLogEntry.objects.filter(iri__in=iris, origin__is_local=False)
    counts = dict(entries.order_by().values_list("item_type").annotate(n=Count("pk")).values_list("item_type", "n"))
    counted = report_method_iris(ExperienceReport.objects.filter(iri__in=iris, origin__is_local=False))
    for model in MIRRORED_MODELS:
        model.objects.filter(iri__in=iris, origin__is_local=False).delete()
    entries.delete()
    changelog_move_on()  # nothing kept under the old head shows the removed items again
    method_experience_recount(method_iris=counted)
    return counts


def peers_rewind() -> None:
    """Have every peer's feed read again from the start at its next sync, which is due now."""
    now = timezone.now()
    for peer_id in Peer.objects.values_list("pk", flat=True):
        CursorRewind.objects.update_or_create(peer_id=peer_id, defaults={"requested_at": now})
    Peer.objects.update(next_attempt_at=now)


def peer_cursor_rewind(*, peer_id: int) -> bool:
    """Move the peer's cursor back to the start if an unblock asked for it; call holding its sync lease.

    Done at the start of a sync rather than at the unblock, so that a sync running during the
    unblock cannot write its later cursor over the rewound one.
    """
    with transaction.atomic():
        deleted, _detail = CursorRewind.objects.filter(peer_id=peer_id).delete()
        if deleted:
            Peer.objects.filter(pk=peer_id).update(cursor="0")
    return bool(deleted)


def _raise_if_own(origin: str) -> str:
    if origin == own_origin():
        raise GovernanceError("This is this node's own address: it is always allowed and cannot be blocked.")
    return origin


def actor_name(actor, by: str = "") -> str:
    """Who acted: the staff account, or what the command line says."""
    if actor is not None and actor is not SYSTEM:
        return actor.get_username()[:200]
    return (by or "manage.py")[:200]


# --- selectors ---------------------------------------------------------------------------------


def blocks_listed(*, status: str | None = None) -> list[Block]:
    """The blocks (active first, newest first), or only those of one status."""
    blocks = Block.objects.select_related("proposed_by")
    return list(blocks.filter(status=status) if status else blocks)


def allowed_listed() -> list[AllowedOrigin]:
    """The allow list."""
    return list(AllowedOrigin.objects.all())


def origin_held(origin: str) -> int:
    """How many documents (items, labs, tombstones, descriptor) this node holds from ``origin``."""
    return ChangeLogEntry.objects.filter(origin__iri__iexact=origin, origin__is_local=False).count()


def origin_peer(origin: str) -> Peer | None:
    """The peer at ``origin``, if it is one."""
    return Peer.objects.select_related("node").filter(node__iri__iexact=origin).first()
