"""``manage.py sync`` with stopwatches: ``python -m bench.sync_run`` in the pulling node's environment.

It runs exactly the ``sync`` command in this process and prints, as JSON, what the SyncRun recorded
(pages, applied, skipped, rejected, its duration) and how the time split: CPU time of this process
while syncing, and wall time spent inside ``feed_apply_page`` (checks, proofs, writes) as opposed to
fetching pages (the peer's serving time, the transfer and the parse). Wrapping the two functions
costs two clock reads a page. Peak RSS is read by the parent from ``wait4``.
"""

from __future__ import annotations

import io
import json
import time

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    from federation.models import SyncRun
    from federation.sync import pull

    spent = {"apply": 0.0, "fetch": 0.0}
    pull.feed_apply_page = _timed(pull.feed_apply_page, spent, "apply")
    pull._page = _timed(pull._page, spent, "fetch")
    output = io.StringIO()
    cpu, wall = time.process_time(), time.perf_counter()
    call_command("sync", stdout=output)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    run = SyncRun.objects.order_by("-pk").first()
    print(json.dumps({
        "applied": run.applied, "skipped": run.skipped, "rejected": run.rejected, "pages": run.pages,
        "duration": run.duration, "error": run.error, "cpu_seconds": cpu, "wall_seconds": wall,
        "apply_seconds": spent["apply"], "fetch_seconds": spent["fetch"], "report": output.getvalue()[:2000],
    }))


def _timed(function, spent: dict[str, float], name: str):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    return timed


if __name__ == "__main__":
    main()
