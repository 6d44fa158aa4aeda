"""The impact view as people and spreadsheets read it: charts with tables, and a year's rows for CSV and JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from events.closing.impact import QUARTERS, ImpactCell, ImpactYear
from hub.choices import StaircaseStep, TargetGroup
from hub.models import Lab
from web.charts import BarChart, ColumnGrid, bar_chart, column_grid

GROUPS = tuple(TargetGroup.values)
STEPS = tuple(StaircaseStep.values)
CSV_HEADER = (
    "year", "quarter", "lab", "lab_iri", "city", "node", "events", "closing_reports", "attendees", "contributions",
    "feedback_answers", *(f"reached_{group}" for group in GROUPS), *(f"step_{step}" for step in STEPS),
)


def lab_label(lab: Lab | str) -> str:
    """A lab as the charts and tables name it: “Name (City)”, or its IRI when this node does not hold it."""
    return f"{lab.name} ({lab.city})" if isinstance(lab, Lab) else lab


def lab_iri(lab: Lab | str) -> str:
    """A lab's IRI, held here or not."""
    return lab.iri if isinstance(lab, Lab) else lab


def quarter_names() -> list[str]:
    """The quarters as the charts and tables name them: Q1 … Q4."""
    return [_("Q%(number)d") % {"number": quarter} for quarter in QUARTERS]


def events_chart(impact: ImpactYear) -> ColumnGrid:
    """Small column charts of each lab's events per quarter."""
    return _per_lab(impact, "events", id="chart-impact-events", title=_("Events per lab and quarter"), description=_(
        "Small column charts, one row per lab, one column per quarter; the numbers are in the table below."))


def attendees_chart(impact: ImpactYear) -> ColumnGrid:
    """Small column charts of each lab's attendees per quarter (from the closing reports)."""
    return _per_lab(impact, "attendees", id="chart-impact-attendees", title=_("Attendees per lab and quarter"),
                    description=_("Small column charts, one row per lab, one column per quarter, counting the attendees "
                                  "the closing reports give; the numbers are in the table below."))


def _per_lab(impact: ImpactYear, figure: str, *, id: str, title: str, description: str) -> ColumnGrid:
    """Small column charts of one figure of each lab's quarters."""
    return column_grid(
        id=id, title=title, description=description, columns=quarter_names(),
        series=[(lab_label(lab), [getattr(cell, figure) for cell in impact.lab_quarters(lab_iri(lab))]) for lab in impact.labs],
    )


def steps_chart(total: ImpactCell) -> BarChart:
    """A bar per staircase step: how many closing reports reached it as their highest."""
    return bar_chart(
        id="chart-impact-steps", title=_("Closing reports per highest step on the impact staircase"),
        description=_("Bar chart of the number of closing reports whose highest step is each step of the staircase; "
                      "the numbers are in the table beside it."),
        data=[(f"{step.value}. {step.label}", total.steps[step.value]) for step in StaircaseStep],
    )


def vulnerable_chart(impact: ImpactYear) -> BarChart:
    """A bar per vulnerable group: the share of events with a closing report that reached it in the year (percent)."""
    labels = dict(TargetGroup.choices)
    return bar_chart(
        id="chart-impact-vulnerable", title=_("Share of events that reached each vulnerable group (%)"),
        description=_("Bar chart of the percentage of events with a closing report that reached each vulnerable "
                      "group in the year; the numbers, also per quarter, are in the table below."),
        data=[(str(labels[group]), year or 0) for group, _quarters, year in impact.vulnerable_shares()],
    )


def csv_rows(impact: ImpactYear) -> list[list[Any]]:
    """Each lab's quarters, then all labs per quarter and for the year (quarter empty), as CSV rows."""
    rows = []
    for lab in impact.labs:
        for cell in impact.lab_quarters(lab_iri(lab)):
            rows.append(_csv_row(impact.year, cell, lab))
    for cell in [*impact.quarter_totals(), impact.total()]:
        rows.append(_csv_row(impact.year, cell, None))
    return rows


def _csv_row(year: int, cell: ImpactCell, lab: Lab | str | None) -> list[Any]:
    held = lab if isinstance(lab, Lab) else None
    name = lab_label(lab) if held is None and lab else (held.name if held else _("All labs"))
    return [
        year, cell.quarter or "", name, lab_iri(lab) if lab else "", held.city if held else "",
        held.origin.name if held else "", cell.events, cell.reports, cell.attendees, cell.contributions, cell.feedback,
        *(cell.groups[group] for group in GROUPS), *(cell.steps[step] for step in STEPS),
    ]


def json_document(impact: ImpactYear, *, node_iri: str) -> dict[str, Any]:
    """The year's figures as one JSON object: labs with their quarters, the totals, and the vulnerable groups' shares."""
    return {
        "year": impact.year,
        "node": node_iri,
        "counted": "events that started in the year and took place; only published closing reports",
        "labs": [
            {"lab": lab_iri(lab), "name": lab.name if isinstance(lab, Lab) else "",
             "city": lab.city if isinstance(lab, Lab) else "",
             "quarters": [_json_cell(cell) for cell in impact.lab_quarters(lab_iri(lab))]}
            for lab in impact.labs
        ],
        "quarters": [_json_cell(cell) for cell in impact.quarter_totals()],
        "total": _json_cell(impact.total()),
        "vulnerable_groups": [
            {"group": group, "quarters": dict(zip((f"Q{q}" for q in QUARTERS), shares, strict=True)), "year": year}
            for group, shares, year in impact.vulnerable_shares()
        ],
    }


def _json_cell(cell: ImpactCell) -> dict[str, Any]:
    return {
        **({"quarter": cell.quarter} if cell.quarter else {}),
        "events": cell.events, "closing_reports": cell.reports, "attendees": cell.attendees,
        "contributions": cell.contributions, "feedback_answers": cell.feedback,
        "target_groups_reached": {group: cell.groups[group] for group in GROUPS},
        "staircase": {str(step): cell.steps[step] for step in STEPS},
    }
