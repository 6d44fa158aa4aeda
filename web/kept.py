"""Pages that anonymous readers ask for again and again, kept rendered until the catalog changes.

The same rule as the API's lists (``api.caching``): every change to what these pages show, local or
mirrored (an item, its lab, an experience report and so the figures counted for a method), moves the
change log's head, so a page is kept under a key made of the head, the whole address, what the
reader accepts and the language, and a page kept under an old head is never served again. Pages are
kept in each process (the ``pages`` cache), for an hour at most.

Only readers without a login or a session and with no message waiting get a kept page: staff see
buttons and network-only items, and a message belongs to one person. Every page carries a CSRF token
(the language switch); it is kept as a placeholder and each reader gets their own when it is served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from hub.selectors import changelog_head

KEPT_SECONDS = 3600
PAGES_CACHE = "pages"
KEY_PREFIX = "web-page"
# What a kept page holds where the reader's CSRF token goes; no page shows this text otherwise.
TOKEN_PLACEHOLDER = "kept-page-csrf-7f3a9c1e5b2d4f60"
KEPT_HEADERS = ("Content-Type", "Link", "Vary", "Content-Language")

Render = Callable[[dict], HttpResponse]


def kept_page(request: HttpRequest, render: Render, *, variant: str = "") -> HttpResponse:
    """The page ``render(extra_context)`` makes, kept for anonymous readers until the change log moves on.

    ``variant`` names what else the answer depends on (the negotiated format). Only successful HTML
    answers are kept; the rest are made every time.
    """
    if not _may_keep(request):
        return render({})
    key = _key(request, variant)
    cache = caches[PAGES_CACHE]
    kept = cache.get(key)
    if kept is None:
        response = render({"csrf_token": TOKEN_PLACEHOLDER})
        if response.status_code != 200 or response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return _with_token(response, request)
        kept = (response.content, [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)])
        cache.set(key, kept, KEPT_SECONDS)
    content, headers = kept
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return _with_token(response, request)


def _may_keep(request: HttpRequest) -> bool:
    """Whether the reader gets what every anonymous reader gets: no login, no session, no message waiting."""
    cookies = request.COOKIES
    return (request.method in ("GET", "HEAD") and not request.user.is_authenticated
            and settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies)


def _key(request: HttpRequest, variant: str) -> str:
    parts = (str(changelog_head()), variant, request.LANGUAGE_CODE, request.build_absolute_uri())
    return f"{KEY_PREFIX}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()}"


def _with_token(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """The response with the reader's own CSRF token where the placeholder is (which also sets their cookie)."""
    if not response.streaming and TOKEN_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(TOKEN_PLACEHOLDER.encode(), get_token(request).encode())
    return response
