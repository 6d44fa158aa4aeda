"""Erasing personal data whose time is up, for the daily task and ``manage.py erase_expired``.

Each domain that keeps personal data erases its own; this is where their erasures are called.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from events.closing.retention import feedback_texts_erase_expired
from events.registrations.retention import registrations_erase_expired
from ideas.services import erase_expired_authors


def erase_expired(*, now: datetime) -> list[str]:
    """Erase what is kept no longer, everywhere; return what was erased, one line each."""
    lines = registrations_erase_expired(now=now).lines()
    if authors := erase_expired_authors(now=now):
        lines.append(f"Erased the name and e-mail address of {authors} idea authors "
                     f"(kept {settings.HUB_IDEA_RETENTION_DAYS} days).")
    if texts := feedback_texts_erase_expired(now=now):
        lines.append(f"Erased {texts} lines of feedback of events that ended more than "
                     f"{settings.HUB_REGISTRATION_RETENTION_DAYS} days ago; their answers and the published quotes stay.")
    return lines
