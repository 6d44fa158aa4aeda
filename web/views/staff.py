"""The staff's own pages: their start page, peering, and the sync reports."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.models import Event
from federation.blocks import origin_policy
from federation.models import Invitation, Peer, SyncRun
from federation.peering import PeeringError, peer_invite, peer_join
from hub.selectors import labs_local
from methods.models import MethodCard
from web import network
from web.access import page, staff_required
from web.forms import InvitationForm, JoinForm

SYNC_RUNS = 50


@staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The staff's start page: this node's methods and events, drafts included."""
    return page(request, "web/staff/home.html", {
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


@staff_required
def staff_sync_runs(request: HttpRequest) -> HttpResponse:
    """The latest sync runs of every peer."""
    runs = SyncRun.objects.select_related("peer__node").defer("rejections")[:SYNC_RUNS]
    return page(request, "web/staff/sync_runs.html", {"runs": runs, "peers": Peer.objects.select_related("node")})


@staff_required
def staff_sync_run(request: HttpRequest, pk: int) -> HttpResponse:
    """One sync run: what it brought, and every rejected document with the reason."""
    run = get_object_or_404(SyncRun.objects.select_related("peer__node"), pk=pk)
    return page(request, "web/staff/sync_run.html", {"run": run})
