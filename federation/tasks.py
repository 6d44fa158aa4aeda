"""Celery tasks of the federation: thin, taking ids, re-checking the federation switch."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from federation import http
from federation.blocklists import governance_refresh as governance_refresh_service
from federation.blocks import refused_peer_ids
from federation.models import Peer
from federation.sync import sync_peer
from federation.sync.catch_up import mirror_catch_up
from federation.sync.pull import LEASE, token_for

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sync_peer_task(peer_id: int) -> None:
    """Pull one peer's feed (does nothing while another sync of that peer runs)."""
    if settings.HUB_FEDERATION and Peer.objects.filter(pk=peer_id).exists():
        sync_peer(peer_id=peer_id)


@shared_task(ignore_result=True)
def sync_due_peers() -> None:
    """Queue a pull of every peer whose next attempt is due; each peer is its own task."""
    if not settings.HUB_FEDERATION:
        return
    now = timezone.now()
    idle = Q(sync_started_at__isnull=True) | Q(sync_started_at__lt=now - LEASE)
    due = Peer.objects.filter(idle, next_attempt_at__lte=now).exclude(pk__in=refused_peer_ids())
    for peer_id in due.values_list("pk", flat=True):
        sync_peer_task.delay(peer_id)


@shared_task(ignore_result=True)
def mirror_catch_up_task() -> None:
    """Retry what waits: held documents of origins not pinned yet, keys learnt from relays, refused items."""
    if settings.HUB_FEDERATION:
        outcome = mirror_catch_up()
        if outcome.applied or outcome.rejections or outcome.removals:
            log.info("catch-up: %d applied, %d rejected, %d removed", outcome.applied, len(outcome.rejections),
                     outcome.removed)


@shared_task(ignore_result=True)
def peers_nudge() -> None:
    """Tell every peer that this node has changes, so it pulls within seconds."""
    if not settings.HUB_FEDERATION:
        return
    for peer in Peer.objects.select_related("node").exclude(pk__in=refused_peer_ids()):
        try:
            http.post_json(f"{peer.base_url}/api/federation/nudge", {}, token=token_for(peer),
                           allow_private=settings.HUB_ALLOW_PRIVATE_PEERS)
        except http.PeerRequestError as error:
            log.info("nudging %s failed: %s", peer.base_url, error)


@shared_task(ignore_result=True)
def governance_refresh() -> None:
    """Fetch the subscribed block lists and remove what refused origins left (hourly)."""
    if settings.HUB_FEDERATION:
        governance_refresh_service()
