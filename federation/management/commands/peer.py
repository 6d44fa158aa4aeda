"""manage.py peer invite|join|list|remove, keys|repin, and block|unblock|blocks|allow|…: peering and governance
from the command line."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from federation import http
from federation.blocks import peer_refusal
from federation.management.blocks import ACTIONS as BLOCK_ACTIONS
from federation.management.blocks import BlockActions, add_block_actions
from federation.management.keys import ACTIONS as KEY_ACTIONS
from federation.management.keys import KeyActions, add_key_actions
from federation.models import Peer
from federation.peering import PeeringError, peer_invite, peer_join, peer_remove
from hub.roles import SYSTEM

DURATION = re.compile(r"^(\d+)([mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def duration(text: str) -> timedelta:
    """A duration such as 30m, 12h or 7d."""
    match = DURATION.match(text.strip())
    if not match or int(match[1]) == 0:
        raise CommandError(f"--expires takes a duration such as 30m, 12h or 7d; got {text!r}.")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


class Command(KeyActions, BlockActions, BaseCommand):
    help = ("Peer this node with others (invite, join, list, remove), inspect or re-pin their keys (keys, repin) "
            "and govern whom it accepts (block, allow, …).")

    def add_arguments(self, parser: CommandParser) -> None:
        metavar = "{" + ",".join(("invite", "join", "list", "remove", *KEY_ACTIONS, *BLOCK_ACTIONS)) + "}"
        actions = parser.add_subparsers(dest="action", required=True, metavar=metavar)
        invite = actions.add_parser("invite", help="Print a one-time invitation for another node.")
        invite.add_argument("--expires", default="7d", help="How long it stays valid (30m, 12h, 7d; default 7d).")
        join = actions.add_parser("join", help="Peer with the node that issued an invitation.")
        join.add_argument("invitation")
        actions.add_parser("list", help="Show every peer and how its syncs go.")
        remove = actions.add_parser("remove", help="Stop peering with a node (revokes its access).")
        remove.add_argument("url", help="The peer's base URL.")
        add_key_actions(actions)
        add_block_actions(actions)

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _invite(self, *, expires: str, **_options) -> None:
        lifetime = duration(expires)
        self.stderr.write(f"Give this invitation to the other node; it works once, for {expires}:")
        self.stdout.write(peer_invite(expires_in=lifetime, actor=SYSTEM))

    def _join(self, *, invitation: str, **_options) -> None:
        try:
            peer = peer_join(invitation=invitation, actor=SYSTEM)
        except (PeeringError, http.PeerRequestError) as error:
            raise CommandError(f"Joining failed: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Peered with {peer.node.name} ({peer.node.city}) at {peer.base_url}."))
        self.stdout.write("Both nodes pull from each other now; run `manage.py sync` to pull at once.")

    def _list(self, **_options) -> None:
        peers = Peer.objects.select_related("node").annotate(runs_count=Count("runs"))
        if not peers:
            self.stdout.write("No peers yet. Start with `manage.py peer invite` on one node.")
            return
        for peer in peers:
            self.stdout.write(_peer_line(peer))

    def _remove(self, *, url: str, **_options) -> None:
        peer = Peer.objects.filter(node__iri=url.rstrip("/") + "/").first()
        if peer is None:
            raise CommandError(f"{url} is not a peer of this node (see `manage.py peer list`).")
        peer_remove(peer=peer, actor=SYSTEM)
        self.stdout.write(f"Removed {url}: its access is revoked; what it brought stays mirrored.")


def _peer_line(peer: Peer) -> str:
    """One peer's health in a few readable lines."""
    def when(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "never"

    lines = [
        f"{peer.node.name} ({peer.node.city}) {peer.base_url}",
        f"  last success: {when(peer.last_success_at)}   items mirrored: {peer.items_applied}   runs: {peer.runs_count}",
        f"  next attempt: {when(peer.next_attempt_at)}   failures in a row: {peer.failures}",
    ]
    if refusal := peer_refusal(peer):
        lines.append(f"  PAUSED, {refusal}: not pulled, its tokens refused (see `manage.py peer blocks`)")
    if peer.last_error:
        lines.append(f"  last error ({when(peer.last_error_at)}): {peer.last_error}")
    return "\n".join(lines)
