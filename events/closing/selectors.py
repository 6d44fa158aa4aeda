"""Reading closing reports and feedback: published reports for every reader, drafts and texts for the lab's staff."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from events.models import ClosingReport, Event, FeedbackAnswer, FeedbackLink
from hub.roles import grants_of, raise_unless_may_edit


def closing_report_of(event: Event) -> ClosingReport | None:
    """The event's closing report, published or not (None when there is none)."""
    return ClosingReport.objects.filter(event=event).first()


def closing_report_for_reader(*, event: Event, actor: Any) -> ClosingReport | None:
    """The event's report if it is published, or if ``actor`` writes the items of this node's event's lab."""
    report = closing_report_of(event)
    if report is None or report.published or (event.is_local and grants_of(actor).may_edit(event.lab_id)):
        return report
    return None


def closing_prefill(event: Event) -> dict[str, Any]:
    """What a new closing report starts with: the people checked in (registration on this node), the methods planned."""
    initial: dict[str, Any] = {"method_iris": list(event.method_iris)}
    if event.is_local and event.registers_here and event.checked_in_count:
        initial["attendees"] = event.checked_in_count
    return initial


def feedback_answers_for_staff(*, event: Event, actor: Any) -> QuerySet[FeedbackAnswer]:
    """The event's feedback answers with their texts, in the order they came, for its lab's editors only."""
    raise_unless_may_edit(actor=actor, lab=event.lab_id)
    return FeedbackAnswer.objects.filter(event=event).order_by("pk")


def feedback_event_by_code(code: str) -> Event | None:
    """This node's event whose short feedback link has this code (None for any other text)."""
    if not isinstance(code, str) or not code.isalnum() or len(code) > 20:
        return None
    link = FeedbackLink.objects.select_related("event", "event__lab").filter(code=code.upper()).first()
    return link.event if link is not None and link.event.is_local else None
