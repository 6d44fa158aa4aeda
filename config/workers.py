"""What each gunicorn worker does once it has loaded the node: take the loaded code out of the garbage collector's walks.

Both gunicorn configurations (``config.gunicorn_runnode`` for ``manage.py runnode``, ``deploy/gunicorn.conf.py``
for a production node) import ``post_worker_init`` from here, and gunicorn calls it in every worker.
"""

from __future__ import annotations

import gc

# Collect the youngest objects after this many new container objects instead of 700: a request makes
# thousands, and each collection of the young also costs its share of the full ones.
YOUNG_THRESHOLD = 10_000


def post_worker_init(worker: object) -> None:
    """Freeze what the worker has loaded (Django, the apps, URL patterns, translations) and collect less often.

    These objects, some 120,000, live as long as the worker. Left among the collected ones, each full
    collection walks them all: 100–250 ms on the benchmark machine, while every thread of the worker
    waits, and those pauses made the slowest one in a hundred answers (``docs/benchmarks.md``). Frozen,
    a full collection walks only what was made since; nothing frozen is ever freed, which is right for
    objects that live until the worker stops.
    """
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
