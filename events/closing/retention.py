"""Erasing what participants wrote: their lines of feedback go with the event's registrations, unless published."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from events.models import FeedbackAnswer


def feedback_texts_erase_expired(*, now: datetime) -> int:
    """Empty the texts of the feedback answers of events that ended ``HUB_REGISTRATION_RETENTION_DAYS`` ago.

    The faces stay (they are counts naming nobody), and so do the texts staff published as quotes:
    they are part of the closing report. Returns how many texts were erased.
    """
    ended = now - timedelta(days=settings.HUB_REGISTRATION_RETENTION_DAYS)
    return FeedbackAnswer.objects.filter(event__end__lt=ended, quoted=False).exclude(text="").update(text="")
