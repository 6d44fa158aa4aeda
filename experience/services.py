"""Writing experience reports, and keeping each method's figures up to date as reports come and go.

Every write takes the person acting and checks, as every item service does, that they may write the
report's lab's items (its lab editors and the node administrators). A report is published when it
is written (public or network only): it records its signed document in the change log, and the
figures of the methods it names are counted again in the same transaction. The mirror, the bundle
import and the blocks call ``method_experience_recount`` the same way when they store or remove
reports of other nodes, so the figures are never counted per request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experience.figures import REPORT_COLUMNS, figures_of
from experience.models import ExperienceReport, MethodExperience
from hub.choices import PUBLISHED, License, Visibility
from hub.models import Lab
from hub.publishing import ItemChange
from hub.selectors import local_node
from hub.services.changelog import changelog_lock, changelog_move_on
from hub.services.items import (
    item_record_change,
    item_record_deletion,
    item_touch,
    item_validate,
    local_lab_error,
    raise_if_not_local,
    raise_if_unknown_fields,
    raise_unless_may_write,
)

log = logging.getLogger(__name__)

# The fields a client writes; the rest (IRI, origin, version, dates, licence) the node sets.
REPORT_FIELDS = (
    "method_iri", "event_iri", "lab", "date", "participants", "target_groups", "time_needed", "adapted", "worked",
    "watch_out", "fit", "staircase_step", "visibility",
)
TEXTS = ("adapted", "worked", "watch_out")
EARLIEST = date(2000, 1, 1)
NO_LAB = _("Choose the lab of this node that used the method.")
PUBLISHED_ONLY = _("An experience report is published when it is written: for everyone or for the network only.")
RECOUNT_CHUNK = 500


@transaction.atomic
def experience_report_create(*, actor: Any, lab: Lab | None, **fields: Any) -> ExperienceReport:
    """Write a report of one of this node's labs about a method of the network, and count it at once."""
    raise_if_unknown_fields(ExperienceReport, {"lab": lab, **fields}, REPORT_FIELDS)
    report = ExperienceReport(origin=local_node(), lab=lab, license=License.BY_SA, visibility=Visibility.PUBLIC)
    report.iri = f"{report.origin.base_url}/reports/{report.uuid}"
    _assign(report, fields)
    raise_unless_may_write(report, actor=actor)
    _save(report)
    method_experience_recount(method_iris=[report.method_iri])
    log.info("experience report %s written about %s", report.uuid, report.method_iri)
    return report


@transaction.atomic
def experience_report_update(*, report: ExperienceReport, actor: Any, **fields: Any) -> ExperienceReport:
    """Change the given fields of a report of this node; the figures of its method (and a method it left) follow."""
    raise_if_not_local(report)
    raise_if_unknown_fields(ExperienceReport, fields, REPORT_FIELDS)
    report = ExperienceReport.objects.select_for_update().get(pk=report.pk)  # no join: PostgreSQL locks no outer join
    lab_before, method_before = report.lab_id, report.method_iri
    _assign(report, fields)
    raise_unless_may_write(report, actor=actor, lab_before=lab_before)
    item_touch(report)
    _save(report)
    method_experience_recount(method_iris={method_before, report.method_iri})
    return report


@transaction.atomic
def experience_report_delete(*, report: ExperienceReport, actor: Any) -> None:
    """Delete a report of this node, leaving a tombstone; its method's figures no longer count it."""
    raise_if_not_local(report)
    raise_unless_may_write(report, actor=actor)
    item_record_deletion(report)
    report.delete()
    method_experience_recount(method_iris=[report.method_iri])
    log.info("experience report %s deleted", report.uuid)


def _assign(report: ExperienceReport, fields: dict[str, Any]) -> None:
    """Put the given values on the report, texts with one kind of line break and without outer spaces."""
    for name, value in fields.items():
        if name in TEXTS or name in ("method_iri", "event_iri"):
            value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if name == "target_groups":
            value = list(value or [])
        setattr(report, name, value)


def _save(report: ExperienceReport) -> None:
    """Validate (all errors at once), save and record the signed document."""
    errors = local_lab_error(report, missing=NO_LAB)
    if report.visibility not in PUBLISHED:
        errors["visibility"] = PUBLISHED_ONLY
    errors |= _date_error(report.date)
    item_validate(report, extra_errors=errors)
    report.save()
    item_record_change(report)


def _date_error(value: Any) -> dict[str, Any]:
    """A report tells what happened: its date lies between 2000 and today (a day's grace for the time zones)."""
    if not isinstance(value, date):
        return {}
    if value < EARLIEST:
        return {"date": _("Give a date from the year 2000 on.")}
    if value > timezone.localdate() + timedelta(days=1):
        return {"date": _("An experience report tells what happened: give the day the method was used, not a later one.")}
    return {}


def method_experience_recount(*, method_iris: Iterable[str]) -> None:
    """Count the figures of these methods again from the reports this node holds; inside the writing transaction.

    Takes the change log's lock (every writer of reports holds it already), so that two writers never
    count the same method from different states.
    """
    iris = sorted({iri for iri in method_iris if iri})
    if not iris:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("method_experience_recount must run inside the transaction that writes the reports.")
    changelog_lock()
    now = timezone.now()
    for start in range(0, len(iris), RECOUNT_CHUNK):
        chunk = iris[start:start + RECOUNT_CHUNK]
        counted = figures_of(ExperienceReport.objects.filter(method_iri__in=chunk).values_list(*REPORT_COLUMNS))
        MethodExperience.objects.filter(method_iri__in=chunk).delete()
        MethodExperience.objects.bulk_create(
            MethodExperience(method_iri=method_iri, audience=audience, counted_at=now, **figures)
            for (method_iri, audience), figures in counted.items()
        )


def lab_change_recount(change: ItemChange) -> None:
    """After a change of one of this node's labs commits, count the figures of its reports' methods again.

    A lab's visibility decides who sees its reports (``experience.figures.audiences_of``); mirrored
    labs are counted when they are stored (``federation.sync.apply``). The head of the change log moves
    on with the new figures, so that no page kept meanwhile shows the old ones.
    """
    if change.item_type != "Lab":
        return
    with transaction.atomic():
        methods = set(ExperienceReport.objects.filter(lab__iri=change.iri).values_list("method_iri", flat=True))
        if methods:
            method_experience_recount(method_iris=methods)
            changelog_move_on()


def method_experience_recount_all() -> int:
    """Count every method's figures again (after a bulk import, or a lab's change of visibility); return how many."""
    with transaction.atomic():
        changelog_lock()
        iris = set(ExperienceReport.objects.order_by().values_list("method_iri", flat=True).distinct())
        MethodExperience.objects.all().delete()
        method_experience_recount(method_iris=iris)
    return len(iris)


__all__ = [
    "REPORT_FIELDS",
    "experience_report_create",
    "experience_report_delete",
    "experience_report_update",
    "method_experience_recount",
    "method_experience_recount_all",
]
