"""The staff's own pages: their start page (by role), peering and the sync reports (node administrators)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from events.models import Event
from federation.blocks import origin_policy
from federation.models import Invitation, Peer, SyncRun
from federation.peering import MANAGING_PEERS, PeeringError, peer_invite, peer_join
from hub.roles import grants_of, labs_editable, roles_described
from ideas.selectors import ideas_waiting
from methods.models import MethodCard
from web import network
from web.access import node_admin_required, page, staff_required
from web.forms import InvitationForm, JoinForm

SYNC_RUNS = 50
READING_SYNC_REPORTS = gettext_lazy("read the sync reports")


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The start page by role: the methods and events of the labs the person edits, drafts included, and their roles."""
    labs = labs_editable(request.user)
    return page(request, "web/staff/home.html", {
        "methods": MethodCard.objects.filter(lab__in=labs).select_related("lab").order_by("title", "pk"),
        "events": Event.objects.filter(lab__in=labs).select_related("lab").order_by("-start", "pk"),
        "labs": labs, "grants": grants_of(request.user), "roles": roles_described(request.user),
        "ideas_waiting": ideas_waiting(labs=labs),
    })


@node_admin_required(MANAGING_PEERS)
@require_http_methods(["GET", "POST"])
def staff_peers(request: HttpRequest) -> HttpResponse:
    """Peers of this node; create an invitation, or join another node with one."""
    invitation_text = None
    invite_form, join_form = InvitationForm(), JoinForm()
    if request.method == "POST" and "invite" in request.POST:
        invite_form = InvitationForm(request.POST)
        if invite_form.is_valid():
            invitation_text = peer_invite(
                expires_in=timedelta(days=invite_form.cleaned_data["days"]), actor=request.user
            )
    elif request.method == "POST":
        join_form = JoinForm(request.POST)
        if join_form.is_valid():
            try:
                peer = peer_join(invitation=join_form.cleaned_data["invitation"], actor=request.user)
            except PeeringError as error:
                join_form.add_error("invitation", str(error))
            else:
                messages.success(request, _("Peered with %(node)s.") % {"node": peer.node})
                return redirect("staff-peers")
    return page(request, "web/staff/peers.html", {
        "peers": _with_refusals(network.peers_with_last_run()),
        "invitations": Invitation.objects.select_related("used_by")[:20],
        "invite_form": invite_form, "join_form": join_form, "invitation_text": invitation_text,
    })


def _with_refusals(peers) -> list[Peer]:
    """The peers, each with ``refusal``: why it is paused (blocked, not allowed), or None."""
    policy = origin_policy()
    peers = list(peers)
    for peer in peers:
        peer.refusal = policy.refusal(peer.node.iri)
    return peers


@node_admin_required(READING_SYNC_REPORTS)
def staff_sync_runs(request: HttpRequest) -> HttpResponse:
    """The latest sync runs of every peer."""
    runs = SyncRun.objects.select_related("peer__node").defer("rejections")[:SYNC_RUNS]
    return page(request, "web/staff/sync_runs.html", {"runs": runs, "peers": Peer.objects.select_related("node")})


@node_admin_required(READING_SYNC_REPORTS)
def staff_sync_run(request: HttpRequest, pk: int) -> HttpResponse:
    """One sync run: what it brought, and every rejected document with the reason."""
    run = get_object_or_404(SyncRun.objects.select_related("peer__node"), pk=pk)
    return page(request, "web/staff/sync_run.html", {"run": run})
