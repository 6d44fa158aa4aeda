"""Celery tasks of the fediverse face: thin, taking ids or JSON, re-checking the switch, retrying with backoff."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from federation import http
from fediverse.announcing import item_announce
from fediverse.delivery import deliver as deliver_activity
from hub.models import Lab

log = logging.getLogger(__name__)
MAX_RETRIES = 8  # about 2, 4, 8 … 256 minutes apart: a server that is down for half a day still gets it
BACKOFF_BASE = 120
BACKOFF_MAX = 6 * 3600


@shared_task(ignore_result=True)
def announce(item_type: str, iri: str) -> None:
    """Tell the followers of an item's lab what changed about it."""
    if settings.HUB_FEDIVERSE:
        item_announce(item_type=item_type, iri=iri)


@shared_task(bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def deliver(self, lab_id: int, inbox: str, activity: dict[str, Any]) -> None:
    """Deliver one activity to one inbox; retry with growing pauses while the server is unreachable or failing."""
    lab = Lab.objects.filter(pk=lab_id).first()
    if not settings.HUB_FEDIVERSE or lab is None:
        return
    try:
        deliver_activity(lab=lab, inbox=inbox, activity=activity)
    except http.PeerRequestError as error:
        if not _worth_retrying(error) or self.request.retries >= MAX_RETRIES:
            log.info("delivery of %s to %s given up: %s", activity.get("type"), inbox, error)
            return
        countdown = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** self.request.retries)
        if isinstance(error, http.PeerBadStatus) and error.retry_after:
            countdown = max(countdown, error.retry_after)
        log.info("delivery of %s to %s failed, again in %d s: %s", activity.get("type"), inbox, countdown, error)
        raise self.retry(countdown=countdown) from None


def _worth_retrying(error: http.PeerRequestError) -> bool:
    """Unreachable servers, 5xx and 429 are tried again; a refusal (4xx, a refused address) is final."""
    if isinstance(error, http.PeerBadStatus):
        return error.status >= 500 or error.status in (408, 429)
    return isinstance(error, http.PeerUnreachable)
