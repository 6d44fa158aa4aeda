"""Errors as RFC 9457 problem details: ``application/problem+json`` with type, title, status and detail.

Plain Django, so that every floor answers errors alike: the API's DRF handler (``api/errors.py``),
the federation endpoints and the project's middleware all build their bodies here.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Bad request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    413: _("Content too large"),
    415: _("Unsupported media type"),
    429: _("Too many requests"),
    500: _("Internal server error"),
}


def problem(status: int, detail: str, *, instance: str = "", errors: dict[str, list[str]] | None = None) -> dict:
    """The problem details object; ``errors`` maps each invalid field to its messages."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(TITLES.get(status, HTTPStatus(status).phrase)),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(status: int, detail: str, *, instance: str = "", headers: dict | None = None) -> JsonResponse:
    """A plain Django response with problem details, for errors that arise outside DRF."""
    return JsonResponse(
        problem(status, detail, instance=instance), status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers
    )


class Conflict(Exception):
    """A well-formed request that the state of things refuses (409): registration closed, no seat left, …

    ``field`` names what the refusal is about (a field of the request or of the item), as problem
    details name the invalid fields of a 400.
    """

    status = 409

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = str(message)
