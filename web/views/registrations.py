"""Registering for an event on this node, and the page of one registration (reached by the link in its mails).

The registration's page never changes anything on GET (mail scanners fetch links): confirming,
cancelling and erasing are buttons that POST, with Django's CSRF protection. What the page shows names
a person, so no browser or proxy keeps it, and search engines are asked not to index it.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events.models import LANGUAGES, Event, Registration
from events.registrations.mails import event_when, event_where
from events.registrations.services import (
    consent_text,
    raise_unless_open,
    registration_cancel,
    registration_confirm,
    registration_erase,
    registration_request,
)
from events.registrations.tokens import registration_by_token
from events.selectors import event_for_reader
from federation.throttle import registration_wait
from hub.access import can_see_network
from hub.choices import AccessibilityFeature, RegistrationStatus
from hub.problems import Conflict
from web.access import page
from web.forms import RegistrationForm, form_add_service_errors

ACTIONS = {"confirm": registration_confirm, "cancel": registration_cancel}
PRIVATE = {"X-Robots-Tag": "noindex, nofollow"}


def registration_form(request: HttpRequest, event: Event, data=None) -> RegistrationForm | None:
    """The form to register for this node's event while it takes registrations; None otherwise."""
    try:
        raise_unless_open(event)
    except Conflict:
        return None
    return RegistrationForm(data, event=event, consent_text=consent_text(event, page_language()))


@never_cache
@require_POST
def event_register(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """POST /events/<uuid>/register: ask for a seat; the answer is the same whether the address was registered before."""
    event = event_for_reader(uuid=uuid, include_network=can_see_network(request), include_drafts=False)
    if event is None or not event.is_local:
        raise Http404
    form = registration_form(request, event, request.POST)
    if form is None:
        return page(request, "web/registrations/closed.html", {"event": event}, status=409)
    other_errors: list[str] = []
    if form.is_valid():
        wait = registration_wait(request=request, email=form.cleaned_data["email"])
        if wait is not None:
            minutes = max(1, wait // 60)
            other_errors = [_("Too many registrations from here; please try again in %(minutes)d minutes.") % {"minutes": minutes}]
            return page(request, "web/registrations/register.html", {"event": event, "form": form, "other_errors": other_errors}, status=429)
        try:
            registration_request(event=event, language=page_language(), **_answers(form))
        except ValidationError as error:
            other_errors = form_add_service_errors(form, error)
        except Conflict as conflict:
            other_errors = [conflict.message]
        else:
            return page(request, "web/registrations/requested.html", {"event": event, "email": form.cleaned_data["email"]})
    return page(request, "web/registrations/register.html", {"event": event, "form": form, "other_errors": other_errors},
                status=400)


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


def _answers(form: RegistrationForm) -> dict:
    data = form.cleaned_data
    return {"name": data["name"], "email": data["email"], "consent": data["consent"],
            "companions": data.get("companions") or 0, "needs": data.get("needs") or [], "answer": data.get("answer") or ""}


def page_language() -> str:
    """The page's language, if the mails speak it (German otherwise)."""
    language = (translation.get_language() or "de")[:2]
    return language if language in dict(LANGUAGES) else "de"
