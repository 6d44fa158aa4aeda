"""Problem details for every error under /api/, also those that arise outside DRF."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from api.conf import API_PREFIX, MAX_REQUEST_BYTES
from hub.problems import PROBLEM_CONTENT_TYPE, TITLES, problem_response

KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ProblemDetailsMiddleware:
    """Refuse oversized request bodies under /api/ unread, and turn any other error there into problem details.

    Errors that DRF answers are problem details already; this covers unknown paths (404), server
    errors (500, without any traceback, also with DEBUG on) and whatever the outer layers refuse.
    Place it right after ``LocaleMiddleware`` so that its messages follow the request's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer the request, as problem details when it fails under /api/."""
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        limit = body_limit()
        if content_length(request) > limit:
            detail = _("The request body is larger than %(limit)d KiB.") % {"limit": limit // 1024}
            return problem_response(413, detail, instance=request.path)
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return as_problem(response, request)
        return response


def body_limit() -> int:
    """The largest request body the API accepts: its own limit, or Django's when that is lower."""
    django_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return min(MAX_REQUEST_BYTES, django_limit) if django_limit is not None else MAX_REQUEST_BYTES


def content_length(request: HttpRequest) -> int:
    """The announced length of the request body; 0 when none or a malformed one is given."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def as_problem(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Problem details in place of an error response made outside DRF, keeping its protocol headers."""
    status = response.status_code
    if status == 404:
        detail = _("There is no API endpoint at %(path)s.") % {"path": request.path}
    elif status >= 500:
        detail = _("An unexpected error occurred on the server; it has been logged.")
    else:
        detail = str(TITLES.get(status, response.reason_phrase))
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return problem_response(status, detail, instance=request.path, headers=headers)
