"""Content negotiation for item URLs: HTML for browsers, the signed JSON-LD document, iCalendar for events."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

HTML = "text/html"
JSON_LD = "application/ld+json"
CALENDAR = "text/calendar"
JSON_LD_ALIASES = ("application/json", "application/activity+json")


def preferred_type(request: HttpRequest, offered: list[str]) -> str | None:
    """The offered media type the client prefers (HTML when it sends no Accept header)."""
    if "HTTP_ACCEPT" not in request.META:
        return offered[0]
    choice = request.get_preferred_type([*offered, *JSON_LD_ALIASES] if JSON_LD in offered else offered)
    return JSON_LD if choice in JSON_LD_ALIASES else choice


def jsonld_response(document: str) -> HttpResponse:
    """A stored, signed document served byte for byte."""
    response = HttpResponse(document, content_type=f"{JSON_LD}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_acceptable(offered: list[str]) -> HttpResponse:
    """406 naming what this URL can give."""
    return HttpResponse(
        "This address offers: " + ", ".join(offered) + "\n", status=406, content_type="text/plain; charset=utf-8"
    )
