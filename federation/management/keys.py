"""The key actions of ``manage.py peer`` (protocol §3): list the pinned keys, re-pin one after an out-of-band check."""

from __future__ import annotations

import getpass
from argparse import _SubParsersAction

from django.core.management.base import CommandError
from django.utils import timezone

from federation.pins import (
    PinRefused,
    fingerprint,
    origin_iri,
    origin_items,
    origin_repin,
    origins_waiting,
    pins_listing,
    raise_if_not_a_key,
)
from hub.models import Node

ACTIONS = ("keys", "repin")
PINNED_FROM = {
    "local": "this node's own key (its key file)",
    "joined": "pinned from the descriptor fetched from the node itself when peering",
    "fetched": "pinned from the descriptor fetched from the origin itself",
    "relayed": "learnt from a descriptor a peer relayed: NOT confirmed; checked against the origin's own "
               "descriptor at the next sync",
    "operator": "confirmed by an operator",
    "": "pinned before this node recorded how",
}


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
            self.stdout.write(f"  {PINNED_FROM[pinned.source]}{by}, {_when(pinned.pinned_at)}{note}")
        for waiting in origins_waiting():
            self.stdout.write(
                f"{waiting.iri} is not pinned: {waiting.held} documents held since {_when(waiting.since)}, "
                f"{waiting.attempts} failed attempt(s), next attempt {_when(waiting.next_attempt_at)}"
            )
            self.stdout.write(f"  {waiting.reason}")

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
            change = origin_repin(origin=iri, key=key, note=note, by=_operator())
        except PinRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Pinned {key} ({fingerprint(key)}) for {iri}, as confirmed by an operator."))
        if change.replaced:
            self.stdout.write(f"Removed {change.removed} item(s) that verified with the old key; every peer's "
                              "feed is read again from the start at its next sync.")

    def _repin_explain(self, iri: str, key: str) -> None:
        node = Node.objects.filter(iri=iri).first()
        if node is None:
            self.stdout.write(f"{iri} has no key pinned yet; its held documents are checked against this key.")
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
