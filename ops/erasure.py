"""Erasing personal data whose time is up, for the daily task and ``manage.py erase_expired``.

Each domain that keeps personal data erases its own; this is where their erasures are called.
"""

from __future__ import annotations

from datetime import datetime

from events.registrations.retention import registrations_erase_expired


def erase_expired(*, now: datetime) -> list[str]:
    """Erase what is kept no longer, everywhere; return what was erased, one line each."""
    return registrations_erase_expired(now=now).lines()
