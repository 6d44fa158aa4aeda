"""Middleware of the whole node: refusing NUL characters, and keeping readers' answers out of shared caches.

Requests that carry a NUL character are refused before any view sees them.

PostgreSQL's text cannot hold NUL (``\\x00``): a path, query or form value with one would fail deep
inside a query as a server error (for example in a mirrored lab's address or in the OAuth token
endpoint's ``client_id``). No address, search or form of the node has a use for it, so the request
gets a 400 that says so, in the form its client reads: problem details under ``/api/``, an OAuth
error under ``/o/``, a page elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from api.conf import API_PREFIX
from hub.problems import problem_response

OAUTH_PREFIX = "/o/"
FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class RefuseNulCharactersMiddleware:
    """Answer 400 to a NUL character in the path, the query string or a posted form's fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Refuse the request when it carries NUL; pass it on otherwise."""
        if has_nul(request):
            return refusal(request)
        return self.get_response(request)


def has_nul(request: HttpRequest) -> bool:
    """Whether the path, the query string or a posted form's names and values hold NUL."""
    if "\x00" in request.path_info:
        return True
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query:
        return True
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES and not is_api(request):
        # Parsed once and kept for the view (Django's limits apply; DRF reuses the parsed form).
        return any("\x00" in name or any("\x00" in value for value in values) for name, values in request.POST.lists())
    return False


def is_api(request: HttpRequest) -> bool:
    """Whether the request is for the API, which reads JSON only (and answers forms with 415)."""
    return request.path_info.startswith(API_PREFIX)


def refusal(request: HttpRequest) -> HttpResponse:
    """The 400 answer, in the form the client of this part of the node expects."""
    detail = _("The request contains a NUL character (%00), which no address, search or form of this node accepts.")
    if is_api(request):
        return problem_response(400, detail, instance=request.path.replace("\x00", "%00"))
    if request.path_info.startswith(OAUTH_PREFIX):
        return JsonResponse({"error": "invalid_request", "error_description": detail}, status=400)
    from hub.selectors import (
        local_node_or_none,  # the models are ready by the time a request arrives
    )

    context = {"node": local_node_or_none(), "detail": detail}
    return render(request, "web/bad_request.html", context, status=400)


class PrivateForSignedInReadersMiddleware:
    """Mark answers to a signed-in reader or a token holder ``private``: they may hold network-only items.

    Every answer varies on ``Cookie`` and ``Authorization``, so that a shared cache (a proxy, a CDN)
    never hands the answer one reader got to another; answers to anonymous readers stay as cacheable
    as their views make them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer the request, then set the cache headers for who asked."""
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Authorization"))
        if carries_credentials(request):
            patch_cache_control(response, private=True)
        return response


def carries_credentials(request: HttpRequest) -> bool:
    """Whether the request comes with a login session or with an ``Authorization`` header."""
    user = getattr(request, "user", None)
    return "Authorization" in request.headers or (user is not None and user.is_authenticated)
