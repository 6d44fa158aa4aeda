"""Writing events: create, update, cancel and delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events.models import ClosingReport, Event
from events.registrations import seats
from events.registrations.mails import MailKind
from events.registrations.outbox import mail_soon, registrants_tell_soon
from hub.choices import (
    ACTIVE_REGISTRATION,
    PUBLISHED,
    EventStatus,
    Registration,
    RegistrationStatus,
)
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
    "registration_url", "status", "keywords", "method_iris", "visibility", "held_back_seats", "waiting_list",
    "registration_opens", "registration_closes", "max_companions", "question",
)
NO_LAB = _("Choose the lab that organises this event.")
# A change of these tells everyone with a seat or on the waiting list that the event moved.
WHEN_AND_WHERE = ("start", "end", "timezone", "place_name", "place_address", "online_url")


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
    before = {name: getattr(event, name) for name in (*WHEN_AND_WHERE, "status", "registration")}
    previous_visibility, lab_before = event.visibility, event.lab_id
    for name, value in fields.items():
        setattr(event, name, value)
    raise_unless_may_write(event, actor=actor, lab_before=lab_before)
    raise_if_unpublishing(event, previous_visibility)
    item_validate(event, extra_errors=local_lab_error(event, missing=NO_LAB) | registration_errors(event, before))
    item_touch(event)
    event.save()
    if event.registers_here and event.waiting_count:  # more seats, fewer held back: the waiting list moves up
        for promoted in seats.waiting_promote(event):
            mail_soon(promoted, MailKind.PROMOTED)
    item_record_change(event)
    _registrants_tell(event, before)
    return event


def registration_errors(event: Event, before: dict[str, Any]) -> dict[str, Any]:
    """What a change may not do to an event people registered for: take away their seats or their registrations."""
    errors: dict[str, Any] = {}
    if event.seats_confirmed and (event.capacity or 0) < event.seats_confirmed:
        errors["capacity"] = _("%(count)d seats are taken; the event needs at least as many.") % {"count": event.seats_confirmed}
    if before["registration"] == Registration.NODE and event.registration != Registration.NODE \
            and event.registrations.filter(status__in=ACTIVE_REGISTRATION).exists():
        errors["registration"] = _("People have registered for this event on this node; cancel the event instead.")
    return errors


def _registrants_tell(event: Event, before: dict[str, Any]) -> None:
    """Queue the mails telling registrants that their event was cancelled or moved."""
    if not event.registrations.filter(status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)).exists():
        return
    if event.status == EventStatus.CANCELLED and before["status"] != EventStatus.CANCELLED:
        registrants_tell_soon(event, MailKind.EVENT_CANCELLED)
    elif event.status != EventStatus.CANCELLED and any(getattr(event, name) != before[name] for name in WHEN_AND_WHERE):
        registrants_tell_soon(event, MailKind.EVENT_MOVED)


@transaction.atomic
def event_seats_publish(*, event_id: int) -> None:
    """Sign this node's event again, so that its document tells the network how many seats are left and the
    newest feedback figures of its published closing report."""
    event = Event.objects.select_for_update().filter(pk=event_id).first()
    if event is None or not event.is_local or event.visibility not in PUBLISHED:
        return
    if not event.registers_here and not ClosingReport.objects.filter(event=event, published=True).exists():
        return
    item_touch(event)
    Event.objects.filter(pk=event.pk).update(version=event.version, date_modified=event.date_modified)
    item_record_change(event)


def event_cancel(*, event: Event, actor: Any) -> Event:
    """Mark an event of this node as cancelled; it stays listed so people learn of it."""
    return event_update(event=event, actor=actor, status=EventStatus.CANCELLED)


@transaction.atomic
def event_delete(*, event: Event, actor: Any) -> None:
    """Delete an event of this node, leaving a tombstone where it had been published."""
    raise_if_not_local(event)
    raise_unless_may_write(event, actor=actor)
    if event.registrations.exists():
        raise ValidationError({"registration": _(
            "People have registered for this event; cancel it instead. Its registrations are erased %(days)d days after it ends."
        ) % {"days": settings.HUB_REGISTRATION_RETENTION_DAYS}})
    item_record_deletion(event)
    event.delete()
