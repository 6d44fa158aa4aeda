"""The ExperienceReport document (``sl:ExperienceReport``, a schema:Review of a method).

schema.org's terms where they fit: the method is the ``itemReviewed``, the lab the ``author``, the fit
a ``reviewRating`` (a ``Rating`` from ``worstRating`` 1 to ``bestRating`` 5), what worked the
``positiveNotes`` and what to watch out for the ``negativeNotes``. The rest are network terms:
``usedAtEvent``, ``dateUsed``, ``participantCount``, ``targetGroup`` (the controlled list),
``timeNeeded`` (minutes), ``adaptation`` and ``staircaseStep`` (1–7). Nothing about a person travels.
"""

from __future__ import annotations

from typing import Any

from experience.models import (
    FIT_HIGHEST,
    FIT_LOWEST,
    MINUTES_IN_A_WEEK,
    MOST_PARTICIPANTS,
    TEXT_MAX,
    ExperienceReport,
)
from federation.codecs.common import Decoded, item_header, read_header, read_lab, uuid_of
from federation.codecs.shape import DocumentError, Reader, allowed_values, compact
from hub.choices import License, StaircaseStep, TargetGroup

TARGET_GROUPS = allowed_values(TargetGroup.values)
LICENSES = allowed_values(License.values)
RATING_TYPES = allowed_values(["Rating"])


def report_to_document(report: ExperienceReport) -> dict[str, Any]:
    """An experience report as its compact JSON-LD document (without proof)."""
    return item_header(report, "ExperienceReport") | compact(
        {
            "itemReviewed": report.method_iri,
            "usedAtEvent": report.event_iri,
            "author": report.lab_id,
            "dateUsed": report.date.isoformat(),
            "participantCount": report.participants,
            "targetGroup": report.target_groups,
            "timeNeeded": report.time_needed,
            "adaptation": report.adapted,
            "positiveNotes": report.worked,
            "negativeNotes": report.watch_out,
            "reviewRating": {"type": "Rating", "ratingValue": report.fit, "bestRating": FIT_HIGHEST,
                             "worstRating": FIT_LOWEST},
            "staircaseStep": report.staircase_step,
            "license": report.license,
        }
    )


def report_from_document(reader: Reader) -> Decoded:
    """An experience report's model fields from its document."""
    decoded = read_header(reader, "ExperienceReport")
    decoded.fields |= {
        "uuid": uuid_of(decoded.iri),
        "method_iri": reader.iri("itemReviewed", required=True),
        "event_iri": reader.iri("usedAtEvent"),
        "lab_id": read_lab(reader, "author", decoded.origin_iri),
        "date": reader.date("dateUsed", required=True),
        "participants": reader.integer("participantCount", required=True, maximum=MOST_PARTICIPANTS),
        "target_groups": reader.choices("targetGroup", TARGET_GROUPS),
        "time_needed": reader.integer("timeNeeded", minimum=1, maximum=MINUTES_IN_A_WEEK),
        "adapted": reader.text("adaptation", max_length=TEXT_MAX),
        "worked": reader.text("positiveNotes", max_length=TEXT_MAX),
        "watch_out": reader.text("negativeNotes", max_length=TEXT_MAX),
        "fit": _read_rating(reader.object("reviewRating"), f"{reader.where}.reviewRating"),
        "staircase_step": reader.integer("staircaseStep", required=True, minimum=StaircaseStep.TOOK_PLACE,
                                         maximum=StaircaseStep.SOCIETY),
        "license": reader.choice("license", LICENSES, required=True),
    }
    if decoded.fields["method_iri"] == decoded.iri:
        raise DocumentError(f"{reader.where}.itemReviewed must name a method, not the report itself")
    reader.finish()
    return decoded


def _read_rating(rating: Reader | None, where: str) -> int:
    """The fit: a Rating from 1 (worst) to 5 (best); the scale is fixed, so a report's fits compare."""
    if rating is None:
        raise DocumentError(f"{where} is required: a Rating with ratingValue 1 to 5")
    rating.choice("type", RATING_TYPES, required=True)
    value = rating.integer("ratingValue", required=True, minimum=FIT_LOWEST, maximum=FIT_HIGHEST)
    for key, fixed in (("bestRating", FIT_HIGHEST), ("worstRating", FIT_LOWEST)):
        if rating.integer(key, required=True, minimum=0, maximum=100) != fixed:
            raise DocumentError(f"{where}.{key} must be {fixed}: fits are rated from {FIT_LOWEST} to {FIT_HIGHEST}")
    rating.finish()
    return value
