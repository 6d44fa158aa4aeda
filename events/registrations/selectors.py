"""Reading registrations: only the event's own staff see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from events.models import Event, Registration
from hub.roles import raise_unless_may_edit


def registrations_for_staff(*, event: Event, actor: Any) -> QuerySet[Registration]:
    """The registrations of the event in the order they came, if ``actor`` may write its lab's items."""
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    return Registration.objects.filter(event=event).order_by("created_at", "pk")
