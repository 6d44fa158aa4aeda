"""Telling peers about new changes soon after they commit, at most once every few seconds per process."""

from __future__ import annotations

from celery import current_app
from django.conf import settings
from django.core.cache import cache

from federation.models import Peer

NUDGE_DEBOUNCE_SECONDS = 1


def peers_nudge_soon() -> None:
    """Queue one nudge of the peers for the changes of the next seconds (call it from on_commit)."""
    if settings.HUB_FEDERATION and Peer.objects.exists() and cache.add("federation:nudge", 1, NUDGE_DEBOUNCE_SECONDS):
        current_app.send_task("federation.tasks.peers_nudge", countdown=NUDGE_DEBOUNCE_SECONDS)
