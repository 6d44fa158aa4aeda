"""manage.py sync [--peer URL]: pull from peers now and print each run's report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.blocks import peer_refusal
from federation.models import Peer, SyncRun
from federation.sync import sync_peer

MAX_REJECTIONS_SHOWN = 50


class Command(BaseCommand):
    help = "Pull from every peer (or one) now; exits non-zero if any peer failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--peer", help="Only this peer's base URL.")

    def handle(self, *args, peer: str | None, **options) -> None:
        peers = Peer.objects.select_related("node")
        if peer:
            peers = peers.filter(node__iri=peer.rstrip("/") + "/")
            if not peers:
                raise CommandError(f"{peer} is not a peer of this node (see `manage.py peer list`).")
        failed = []
        for each in peers:
            if refusal := peer_refusal(each):
                self.stdout.write(f"{each.base_url}: not pulled, {refusal} (see `manage.py peer blocks`).")
                continue
            run = sync_peer(peer_id=each.pk)
            if run is None:
                self.stdout.write(f"{each.base_url}: a sync of this peer is running already; skipped.")
                continue
            self.stdout.write(report(run))
            if not run.ok:
                failed.append(each.base_url)
        if failed:
            raise CommandError("Sync failed for: " + ", ".join(failed))


def report(run: SyncRun) -> str:
    """A sync run as a few lines: counts, duration, each rejection with its reason, why it stopped, the error."""
    status = "ok" if run.ok else "FAILED"
    held = f"{run.held} held, " if run.held else ""
    kept = sum(run.kept.values())
    skipped = f"{kept} skipped, " if kept else ""
    lines = [
        f"{run.peer.base_url}: {status} in {run.duration or 0:.2f} s, {run.pages} page(s), "
        f"{run.applied} applied, {run.skipped} unchanged, {held}{skipped}{run.rejected} rejected"
    ]
    if run.held:
        lines.append(f"  held {run.held} document(s) until their origin's own descriptor is fetched "
                     "(see `manage.py peer keys`)")
    lines += [f"  skipped {count} item(s) of a type this node does not know: {name} (kept; applied after an "
              "upgrade that knows it)" for name, count in sorted(run.kept.items())]
    lines += [f"  caught up on {count} kept item(s) of a type this node knows now: {name}"
              for name, count in sorted(run.caught_up.items())]
    lines += [f"  removed {item['count']} item(s) of {item['origin']}: {item['reason']}" for item in run.removals]
    lines += [f"  rejected {item['id']}: {item['reason']}" for item in run.rejections[:MAX_REJECTIONS_SHOWN]]
    if run.rejected > MAX_REJECTIONS_SHOWN:
        lines.append(f"  … and {run.rejected - MAX_REJECTIONS_SHOWN} more rejections (see the admin's sync runs)")
    if run.stopped:
        lines.append(f"  stopped: {run.stopped}")
    if run.error:
        lines.append(f"  error: {run.error}")
    return "\n".join(lines)
