"""The key actions of ``manage.py peer`` (protocol §3): list the pinned keys, re-pin one after an out-of-band check."""

from __future__ import annotations

import getpass
from argparse import _SubParsersAction

from django.core.management.base import CommandError
from django.utils import timezone

from federation.key_history import items_not_admitted
from federation.keyring import keyring_described
from federation.pins import (
    PinnedKey,
    PinRefused,
    fingerprint,
    offered_descriptor,
    origin_iri,
    origin_items,
    origin_repin,
    origins_waiting,
    pins_listing,
    raise_if_not_a_key,
)
from hub.models import Node
from hub.roles import SYSTEM

ACTIONS = ("keys", "repin")
PINNED_FROM = {
    "local": "this node's own key (its key file)",
    "joined": "pinned from the descriptor fetched from the node itself when peering",
    "fetched": "pinned from the descriptor fetched from the origin itself",
    "relayed": "learnt from a descriptor a peer relayed: NOT confirmed; checked against the origin's own "
               "descriptor at the next sync",
    "operator": "confirmed by an operator",
    "rotation": "followed from the key pinned before: a rotation its proof chain signed",
    "": "pinned before this node recorded how",
}
KEY_STATUS = {"retired": "retired", "revoked": "REVOKED", "set-aside": "set aside by a re-pin", "current": "current"}


def add_key_actions(actions: _SubParsersAction) -> None:
    """Mount the key actions on the ``peer`` command's subparsers."""
    actions.add_parser("keys", help="Show every pinned key, its fingerprint and how it was pinned; what waits.")
    repin = actions.add_parser("repin", help="Pin a node's key by hand, after checking it with its operators.")
    repin.add_argument("origin", help="The node's base URL, such as https://hub.example.de/.")
    repin.add_argument("--key", required=True, help="The node's public key as a Multikey (z6Mk…).")
    repin.add_argument("--note", default="", help="How the key was checked (kept with the pin).")
    repin.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")


class KeyActions:
    """The handlers, mixed into the ``peer`` command (``self.stdout`` and ``self.style`` are its)."""

    def _keys(self, **_options) -> None:
        for pinned in pins_listing():
            self.stdout.write(f"{pinned.iri} {pinned.name} ({pinned.city})")
            self.stdout.write(f"  key {pinned.key}  fingerprint {pinned.fingerprint}")
            by = f" by {pinned.pinned_by}" if pinned.pinned_by else ""
            note = f" ({pinned.note})" if pinned.note else ""
            ident = f"key id {pinned.key_id}" if pinned.key_id else "its key id is not known yet"
            self.stdout.write(f"  {PINNED_FROM[pinned.source]}{by}, {_when(pinned.pinned_at)}{note}; {ident}")
            self._history(pinned)
        for waiting in origins_waiting():
            self.stdout.write(
                f"{waiting.iri} is not pinned: {waiting.held} documents held since {_when(waiting.since)}, "
                f"{waiting.attempts} failed attempt(s), next attempt {_when(waiting.next_attempt_at)}"
            )
            self.stdout.write(f"  {waiting.reason}")

    def _history(self, pinned: PinnedKey) -> None:
        for old in pinned.history:
            when = {"retired": old.retired_at, "revoked": old.revoked_at}.get(old.status) or old.changed_at
            self.stdout.write(f"  {KEY_STATUS[old.status]} {old.key_id or '(id not known)'} {old.public_key_multibase}  "
                              f"fingerprint {fingerprint(old.public_key_multibase)}, since {_when(when)}")
        offered = pinned.offered
        if offered is None:
            return
        revokes = (f"; it says the pinned key {offered.revokes.id} was revoked at {_when(offered.revokes.revoked)}"
                   if offered.revokes else "; it does not revoke the pinned key: a forged rotation, or a lost key")
        self.stdout.write(f"  OFFERED on {_when(offered.at)} by the node's own descriptor, not signed by the pinned key: "
                          f"{offered.key_id} {offered.key}  fingerprint {offered.fingerprint}{revokes}")
        self.stdout.write(f"    compare the fingerprint with the node's operators; if it is theirs: "
                          f"manage.py peer repin {pinned.iri} --key {offered.key}")

    def _repin(self, *, origin: str, key: str, note: str, yes: bool, **_options) -> None:
        key = key.strip()
        try:
            iri = origin_iri(origin)
            raise_if_not_a_key(key)
        except PinRefused as error:
            raise CommandError(str(error)) from None
        self._repin_explain(iri, key)
        if not yes and not self._confirmed():
            raise CommandError("Nothing changed: the key was not re-pinned.")
        try:
            change = origin_repin(origin=iri, key=key, note=note, actor=SYSTEM, by=_operator())
        except PinRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Pinned {key} ({fingerprint(key)}) for {iri}, as confirmed by an operator."))
        if change.offered:
            self.stdout.write(f"Removed {change.removed} item(s) that the node's earlier keys, as its descriptor lists "
                              "them, no longer admit; every peer's feed is read again from the start at its next sync.")
        elif change.replaced:
            self.stdout.write(f"Removed {change.removed} item(s) that verified with the old key; every peer's "
                              "feed is read again from the start at its next sync.")

    def _repin_explain(self, iri: str, key: str) -> None:
        node = Node.objects.filter(iri=iri).first()
        offered = offered_descriptor(node, key) if node is not None else None
        if node is None:
            self.stdout.write(f"{iri} has no key pinned yet; its held documents are checked against this key.")
        elif offered is not None:
            _document, decoded = offered
            failing = items_not_admitted(node, keyring_described(iri, decoded.related["keys"]))
            self.stdout.write(
                f"{iri} has the key {node.public_key_multibase} ({fingerprint(node.public_key_multibase)}) pinned.\n"
                f"The new key is {key} ({fingerprint(key)}), {decoded.fields['key_id']} of the descriptor the node "
                "served itself. Its earlier keys are kept as that descriptor lists them: what a revoked key signed "
                f"before its revocation stays; the {len(failing)} item(s) signed after it are removed."
            )
        elif node.public_key_multibase == key:
            self.stdout.write(f"{iri} has this key pinned already; it is recorded as confirmed by an operator.")
        else:
            self.stdout.write(
                f"{iri} has the key {node.public_key_multibase} ({fingerprint(node.public_key_multibase)}) pinned.\n"
                f"The new key is {key} ({fingerprint(key)}). The {origin_items(iri)} item(s) that verified with "
                "the old key will be removed; what the node really signed comes back through sync."
            )

    def _confirmed(self) -> bool:
        self.stdout.write("Check the key with the node's operators (out of band). Type yes to re-pin: ", ending="")
        self.stdout.flush()
        try:
            return input().strip().lower() == "yes"
        except EOFError:
            return False


def _operator() -> str:
    """Who runs the command, as the pin records it."""
    try:
        return f"manage.py ({getpass.getuser()})"
    except (KeyError, OSError):
        return "manage.py"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "never"
