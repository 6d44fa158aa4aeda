"""The node administrators' page of keys (protocol §3): this node's keys and the keys it pinned for other
nodes, with fingerprints to compare out of band, and the rotation of this node's key after a confirmation.

Revoking a key (``manage.py revoke_key``) and re-pinning another node's key (``manage.py peer repin``)
stay on the command line: both follow an out-of-band check with other people.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from federation.documents import local_keys
from federation.keyring import fingerprint
from federation.models import KeyPin, NodeKey
from federation.pins import PinnedKey, pins_listing
from federation.rotation import ROTATING_KEYS, RotationError, key_rotate
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


@node_admin_required(ROTATING_KEYS)
@require_http_methods(["GET", "POST"])
def staff_keys(request: HttpRequest) -> HttpResponse:
    """This node's keys and the pinned keys of the others; a rotation asks for a confirmation first."""
    if request.method == "POST":
        if request.POST.get("confirmed") != "1":
            return page(request, "web/staff/key_rotate_confirm.html", {"current": _own_keys()[0]})
        return _rotate(request)
    sources = dict(KeyPin.Source.choices)
    pins = [PinRow(pin=pin, source=sources.get(pin.source, "—"), history=[_row(key) for key in pin.history])
            for pin in pins_listing() if not pin.is_local]
    return page(request, "web/staff/keys.html", {"own": _own_keys(), "pins": pins})


def _rotate(request: HttpRequest) -> HttpResponse:
    try:
        rotation = key_rotate(actor=request.user)
    except (RotationError, KeyFileError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("This node signs with %(key)s now; %(old)s is retired. Peers follow by themselves.")
                         % {"key": rotation.new.key_id, "old": rotation.old.key_id})
    return redirect("staff-keys")


def _own_keys() -> list[KeyRow]:
    return [_row(key) for key in local_keys(local_node())]


def _row(key: NodeKey) -> KeyRow:
    since = {NodeKey.Status.RETIRED: key.retired_at, NodeKey.Status.REVOKED: key.revoked_at}.get(key.status) or key.since
    return KeyRow(key_id=key.key_id, key=key.public_key_multibase, fingerprint=fingerprint(key.public_key_multibase),
                  status=key.get_status_display(), since=since)
