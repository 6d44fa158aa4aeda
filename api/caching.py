"""The lists of the API, kept rendered until the catalog changes.

A page of a list is costly to build (the rows, the steps of each method card, their serialisation)
and cheap to keep. Every change to what the lists show, local or mirrored, moves the change log's
head, so a rendered page is kept under a key made of everything the answer depends on: the head, the
whole address (path, query, host), whether the reader sees ``network`` items, and the language.
A page kept under an old head is never served again; it expires by itself.

Signed-in readers and token holders (the ones who write) compare with the head as the database has
it on every request, so they always read their own writes. Anonymous readers share a reading of
the head that each process takes at most every ``HUB_API_HEAD_SECONDS`` (one second by default):
a change reaches the public lists within that time, and a busy node answers them without asking the
database anything.

Only the clock changes a list without moving the head: ``upcoming`` events. Their pages are keyed
by the minute as well, so an event that has ended leaves the upcoming list within a minute. Pages
are kept for an hour at most and in a bounded number (the ``pages`` cache of the ``CACHES``
setting, kept in each process); only successful JSON answers are kept, errors and other formats are
built every time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import sees_network_items
from hub.selectors import changelog_head

LIST_CACHE_SECONDS = 3600
CLOCK_PARAMETERS = frozenset({"upcoming"})  # list filters whose answer depends on the time
KEY_PREFIX = "api-list"
PAGES_CACHE = "pages"  # per process: read on every list request, so never over the network


class SharedHead:
    """This process's recent reading of the change log's head, taken again when older than ``max_age``."""

    def __init__(self) -> None:
        self._reading = (0, float("-inf"))  # (head, monotonic time read); replaced whole, never mutated
        self._lock = threading.Lock()

    def get(self, max_age: float) -> int:
        """The head as read at most ``max_age`` seconds ago; one thread reads it again when it is older."""
        head, read_at = self._reading
        if time.monotonic() - read_at <= max_age:
            return head
        with self._lock:
            head, read_at = self._reading
            if time.monotonic() - read_at > max_age:
                head = changelog_head()
                self._reading = (head, time.monotonic())
        return head

    def forget(self) -> None:
        """Take the head again on the next request."""
        self._reading = (0, float("-inf"))


shared_head = SharedHead()


def list_cache_key(request: Request) -> str:
    """The key of the page this request asks for, at the change log's head."""
    anonymous = request.auth is None and not request.user.is_authenticated
    head = shared_head.get(settings.HUB_API_HEAD_SECONDS) if anonymous else changelog_head()
    minute = int(time.time() // 60) if CLOCK_PARAMETERS.intersection(request.query_params) else 0
    parts = (
        str(head),
        str(minute),
        "network" if sees_network_items(request) else "public",
        request.LANGUAGE_CODE,
        request.build_absolute_uri(),
    )
    return f"{KEY_PREFIX}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()}"


class CachedListMixin:
    """``list`` answered from the cache when the same page was rendered since the last change.

    ``kept`` does the same for any other answer of the view that depends only on what ``list_cache_key``
    names (a method card's detail with its experience figures).
    """

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        """The kept page, or a new one that is rendered once and kept when it succeeds."""
        return self.kept(request, lambda: super(CachedListMixin, self).list(request, *args, **kwargs))

    def kept(self, request: Request, make: Callable[[], Response]) -> HttpResponse:
        """The kept answer for this request, or ``make()``'s, rendered once and kept when it succeeds."""
        if request.accepted_renderer.format != "json":
            return make()
        key = list_cache_key(request)
        cache = caches[PAGES_CACHE]
        body = cache.get(key)
        if body is None:
            response: Response = make()
            if response.status_code != 200:
                return response
            body = request.accepted_renderer.render(response.data, request.accepted_media_type,
                                                    self.get_renderer_context())
            cache.set(key, body, LIST_CACHE_SECONDS)
        return HttpResponse(body, content_type=request.accepted_renderer.media_type)
