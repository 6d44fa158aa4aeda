"""The block and allow actions of ``manage.py peer`` (protocol §8), kept beside the command that mounts them."""

from __future__ import annotations

import getpass
from argparse import _SubParsersAction
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone

from federation.blocklists import blocklist_subscribe, blocklist_unsubscribe, blocklists_refresh
from federation.blocks import (
    GovernanceError,
    allowed_listed,
    block_confirm,
    blocks_listed,
    origin_allow,
    origin_block,
    origin_disallow,
    origin_unblock,
    refused_remove,
)
from federation.models import Block, BlockListSubscription
from hub.roles import SYSTEM

ACTIONS = ("block", "unblock", "blocks", "allow", "disallow", "purge", "subscribe-blocks", "unsubscribe-blocks",
           "refresh-blocks")
TYPE_NAMES = {"MethodCard": "method cards", "Event": "events", "Idea": "ideas", "ExperienceReport": "experience reports",
              "Lab": "labs", "Node": "node descriptors"}


def add_block_actions(actions: _SubParsersAction) -> None:
    """Mount the block and allow actions on the ``peer`` command's subparsers."""
    block = actions.add_parser("block", help="Block a node: no pulling, no tokens, none of its items; removes what it brought.")
    block.add_argument("origin", help="The node's IRI or base URL.")
    how = block.add_mutually_exclusive_group(required=True)
    how.add_argument("--reason", help="Why, for this node's staff (and the block list, if it publishes one).")
    how.add_argument("--confirm", action="store_true", help="Confirm a block a subscribed block list proposes.")
    unblock = actions.add_parser("unblock", help="Lift a block (or dismiss a proposed one); its items return by sync.")
    unblock.add_argument("origin")
    blocks = actions.add_parser("blocks", help="Show the blocks, proposals, allow list and block-list subscriptions.")
    blocks.add_argument("--proposed", action="store_true", help="Only the blocks proposed by subscribed lists.")
    for name, text in (("allow", "Put a node on the allow list (used when HUB_FEDERATION_MODE=allowlist)."),
                       ("disallow", "Take a node off the allow list (in allow-list mode, removes what it brought).")):
        actions.add_parser(name, help=text).add_argument("origin")
    actions.add_parser("purge", help="Remove what this node holds from nodes it refuses (after switching to allowlist).")
    subscribe = actions.add_parser("subscribe-blocks", help="Subscribe to a peer's signed block list.")
    subscribe.add_argument("url", help="The coordinating peer's base URL.")
    unsubscribe = actions.add_parser("unsubscribe-blocks", help="End a block-list subscription.")
    unsubscribe.add_argument("url")
    actions.add_parser("refresh-blocks", help="Fetch the subscribed block lists now (the beat does it hourly).")


class BlockActions:
    """The handlers, mixed into the ``peer`` command (``self.stdout`` and ``self.style`` are its)."""

    def _block(self, *, origin: str, reason: str | None, confirm: bool, **_options) -> None:
        with _refusals():
            if confirm:
                block = block_confirm(origin=origin, actor=SYSTEM, by=_operator())
            else:
                block = origin_block(origin=origin, reason=reason, actor=SYSTEM, by=_operator())
        self.stdout.write(self.style.SUCCESS(f"Blocked {block.origin}: {removed_text(block.removed)}."))
        self.stdout.write("It is no longer pulled, its tokens are refused, and its items are refused from every peer.")

    def _unblock(self, *, origin: str, **_options) -> None:
        with _refusals():
            block = origin_unblock(origin=origin, actor=SYSTEM)
        if block.status == Block.Status.PROPOSED:
            self.stdout.write(f"Dismissed the proposed block of {block.origin}.")
            return
        self.stdout.write(self.style.SUCCESS(f"Unblocked {block.origin}."))
        self.stdout.write("Every peer's feed is read again from the start at its next sync, so its items come back.")

    def _allow(self, *, origin: str, **_options) -> None:
        with _refusals():
            allowed = origin_allow(origin=origin, actor=SYSTEM, by=_operator())
        self.stdout.write(self.style.SUCCESS(f"Allowed {allowed.origin}.") + _mode_note())

    def _disallow(self, *, origin: str, **_options) -> None:
        with _refusals():
            removed = origin_disallow(origin=origin, actor=SYSTEM)
        self.stdout.write(f"Took {origin} off the allow list: {removed_text(removed)}." + _mode_note())

    def _purge(self, **_options) -> None:
        removed = refused_remove(actor=SYSTEM)
        for origin, counts in removed.items():
            self.stdout.write(f"{origin}: {removed_text(counts)}")
        self.stdout.write("Nothing of refused nodes was held." if not removed else "Done.")

    def _blocks(self, *, proposed: bool, **_options) -> None:
        lines = [] if proposed else [_mode_line(), *_section("Blocked", blocks_listed(status=Block.Status.ACTIVE))]
        lines += _section("Proposed (confirm: peer block ORIGIN --confirm; dismiss: peer unblock ORIGIN)",
                          blocks_listed(status=Block.Status.PROPOSED))
        if not proposed:
            lines += _allow_section() + _subscriptions_section()
        self.stdout.write("\n".join(lines))

    def _subscribe_blocks(self, *, url: str, **_options) -> None:
        with _refusals():
            subscription, proposed = blocklist_subscribe(url=url, actor=SYSTEM, by=_operator())
        self.stdout.write(self.style.SUCCESS(f"Subscribed to the block list of {subscription.peer.base_url}."))
        self.stdout.write(_proposed_text(proposed))

    def _unsubscribe_blocks(self, *, url: str, **_options) -> None:
        with _refusals():
            withdrawn = blocklist_unsubscribe(url=url, actor=SYSTEM)
        self.stdout.write(f"Unsubscribed; {withdrawn} unconfirmed proposal(s) withdrawn.")

    def _refresh_blocks(self, **_options) -> None:
        outcome = blocklists_refresh()
        failed = [url for url, result in outcome.items() if isinstance(result, str)]
        for url, result in outcome.items():
            self.stdout.write(f"{url}: {result if isinstance(result, str) else _proposed_text(result)}")
        if failed:
            raise CommandError("Not taken: " + ", ".join(failed))


@contextmanager
def _refusals():
    """Turn a refusal of the governance services into the command's error message and exit status."""
    try:
        yield
    except GovernanceError as error:
        raise CommandError(str(error)) from None


def _operator() -> str:
    """Who runs the command, as the block records it."""
    try:
        return f"manage.py ({getpass.getuser()})"
    except (KeyError, OSError):
        return "manage.py"


def removed_text(counts: dict[str, int]) -> str:
    """What a block removed, in words."""
    if not counts:
        return "nothing of it was held here"
    parts = ", ".join(f"{count} {TYPE_NAMES.get(kind, kind)}" for kind, count in sorted(counts.items()))
    return f"removed {sum(counts.values())} document(s) ({parts})"


def _proposed_text(proposed: list[Block]) -> str:
    if not proposed:
        return "No new entries."
    return f"{len(proposed)} new entr{'y' if len(proposed) == 1 else 'ies'} proposed, applied only once confirmed: " + \
        ", ".join(block.origin for block in proposed)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"


def _mode_line() -> str:
    if settings.HUB_FEDERATION_MODE == "allowlist":
        return "Mode: allowlist (HUB_FEDERATION_MODE): only this node and the nodes on the allow list are accepted."
    return "Mode: open (HUB_FEDERATION_MODE): every node that is not blocked is accepted."


def _mode_note() -> str:
    return "" if settings.HUB_FEDERATION_MODE == "allowlist" else " (The allow list applies only with HUB_FEDERATION_MODE=allowlist.)"


def _section(title: str, blocks: list[Block]) -> list[str]:
    lines = [f"{title}:"]
    for block in blocks:
        lines.append(f"  {block.origin}  since {_when(block.created_at)} by {block.created_by or '?'}")
        lines.append(f"    reason: {block.reason}")
        if block.status == Block.Status.ACTIVE:
            lines.append(f"    {removed_text(block.removed)}")
    return lines + (["  none"] if not blocks else [])


def _allow_section() -> list[str]:
    allowed = allowed_listed()
    lines = ["Allow list:"] + [f"  {item.origin}  since {_when(item.created_at)} by {item.created_by or '?'}" for item in allowed]
    return lines + (["  none"] if not allowed else [])


def _subscriptions_section() -> list[str]:
    lines = ["Block lists subscribed to:"]
    for subscription in BlockListSubscription.objects.select_related("peer__node"):
        lines.append(f"  {subscription.peer.base_url}  last fetched {_when(subscription.fetched_at)}, "
                     f"{len(subscription.entries)} entr{'y' if len(subscription.entries) == 1 else 'ies'}")
        if subscription.last_error:
            lines.append(f"    last error ({_when(subscription.last_error_at)}): {subscription.last_error}")
    return lines + (["  none"] if len(lines) == 1 else [])
