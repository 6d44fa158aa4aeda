"""The node's own pages: home, labs, the network, and the staff's peering and sync pages."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Event
from events.selectors import events_past, events_upcoming
from federation.models import Invitation, Peer, SyncRun
from federation.peering import PeeringError, peer_invite, peer_join
from hub.access import can_see_network
from hub.items import gone_response, item_response
from hub.models import ChangeLogEntry, Lab
from hub.selectors import lab_for_reader, labs_local, labs_visible, local_node_or_none
from hub.services.items import MirroredItemError
from hub.web import network
from hub.web.access import page, staff_required
from hub.web.charts import bar_chart, column_grid
from hub.web.forms import InvitationForm, JoinForm
from hub.web.links import lab_iri_candidates, lab_path
from methods.models import MethodCard
from methods.selectors import methods_recent, methods_visible

HOME_EVENTS = 6
HOME_METHODS = 6
LAB_EVENTS = 12
SYNC_RUNS = 50


def home(request: HttpRequest) -> HttpResponse:
    """The start page: upcoming events across the network, recently shared methods, the labs."""
    include_network = can_see_network(request)
    labs = list(labs_visible(include_network=include_network))
    return page(request, "hub/home.html", {
        "events": events_upcoming(include_network=include_network)[:HOME_EVENTS],
        "methods": methods_recent(include_network=include_network)[:HOME_METHODS],
        "labs": labs,
        "cities": sorted({lab.city for lab in labs}, key=str.casefold),
    })


def lab_list(request: HttpRequest) -> HttpResponse:
    """Every lab the reader may see, local and mirrored, by city."""
    rows = network.labs_with_counts(include_network=can_see_network(request))
    return page(request, "hub/lab_list.html", {"rows": rows})


def lab_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One of this node's labs as a page or as its signed document."""
    iri = f"{settings.HUB_BASE_URL}/labs/{slug}"
    lab = lab_for_reader(iri=iri, include_network=can_see_network(request), include_drafts=request.user.is_staff)
    if lab is None:
        return gone_response(request, f"/labs/{slug}")
    return item_response(request, lab, template="hub/lab_detail.html", context={"lab_page": LabPage(request, lab)})


def lab_mirrored(request: HttpRequest, host: str, slug: str) -> HttpResponse:
    """A lab mirrored from another node, at /labs/{its host}/{slug}."""
    include_network = can_see_network(request)
    lab = labs_visible(include_network=include_network).filter(iri__in=lab_iri_candidates(host, slug)).first()
    if lab is None:
        if _deleted_lab(host, slug):
            return gone_response(request, f"/labs/{slug}")
        return page(request, "hub/not_found.html", status=404)
    if lab.is_local:
        return redirect(lab_path(lab), permanent=True)
    return page(request, "hub/lab_detail.html", {"item": lab, "lab_page": LabPage(request, lab)})


def _deleted_lab(host: str, slug: str) -> bool:
    return ChangeLogEntry.objects.filter(iri__in=lab_iri_candidates(host, slug), deleted=True).exists()


class LabPage:
    """What a lab's page shows beside the lab, read only when the page is rendered."""

    def __init__(self, request: HttpRequest, lab: Lab) -> None:
        self.include_network = can_see_network(request)
        self.lab = lab

    def upcoming(self):
        return events_upcoming(include_network=self.include_network).filter(lab_id=self.lab.iri)[:LAB_EVENTS]

    def past(self):
        return events_past(include_network=self.include_network).filter(lab_id=self.lab.iri)[:LAB_EVENTS]

    def methods(self):
        return methods_visible(include_network=self.include_network).filter(lab_id=self.lab.iri).order_by("title")


def network_overview(request: HttpRequest) -> HttpResponse:
    """Every known node and lab with counts, the peers' sync state (staff), and the network's statistics."""
    include_network = can_see_network(request)
    months = network.month_window()
    per_lab = network.events_per_lab_per_month(include_network=include_network, months=months)
    phases = network.methods_per_phase(include_network=include_network)
    groups = network.methods_per_target_group(include_network=include_network)
    travellers = network.travelling_methods(include_network=include_network)
    month_names = [_month_label(month) for month in months]
    return page(request, "hub/network.html", {
        "nodes": network.nodes_with_counts(include_network=include_network),
        "labs": network.labs_with_counts(include_network=include_network),
        "peers": network.peers_with_last_run() if request.user.is_staff else None,
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


# --- staff ------------------------------------------------------------------------------------


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff's start page: this node's methods and events, drafts included."""
    return page(request, "hub/staff/home.html", {
        "methods": MethodCard.objects.filter(origin__is_local=True).select_related("lab").order_by("title", "pk"),
        "events": Event.objects.filter(origin__is_local=True).select_related("lab").order_by("-start", "pk"),
        "labs": labs_local(),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def staff_peers(request: HttpRequest) -> HttpResponse:
    """Peers of this node; create an invitation, or join another node with one."""
    invitation_text = None
    invite_form, join_form = InvitationForm(), JoinForm()
    if request.method == "POST" and "invite" in request.POST:
        invite_form = InvitationForm(request.POST)
        if invite_form.is_valid():
            invitation_text = peer_invite(
                expires_in=timedelta(days=invite_form.cleaned_data["days"]), created_by=request.user
            )
    elif request.method == "POST":
        join_form = JoinForm(request.POST)
        if join_form.is_valid():
            try:
                peer = peer_join(invitation=join_form.cleaned_data["invitation"])
            except PeeringError as error:
                join_form.add_error("invitation", str(error))
            else:
                messages.success(request, _("Peered with %(node)s.") % {"node": peer.node})
                return redirect("staff-peers")
    return page(request, "hub/staff/peers.html", {
        "peers": network.peers_with_last_run(),
        "invitations": Invitation.objects.select_related("used_by")[:20],
        "invite_form": invite_form, "join_form": join_form, "invitation_text": invitation_text,
    })


@staff_required
def staff_sync_runs(request: HttpRequest) -> HttpResponse:
    """The latest sync runs of every peer."""
    runs = SyncRun.objects.select_related("peer__node").defer("rejections")[:SYNC_RUNS]
    return page(request, "hub/staff/sync_runs.html", {"runs": runs, "peers": Peer.objects.select_related("node")})


@staff_required
def staff_sync_run(request: HttpRequest, pk: int) -> HttpResponse:
    """One sync run: what it brought, and every rejected document with the reason."""
    run = get_object_or_404(SyncRun.objects.select_related("peer__node"), pk=pk)
    return page(request, "hub/staff/sync_run.html", {"run": run})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page (also before the node has its identity)."""
    return render(request, "hub/not_found.html", {"node": local_node_or_none()}, status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page, saying why when the reason is known (a mirrored item is read-only)."""
    if isinstance(exception, MirroredItemError):
        reason = _("“%(item)s” is mirrored from %(origin)s: only its origin node can change it.") % {
            "item": exception.item, "origin": exception.item.origin.name,
        }
    else:
        reason = ""
    context = {"node": local_node_or_none(), "reason": reason}
    return render(request, "hub/forbidden.html", context, status=403)


class LoginView(auth_views.LoginView):
    """Django's login, on this node's page."""

    template_name = "hub/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(node=local_node_or_none(), **kwargs)

    def get_default_redirect_url(self) -> str:
        """Staff land on their start page, others on the home page."""
        return reverse("staff-home") if self.request.user.is_staff else reverse("home")
