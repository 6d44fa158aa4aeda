"""The node's own housekeeping tasks."""

import logging

from celery import shared_task
from django.utils import timezone
from oauth2_provider.models import clear_expired

from ops.erasure import erase_expired as erase

log = logging.getLogger(__name__)


@shared_task
def tokens_clear_expired() -> None:
    """Delete OAuth tokens and grants that have expired, so the tables stay small."""
    clear_expired()


@shared_task
def erase_expired() -> None:
    """Erase personal data whose time is up (daily), as ``manage.py erase_expired`` does by hand."""
    for line in erase(now=timezone.now()):
        log.info("%s", line)
