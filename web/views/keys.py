"""The node administrators' page of keys (protocol §3): this node's keys and the keys it pinned for other
nodes, with fingerprints to compare out of band; the rotation of this node's key, and its revocation after
a leak (as ``manage.py revoke_key``), each after a confirmation. The revocation's answer is what to tell the
peers' operators: the new key's fingerprint and their ``manage.py peer repin`` line.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from federation.documents import local_keys
from federation.keyring import fingerprint
from federation.models import KeyPin, NodeKey
from federation.pins import PinnedKey, PinRefused, origin_repin, pins_listing
from federation.rotation import ROTATING_KEYS, RotationError, key_revoke, key_rotate
from hub.identity import KeyFileError
from hub.selectors import local_node
from web.access import node_admin_required, page


@dataclass(frozen=True)
class KeyRow:
    """One key as the page shows it."""

    key_id: str
    key: str
    fingerprint: str
    status: str
    since: object


@dataclass(frozen=True)
class PinRow:
    """Another node's pinned key, how it was pinned, and its earlier keys, as the page shows them."""

    pin: PinnedKey
    source: str
    history: list[KeyRow]


class RevokeForm(forms.Form):
    """When the key may have leaked: proofs made from then on are refused (empty: now)."""

    since = forms.DateTimeField(
        label=_("Leaked since (optional)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=_("Signatures made from then on are refused by the peers. Empty: from now on."),
    )


@node_admin_required(ROTATING_KEYS)
@require_http_methods(["GET", "POST"])
def staff_keys(request: HttpRequest) -> HttpResponse:
    """This node's keys and the pinned keys of the others; a rotation or a revocation asks for a confirmation first."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            return _revoke(request)
        if request.POST.get("action") == "repin":
            return _repin(request)
        if request.POST.get("confirmed") != "1":
            return page(request, "web/staff/key_rotate_confirm.html", {"current": _own_keys()[0]})
        return _rotate(request)
    return _keys_page(request)


def _keys_page(request: HttpRequest, *, status: int = 200, repin_error: tuple[str, str] | None = None) -> HttpResponse:
    sources = dict(KeyPin.Source.choices)
    pins = [PinRow(pin=pin, source=sources.get(pin.source, "—"), history=[_row(key) for key in pin.history])
            for pin in pins_listing() if not pin.is_local]
    return page(request, "web/staff/keys.html", {"own": _own_keys(), "pins": pins, "repin_error": repin_error},
                status=status)


def _repin(request: HttpRequest) -> HttpResponse:
    """Pin the key another node offers (after its revocation), once the operator compared its fingerprint."""
    origin, key = request.POST.get("origin", ""), request.POST.get("key", "")
    offered = next((pin for pin in pins_listing() if pin.iri == origin and pin.offered and pin.offered.key == key), None)
    if offered is None:
        return _keys_page(request, status=400, repin_error=(origin, _("This node offers no such key; reload the page.")))
    if request.POST.get("compared") != "on":
        message = _("Confirm that you compared the fingerprint with the node's operators, by phone or in person.")
        return _keys_page(request, status=400, repin_error=(origin, message))
    try:
        origin_repin(origin=origin, key=key, actor=request.user, note=_("offered key, fingerprint compared"))
    except PinRefused as error:
        return _keys_page(request, status=400, repin_error=(origin, str(error)))
    messages.success(request, _("The key %(fingerprint)s is pinned for %(node)s now.")
                     % {"fingerprint": fingerprint(key), "node": origin})
    return redirect("staff-keys")


def _rotate(request: HttpRequest) -> HttpResponse:
    try:
        rotation = key_rotate(actor=request.user)
    except (RotationError, KeyFileError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("This node signs with %(key)s now; %(old)s is retired. Peers follow by themselves.")
                         % {"key": rotation.new.key_id, "old": rotation.old.key_id})
    return redirect("staff-keys")


def _revoke(request: HttpRequest) -> HttpResponse:
    form = RevokeForm(request.POST)
    context = {"form": form, "current": _own_keys()[0]}
    if not form.is_valid():
        return page(request, "web/staff/key_revoke_confirm.html", context, status=400)
    if request.POST.get("confirmed") != "1":
        return page(request, "web/staff/key_revoke_confirm.html", context)
    try:
        rotation = key_revoke(actor=request.user, since=form.cleaned_data["since"])
    except (RotationError, KeyFileError) as error:
        form.add_error("since", str(error))
        return page(request, "web/staff/key_revoke_confirm.html", context, status=400)
    node = local_node()
    return page(request, "web/staff/key_revoked.html", {
        "rotation": rotation, "new": _row(rotation.new), "node": node,
        "repin": f"manage.py peer repin {node.iri} --key {rotation.new.public_key_multibase}",
    })


def _own_keys() -> list[KeyRow]:
    return [_row(key) for key in local_keys(local_node())]


def _row(key: NodeKey) -> KeyRow:
    since = {NodeKey.Status.RETIRED: key.retired_at, NodeKey.Status.REVOKED: key.revoked_at}.get(key.status) or key.since
    return KeyRow(key_id=key.key_id, key=key.public_key_multibase, fingerprint=fingerprint(key.public_key_multibase),
                  status=key.get_status_display(), since=since)
