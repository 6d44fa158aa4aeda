"""Mirroring peers' feeds: ``sync_peer`` pulls one peer, ``feed_apply_page`` applies one page."""

from federation.sync.apply import PageResult, feed_apply_page
from federation.sync.catch_up import skipped_catch_up
from federation.sync.pull import backoff, sync_peer

__all__ = ["PageResult", "backoff", "feed_apply_page", "skipped_catch_up", "sync_peer"]
