"""The node's own housekeeping tasks."""

from celery import shared_task
from oauth2_provider.models import clear_expired


@shared_task
def tokens_clear_expired() -> None:
    """Delete OAuth tokens and grants that have expired, so the tables stay small."""
    clear_expired()
