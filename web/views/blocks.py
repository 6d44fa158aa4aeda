"""The node administrators' page of blocks (protocol §8): block a node with a reason, lift blocks,
confirm the blocks a subscribed block list proposes, and keep the allow list."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from federation.blocks import (
    MANAGING_BLOCKS,
    GovernanceError,
    allowed_listed,
    block_confirm,
    blocks_listed,
    origin_allow,
    origin_block,
    origin_disallow,
    origin_held,
    origin_peer,
    origin_unblock,
)
from federation.models import Block, BlockListSubscription
from web.access import node_admin_required, page
from web.forms import BlockForm, OriginForm

ORIGIN_ACTIONS = {
    "unblock": origin_unblock,
    "confirm": block_confirm,
    "allow": origin_allow,
    "disallow": origin_disallow,
}


def _done(action: str, origin: str) -> str:
    """What the staff are told after an action on one node."""
    texts = {
        "unblock": _("The block of %(origin)s is lifted; its items come back with the next syncs."),
        "confirm": _("%(origin)s is blocked now, as the block list proposed."),
        "allow": _("%(origin)s is on the allow list now."),
        "disallow": _("%(origin)s is no longer on the allow list."),
    }
    return texts[action] % {"origin": origin}


@node_admin_required(MANAGING_BLOCKS)
@require_http_methods(["GET", "POST"])
def staff_blocks(request: HttpRequest) -> HttpResponse:
    """Blocks, proposed blocks and the allow list; a block is made only after a confirmation."""
    form = BlockForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ORIGIN_ACTIONS:
            return _origin_action(request, action)
        form = BlockForm(request.POST)
        if form.is_valid():
            return _block(request, form)
    return _blocks_page(request, form)


def _blocks_page(request: HttpRequest, form: BlockForm) -> HttpResponse:
    return page(request, "web/staff/blocks.html", {
        "form": form,
        "blocks": blocks_listed(status=Block.Status.ACTIVE),
        "proposed": blocks_listed(status=Block.Status.PROPOSED),
        "allowlist_mode": settings.HUB_FEDERATION_MODE == "allowlist",
        "allowed": allowed_listed(),
        "subscriptions": BlockListSubscription.objects.select_related("peer__node"),
    }, status=400 if form.errors else 200)


def _block(request: HttpRequest, form: BlockForm) -> HttpResponse:
    """Ask first what the block will do; block once the staff confirmed it."""
    origin, reason = form.cleaned_data["origin"], form.cleaned_data["reason"]
    if request.POST.get("confirmed") != "1":
        return page(request, "web/staff/block_confirm.html", {
            "origin": origin, "reason": reason, "held": origin_held(origin), "peer": origin_peer(origin),
        })
    try:
        block = origin_block(origin=origin, reason=reason, actor=request.user)
    except GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(origin)s is blocked; %(count)s documents from it were removed.")
                         % {"origin": block.origin, "count": block.removed_total})
    return redirect("staff-blocks")


def _origin_action(request: HttpRequest, action: str) -> HttpResponse:
    form = OriginForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["origin"]))
        return redirect("staff-blocks")
    origin = form.cleaned_data["origin"]
    try:
        ORIGIN_ACTIONS[action](origin=origin, actor=request.user)
    except GovernanceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _done(action, origin))
    return redirect("staff-blocks")
