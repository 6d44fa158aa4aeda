"""The impact view for coordinators (and node administrators): the network's events by lab and quarter, and downloads.

``?year=2026`` chooses the year (this year without it); the same figures come as CSV for a
spreadsheet and as JSON, for a year's report to a council or a funder (``events.closing.impact``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.closing.impact import FIRST_YEAR, LAST_YEAR, impact_of_year
from hub.choices import VULNERABLE_GROUPS, StaircaseStep, TargetGroup
from hub.csv_files import csv_response
from hub.selectors import local_node
from web import impact as figures
from web.access import coordinator_required, page


class YearError(ValueError):
    """``?year=`` is not a year the network's events can be in."""


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "").strip()
    if not value:
        return timezone.localdate().year
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise YearError(_("Give a year from %(first)d to %(last)d, such as ?year=%(now)d.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR, "now": timezone.localdate().year})
    return int(value)


def with_year(view: Callable[[HttpRequest, int], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A view of the year ``?year=`` names, for coordinators; a 400 page saying which years are meant otherwise."""

    @coordinator_required
    @wraps(view)
    def read_year(request: HttpRequest) -> HttpResponse:
        try:
            year = _year(request)
        except YearError as error:
            return page(request, "web/bad_request.html", {"detail": str(error)}, status=400)
        return view(request, year)

    return read_year


@with_year
def impact_view(request: HttpRequest, year: int) -> HttpResponse:
    """The year's figures by lab and quarter, as charts each with its table, and links to the downloads."""
    impact = impact_of_year(year=year)
    total = impact.total()
    labels = dict(TargetGroup.choices)
    return page(request, "web/network/impact.html", {
        "year": year, "impact": impact, "total": total, "quarters": impact.quarter_totals(),
        "quarter_names": figures.quarter_names(),
        "rows": [(figures.lab_label(lab), impact.lab_quarters(figures.lab_iri(lab))) for lab in impact.labs],
        "group_columns": [(value, labels[value]) for value in TargetGroup.values],
        "events_chart": figures.events_chart(impact), "attendees_chart": figures.attendees_chart(impact),
        "steps_chart": figures.steps_chart(total), "vulnerable_chart": figures.vulnerable_chart(impact),
        "shares": [(labels[group], quarters, year_share) for group, quarters, year_share in impact.vulnerable_shares()],
        "steps": [(step.value, step.label) for step in StaircaseStep],
        "vulnerable": [labels[group] for group in VULNERABLE_GROUPS],
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 4, -1)),
    })


@with_year
def impact_csv(request: HttpRequest, year: int) -> HttpResponse:
    """The year's figures as CSV: a row per lab and quarter, then all labs per quarter and for the year."""
    impact = impact_of_year(year=year)
    return csv_response(filename=f"impact-{year}.csv", columns=figures.CSV_HEADER, rows=figures.csv_rows(impact))


@with_year
def impact_json(request: HttpRequest, year: int) -> HttpResponse:
    """The year's figures as JSON."""
    document = figures.json_document(impact_of_year(year=year), node_iri=local_node().iri)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="impact-{year}.json"'
    return response
