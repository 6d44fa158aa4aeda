"""Writing closing reports: the event's lab editors write one after the event; a published one is signed with it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.closing.figures import feedback_figures
from events.models import ClosingReport, Event
from hub.choices import EventStatus
from hub.problems import Conflict
from hub.roles import raise_unless_may_edit
from hub.services.items import (
    item_record_change,
    item_touch,
    raise_if_not_local,
    raise_if_unknown_fields,
)

CLOSING_FIELDS = (
    "attendees", "target_groups_reached", "contributions_count", "contributions", "method_iris", "report",
    "staircase_step", "staircase_evidence", "published",
)
TEXT_FIELDS = ("contributions", "report", "staircase_evidence")
NOT_OVER = _("The closing report is written once the event is over.")
CANCELLED = _("The event was cancelled; it has no closing report.")


@transaction.atomic
def closing_report_write(*, event: Event, actor: Any, **fields: Any) -> ClosingReport:
    """Write the closing report of this node's event (create it, or change the fields given), once the event is over.

    A published report is part of the event's document: the event is signed anew, as it is when a
    report is taken back (then the new document has none).
    """
    raise_if_not_local(event)
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    raise_if_unknown_fields(ClosingReport, fields, CLOSING_FIELDS)
    event = Event.objects.select_for_update().get(pk=event.pk)
    raise_unless_closable(event)
    report = ClosingReport.objects.filter(event=event).first() or ClosingReport(event=event)
    was_published = report.pk is not None and report.published
    for name, value in fields.items():
        setattr(report, name, value.strip() if name in TEXT_FIELDS and isinstance(value, str) else value)
    report.feedback_ratings, report.quotes = feedback_figures(event)
    report.full_clean(exclude=["event"])
    report.date_modified = timezone.now()
    if report.published and report.date_published is None:
        report.date_published = report.date_modified
    report.save()
    if report.published or was_published:
        event_sign_again(event)
    return report


def raise_unless_closable(event: Event) -> None:
    """Refuse a closing report for an event that was cancelled or is not over yet."""
    if event.status == EventStatus.CANCELLED:
        raise Conflict("status", CANCELLED)
    if event.end > timezone.now():
        raise Conflict("end", NOT_OVER)


def event_sign_again(event: Event) -> None:
    """Count a change of the event (its closing report) and sign its document anew, in the caller's transaction."""
    item_touch(event)
    Event.objects.filter(pk=event.pk).update(version=event.version, date_modified=event.date_modified)
    item_record_change(event)

