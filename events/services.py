"""Writing events: create, update, cancel and delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events.models import Event
from hub.choices import EventStatus
from hub.selectors import local_node
from hub.services.items import (
    item_record_change,
    item_record_deletion,
    item_touch,
    item_validate,
    local_lab_error,
    raise_if_not_local,
    raise_if_unknown_fields,
    raise_if_unpublishing,
    raise_unless_may_write,
)

EVENT_FIELDS = (
    "title", "description", "start", "end", "timezone", "attendance_mode", "place_name",
    "place_address", "latitude", "longitude", "online_url", "lab", "target_groups", "languages",
    "is_free", "accessibility_features", "accessibility_notes", "capacity", "registration",
    "registration_url", "status", "keywords", "method_iris", "visibility",
)
NO_LAB = _("Choose the lab that organises this event.")


@transaction.atomic
def event_create(*, actor: Any, **fields: Any) -> Event:
    """Create an event organised by one of this node's labs, if ``actor`` may write that lab's items."""
    raise_if_unknown_fields(Event, fields, EVENT_FIELDS)
    event = Event(origin=local_node(), **fields)
    raise_unless_may_write(event, actor=actor)
    event.iri = f"{settings.HUB_BASE_URL}/events/{event.uuid}"
    item_validate(event, extra_errors=local_lab_error(event, missing=NO_LAB))
    event.save()
    item_record_change(event)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: Any, **fields: Any) -> Event:
    """Change an event of this node."""
    raise_if_not_local(event)
    raise_if_unknown_fields(Event, fields, EVENT_FIELDS)
    event = Event.objects.select_for_update().get(pk=event.pk)
    previous_visibility, lab_before = event.visibility, event.lab_id
    for name, value in fields.items():
        setattr(event, name, value)
    raise_unless_may_write(event, actor=actor, lab_before=lab_before)
    raise_if_unpublishing(event, previous_visibility)
    item_validate(event, extra_errors=local_lab_error(event, missing=NO_LAB))
    item_touch(event)
    event.save()
    item_record_change(event)
    return event


def event_cancel(*, event: Event, actor: Any) -> Event:
    """Mark an event of this node as cancelled; it stays listed so people learn of it."""
    return event_update(event=event, actor=actor, status=EventStatus.CANCELLED)


@transaction.atomic
def event_delete(*, event: Event, actor: Any) -> None:
    """Delete an event of this node, leaving a tombstone where it had been published."""
    raise_if_not_local(event)
    raise_unless_may_write(event, actor=actor)
    item_record_deletion(event)
    event.delete()
