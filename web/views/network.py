"""The network page: every known node and lab with counts, peers' sync state, statistics as charts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hub.access import can_see_network
from hub.models import Lab
from hub.roles import grants_of
from web import network
from web.access import page
from web.charts import bar_chart, column_grid


def network_overview(request: HttpRequest) -> HttpResponse:
    """Every known node and lab with counts, the peers' sync state (node administrators), and the network's statistics."""
    include_network = can_see_network(request)
    months = network.month_window()
    per_lab = network.events_per_lab_per_month(include_network=include_network, months=months)
    phases = network.methods_per_phase(include_network=include_network)
    groups = network.methods_per_target_group(include_network=include_network)
    travellers = network.travelling_methods(include_network=include_network)
    month_names = [_month_label(month) for month in months]
    return page(request, "web/network/network.html", {
        "nodes": network.nodes_with_counts(include_network=include_network),
        "labs": network.labs_with_counts(include_network=include_network),
        "peers": network.peers_with_last_run() if grants_of(request.user).node_admin else None,
        "sees_impact": grants_of(request.user).coordinates,
        "months": months, "month_names": month_names, "per_lab": per_lab,
        "per_lab_chart": column_grid(
            id="chart-events", title=_("Events per lab and month"),
            description=_("Small column charts, one row per lab, one column per month; the numbers are in the table below the chart."),
            columns=[_month_label(month, short=True) for month in months],
            series=[(_lab_label(lab), values) for lab, values in per_lab],
        ),
        "phases": phases,
        "phase_chart": bar_chart(
            id="chart-phases", title=_("Methods per phase"),
            description=_("Bar chart of the number of methods in each phase; the numbers are in the table beside it."),
            data=phases,
        ),
        "groups": groups,
        "group_chart": bar_chart(
            id="chart-groups", title=_("Methods per target group"),
            description=_("Bar chart of the number of methods for each target group; the numbers are in the table beside it."),
            data=groups,
        ),
        "travellers": travellers,
        "traveller_chart": bar_chart(
            id="chart-travellers", title=_("Methods that travel furthest"),
            description=_("Bar chart of the number of other labs that adapted each method; the numbers are in the table beside it."),
            data=[(traveller.method.title, traveller.labs) for traveller in travellers],
        ),
    })


def _month_label(month, *, short: bool = False) -> str:
    return date_format(month, "M y" if short else "F Y")


def _lab_label(lab: Lab | str) -> str:
    return f"{lab.name} ({lab.city})" if isinstance(lab, Lab) else lab
