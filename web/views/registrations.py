"""Registering for an event on this node, and the page of one registration (reached by the link in its mails).

The registration's page never changes anything on GET (mail scanners fetch links): confirming,
cancelling and erasing are buttons that POST, with Django's CSRF protection. What the page shows names
a person, so no browser or proxy keeps it, and search engines are asked not to index it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import LANGUAGES, Registration
from events.registrations.mails import event_when, event_where
from events.registrations.services import (
    registration_cancel,
    registration_confirm,
    registration_erase,
)
from events.registrations.tokens import registration_by_token
from hub.choices import AccessibilityFeature, RegistrationStatus
from hub.problems import Conflict
from web.access import page

ACTIONS = {"confirm": registration_confirm, "cancel": registration_cancel}
PRIVATE = {"X-Robots-Tag": "noindex, nofollow"}


@never_cache
@require_http_methods(["GET", "POST"])
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """The registration of the link: where it stands; buttons to confirm, cancel, or erase it."""
    registration = registration_by_token(token)
    if registration is None:
        response = page(request, "web/registrations/unknown.html", status=404)
    elif request.method == "POST":
        response = _act(request, registration, token)
    else:
        response = page(request, "web/registrations/registration.html", _context(registration))
    for header, value in PRIVATE.items():
        response[header] = value
    return response


def _act(request: HttpRequest, registration: Registration, token: str) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "erase":
        registration_erase(registration=registration)
        return page(request, "web/registrations/erased.html", {"event": registration.event})
    if action not in ACTIONS:
        return page(request, "web/registrations/registration.html", _context(registration), status=400)
    try:
        ACTIONS[action](registration=registration)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    return redirect("registration-page", token=token)


def _context(registration: Registration) -> dict:
    event = registration.event
    return {
        "registration": registration, "event": event, "when": event_when(event), "where": event_where(event),
        "needs": [AccessibilityFeature(need).label for need in registration.needs],
        "may_confirm": registration.status == RegistrationStatus.PENDING and not registration.is_expired,
        "may_cancel": registration.status != RegistrationStatus.CANCELLED,
    }


def page_language() -> str:
    """The page's language, if the mails speak it (German otherwise)."""
    language = (translation.get_language() or "de")[:2]
    return language if language in dict(LANGUAGES) else "de"
