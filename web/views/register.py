"""Registering for an event on this node: the form on the event's page sends here.

Whether or not the e-mail address was registered for the event already, the answer is the same
page, “check your inbox” (the services send that address its own link again): nobody learns who
registered. Requests are counted per address and per e-mail address, as the API counts them.
"""

from __future__ import annotations

import logging
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import Event
from events.registrations.services import registration_request
from events.selectors import event_for_reader
from federation.throttle import registration_wait
from hub.access import can_see_network
from hub.problems import Conflict
from web.access import page
from web.forms import form_add_service_errors
from web.registering import RegistrationOffer, registration_offer

log = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
def event_register(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """GET: the form on a page of its own; POST: ask for a seat, then “check your inbox”."""
    event = event_for_reader(uuid=uuid, include_network=can_see_network(request), include_drafts=False)
    offer = registration_offer(event, data=request.POST or None) if event is not None else None
    if offer is None:
        raise Http404
    if request.method == "GET":
        return _register_page(request, offer)
    if offer.form is None:
        return _register_page(request, offer, status=409)
    wait = registration_wait(request=request, email=request.POST.get("email"))
    if wait is not None:
        return _throttled(request, offer, wait)
    if offer.form.is_robot:
        log.info("registration form of event %s: the hidden field was filled in; nothing kept", event.uuid)
        return _requested(request, event, str(request.POST.get("email", "")))
    if not offer.form.is_valid():
        return _register_page(request, offer, status=400)
    try:
        registration_request(event=event, **offer.form.answers())
    except ValidationError as error:
        return _register_page(request, offer, status=400, other_errors=form_add_service_errors(offer.form, error))
    except Conflict as refusal:
        return _register_page(request, offer, status=409, other_errors=[refusal.message])
    return _requested(request, event, offer.form.cleaned_data["email"])


def _register_page(request: HttpRequest, offer: RegistrationOffer, *, status: int = 200, other_errors=()) -> HttpResponse:
    return page(request, "web/events/event_register.html", {
        "item": offer.event, "offer": offer, "form": offer.form, "other_errors": list(other_errors),
    }, status=status)


def _throttled(request: HttpRequest, offer: RegistrationOffer, wait: int) -> HttpResponse:
    minutes = max(1, -(-wait // 60))
    message = _("You have sent many registrations in a short time. Please try again in %(minutes)d minutes.") % {
        "minutes": minutes}
    offer.form.is_valid()  # the fields show what the person typed, with any mistakes
    response = _register_page(request, offer, status=429, other_errors=[message])
    response["Retry-After"] = str(wait)
    return response


def _requested(request: HttpRequest, event: Event, email: str) -> HttpResponse:
    return page(request, "web/events/registration_requested.html", {"item": event, "email": email})
