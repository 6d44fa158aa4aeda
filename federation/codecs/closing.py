"""An event's closing report: the object ``closingReport`` inside its Event document, once the lab published it.

It carries what came of the event (attendees, target groups reached, contributions, the methods
actually used, a short report, the highest step on the impact staircase with its evidence) and what
the participants' feedback gave: answers per face and the quotes staff published. Who answered, and
what they wrote but staff did not publish, never travels.
"""

from __future__ import annotations

from typing import Any

from events.models import (
    CONTRIBUTIONS_MAX,
    EVIDENCE_MAX,
    FEEDBACK_TEXT_MAX,
    LARGEST_AUDIENCE,
    MOST_METHODS,
    MOST_QUOTES,
    REPORT_MAX,
    ClosingReport,
    Event,
    FeedbackRating,
)
from federation.codecs.common import instant
from federation.codecs.shape import DocumentError, Reader, allowed_values, compact
from hub.choices import StaircaseStep, TargetGroup

REPORT_TYPES = allowed_values(["ClosingReport"])
TARGET_GROUPS = allowed_values(TargetGroup.values)
FACES = len(FeedbackRating.values)


def closing_report_published(event: Event) -> ClosingReport | None:
    """The event's closing report if it is published (the only one a document carries)."""
    if event.pk is None:
        return None
    try:
        report = event.closing_report
    except ClosingReport.DoesNotExist:
        return None
    return report if report.published else None


def closing_to_document(report: ClosingReport | None) -> dict[str, Any] | None:
    """A published closing report as the ``closingReport`` object of its event's document (None without one)."""
    if report is None:
        return None
    ratings = list(report.feedback_ratings or [])
    return compact({
        "type": "ClosingReport",
        "participantCount": report.attendees,
        "reachedTargetGroup": list(report.target_groups_reached),
        "contributionCount": report.contributions_count,
        "contributions": report.contributions,
        "methodUsed": list(report.method_iris),
        "text": report.report,
        "staircaseStep": report.staircase_step,
        "staircaseEvidence": report.staircase_evidence,
        "feedbackRatings": ratings if any(ratings) else None,
        "feedbackQuote": list(report.quotes),
        "datePublished": instant(report.date_published) if report.date_published else None,
    })


def closing_from_document(reader: Reader) -> dict[str, Any] | None:
    """The closing report's model fields from an event document's ``closingReport`` (None when it has none)."""
    report = reader.object("closingReport")
    if report is None:
        return None
    report.choice("type", REPORT_TYPES, required=True)
    fields = {
        "attendees": report.integer("participantCount", required=True, maximum=LARGEST_AUDIENCE),
        "target_groups_reached": report.choices("reachedTargetGroup", TARGET_GROUPS),
        "contributions_count": report.integer("contributionCount", maximum=LARGEST_AUDIENCE) or 0,
        "contributions": report.text("contributions", max_length=CONTRIBUTIONS_MAX),
        "method_iris": _methods(report),
        "report": report.text("text", max_length=REPORT_MAX),
        "staircase_step": report.integer("staircaseStep", required=True, minimum=StaircaseStep.TOOK_PLACE,
                                         maximum=StaircaseStep.SOCIETY),
        "staircase_evidence": report.text("staircaseEvidence", max_length=EVIDENCE_MAX),
        "feedback_ratings": _ratings(report),
        "quotes": report.texts("feedbackQuote", max_items=MOST_QUOTES, max_length=FEEDBACK_TEXT_MAX),
        "date_published": report.datetime("datePublished", required=True),
        "published": True,
    }
    report.finish()
    return fields


def _methods(report: Reader) -> list[str]:
    methods = report.iris("methodUsed")
    if len(methods) > MOST_METHODS or len(set(methods)) != len(methods):
        raise DocumentError(f"{report.where}.methodUsed must be a list of at most {MOST_METHODS} distinct IRIs")
    return methods


def _ratings(report: Reader) -> list[int]:
    """Five counts of answers, one per face, the saddest first; absent means no answers."""
    values = report.value.get("feedbackRatings")
    report.allow("feedbackRatings")
    if values is None:
        return []
    if not isinstance(values, list) or len(values) != FACES or not all(
        type(value) is int and 0 <= value <= LARGEST_AUDIENCE for value in values
    ):
        raise DocumentError(f"{report.where}.feedbackRatings must be a list of {FACES} whole numbers from 0 to {LARGEST_AUDIENCE}")
    return values
