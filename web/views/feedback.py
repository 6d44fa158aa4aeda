"""The participants' feedback form: by the short link shown at the event, or by the link in the feedback mail.

One question (five faces, each with its words) and an optional line. Nothing about who answers is
kept: the walk-in form carries a signed one-time number for its visit, the mail's link is the
registration's token, which answers once. Answers are counted per client address against
``HUB_THROTTLE_FEEDBACK``. The pages are kept by no browser or proxy, and not indexed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.closing.feedback import (
    feedback_from_registration,
    feedback_from_visit,
    feedback_visit_new,
    raise_unless_feedback_open,
)
from events.closing.selectors import feedback_event_by_code
from events.models import Event
from events.registrations.tokens import registration_by_token
from federation.throttle import request_wait
from hub.choices import RegistrationStatus
from hub.problems import Conflict
from web.access import page
from web.forms import FeedbackForm, form_add_service_errors

THROTTLE_SCOPE = "feedback"
PRIVATE = {"X-Robots-Tag": "noindex, nofollow"}


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_walk_in(request: HttpRequest, code: str) -> HttpResponse:
    """The form of the event's short link: a new one-time number for every visit, one answer for each."""
    event = feedback_event_by_code(code)
    if event is None:
        return _private(page(request, "web/feedback/unknown.html", status=404))
    return _feedback(request, event, closed=_closed(event), walk_in=True, give=lambda data: feedback_from_visit(
        event=event, visit=request.POST.get("visit"), **data))


@never_cache
@require_http_methods(["GET", "POST"])
def registration_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The form of the feedback mail's link: the registration answers once."""
    registration = registration_by_token(token)
    if registration is None:
        return _private(page(request, "web/feedback/unknown.html", status=404))
    event = registration.event
    return _feedback(request, event, closed=_closed(event) or _already(registration), walk_in=False,
                     give=lambda data: feedback_from_registration(registration=registration, **data))


def _feedback(request: HttpRequest, event: Event, *, closed: str, walk_in: bool, give) -> HttpResponse:
    """Why no answer is taken; or the form (a walk-in's with its visit's one-time number); or the answer kept."""
    if closed:
        return _closed_page(request, event, closed)
    if request.method == "GET":
        return _form_page(request, event, FeedbackForm(), visit=feedback_visit_new(event) if walk_in else "")
    return _private(_answer(request, event, walk_in=walk_in, give=give))


def _closed_page(request: HttpRequest, event: Event, message: str) -> HttpResponse:
    """Why the form takes no answer; a 409 for an answer sent anyway."""
    status = 409 if request.method == "POST" else 200
    return _private(page(request, "web/feedback/closed.html", {"event": event, "message": message}, status=status))


def _closed(event: Event) -> str:
    try:
        raise_unless_feedback_open(event)
    except Conflict as refusal:
        return refusal.message
    return ""


def _already(registration) -> str:
    if registration.feedback_given:
        return _("This link has been used to answer already. Thank you!")
    if registration.status != RegistrationStatus.CONFIRMED:
        return _("Only people who had a seat answer by this link.")
    return ""


def _answer(request: HttpRequest, event: Event, *, walk_in: bool, give) -> HttpResponse:
    """Count the request, check the form, keep the answer; the thanks, or the form again saying what is wrong
    (a walk-in's with a new one-time number: the one sent was used or refused)."""
    form = FeedbackForm(request.POST)
    visit = feedback_visit_new(event) if walk_in else ""
    wait = request_wait(request, scope=THROTTLE_SCOPE, rate=settings.HUB_THROTTLE_FEEDBACK)
    if wait is not None:
        form.is_valid()
        minutes = max(1, -(-wait // 60))
        response = _form_page(request, event, form, visit=visit, status=429, other_errors=[
            _("Many answers came from your network in a short time. Please try again in %(minutes)d minutes.")
            % {"minutes": minutes}])
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        return _form_page(request, event, form, visit=visit, status=400)
    try:
        give(form.cleaned_data)
    except ValidationError as error:
        return _form_page(request, event, form, visit=visit, status=400,
                          other_errors=form_add_service_errors(form, error))
    except Conflict as refusal:
        return page(request, "web/feedback/closed.html", {"event": event, "message": refusal.message}, status=409)
    return page(request, "web/feedback/thanks.html", {"event": event})


def _form_page(request: HttpRequest, event: Event, form: FeedbackForm, *, visit: str = "", status: int = 200,
               other_errors=()) -> HttpResponse:
    return _private(page(request, "web/feedback/feedback.html", {
        "event": event, "form": form, "visit": visit, "other_errors": list(other_errors)}, status=status))


def _private(response: HttpResponse) -> HttpResponse:
    for header, value in PRIVATE.items():
        response[header] = value
    return response
