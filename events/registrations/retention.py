"""Erasing what is kept no longer: unconfirmed registrations after 48 hours, the others some days after their event.

The event keeps its counts (seats taken, waiting, checked in: ``Event.seats_confirmed`` and the
rest), which the registration services kept as they went, so nothing but the people is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from events.models import Registration
from hub.choices import RegistrationStatus


@dataclass
class Erasure:
    """What one run erased: unconfirmed registrations past their 48 hours, and per ended event its registrations."""

    unconfirmed: int = 0
    events: list[tuple[str, int]] = field(default_factory=list)  # (event title, registrations erased)

    def lines(self) -> list[str]:
        """What was erased, one line each (the events by title; no person is named)."""
        lines = [f"Erased {self.unconfirmed} unconfirmed registrations older than 48 hours."]
        lines += [f"Erased {count} registrations of “{title}” (ended more than "
                  f"{settings.HUB_REGISTRATION_RETENTION_DAYS} days ago); its counts stay." for title, count in self.events]
        return lines


@transaction.atomic
def registrations_erase_expired(*, now: datetime) -> Erasure:
    """Erase unconfirmed registrations past their expiry, and every registration of events that ended long enough ago."""
    erasure = Erasure()
    _, erased = Registration.objects.filter(status=RegistrationStatus.PENDING, expires_at__lte=now).delete()
    erasure.unconfirmed = erased.get(Registration._meta.label, 0)  # not their queued mails
    ended = now - timedelta(days=settings.HUB_REGISTRATION_RETENTION_DAYS)
    old = Registration.objects.filter(event__end__lt=ended)
    erasure.events = [(row["event__title"], row["count"]) for row in
                      old.values("event_id", "event__title").annotate(count=Count("pk")).order_by("event__title", "event_id")]
    old.delete()
    return erasure
