"""The staff's pages for the registrations of their lab's events: the list with counts, check-in, on-behalf, print, CSV.

Every page names people, so none is kept by a browser or proxy; who may see them, the selector
decides (the event's lab editors and the node administrators), as for the API.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Event, Registration
from events.registrations.mails import event_when
from events.registrations.selectors import registrations_for_staff
from events.registrations.services import (
    registration_cancel_by_staff,
    registration_check_in,
    registration_on_behalf,
)
from hub.choices import AccessibilityFeature
from hub.problems import Conflict
from web.access import page, writer_required
from web.forms import CheckInForm, OnBehalfForm, form_add_service_errors
from web.spreadsheets import csv_response
from web.views.registrations import page_language

CSV_COLUMNS = ("name", "email", "companions", "needs", "answer", "note", "status", "position", "code", "checked_in",
               "registered")


def _event_and_registrations(request: HttpRequest, uuid: UUID) -> tuple[Event, list[Registration]]:
    event = get_object_or_404(Event.objects.select_related("lab"), uuid=uuid)
    if not event.is_local:
        raise Http404
    return event, list(registrations_for_staff(event=event, actor=request.user))


@never_cache
@writer_required
@require_http_methods(["GET", "POST"])
def event_registrations(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The registrations of one event with its counts; check someone in, or register someone on their behalf."""
    event, registrations = _event_and_registrations(request, uuid)
    check_in, on_behalf = CheckInForm(prefix="checkin"), OnBehalfForm(prefix="behalf", event=event)
    other_errors: list[str] = []
    if request.method == "POST" and "checkin-code" in request.POST:
        check_in = CheckInForm(request.POST, prefix="checkin")
        if check_in.is_valid():
            return _check_in(request, event, check_in)
    elif request.method == "POST":
        on_behalf = OnBehalfForm(request.POST, prefix="behalf", event=event)
        if on_behalf.is_valid():
            try:
                registration = registration_on_behalf(event=event, actor=request.user, language=page_language(),
                                                      **on_behalf.cleaned_data)
            except ValidationError as error:
                other_errors = form_add_service_errors(on_behalf, error)
            except Conflict as conflict:
                other_errors = [conflict.message]
            else:
                messages.success(request, _("%(name)s is registered: %(status)s, code %(code)s.") % {
                    "name": registration.name, "status": registration.get_status_display(), "code": registration.code})
                return redirect("staff-event-registrations", uuid=event.uuid)
    status = 400 if request.method == "POST" else 200
    return page(request, "web/staff/registrations.html", _context(event, registrations) | {
        "check_in": check_in, "on_behalf": on_behalf, "other_errors": other_errors}, status=status)


def _check_in(request: HttpRequest, event: Event, form: CheckInForm) -> HttpResponse:
    try:
        registration = registration_check_in(event=event, code=form.cleaned_data["code"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Checked in: %(name)s (%(seats)d people).") % {
            "name": registration.name, "seats": registration.seats})
    return redirect("staff-event-registrations", uuid=event.uuid)


@never_cache
@writer_required
@require_POST
def event_registration_cancel(request: HttpRequest, uuid: UUID, registration_uuid: UUID) -> HttpResponse:
    """Cancel one registration of the event; its person is told, and the waiting list moves up."""
    event, _registrations = _event_and_registrations(request, uuid)
    registration = get_object_or_404(Registration, event=event, uuid=registration_uuid)
    registration_cancel_by_staff(registration=registration, actor=request.user)
    messages.success(request, _("The registration of %(name)s is cancelled.") % {"name": registration.name})
    return redirect("staff-event-registrations", uuid=event.uuid)


@never_cache
@writer_required
def event_registrations_print(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """A list for the door: the people with a seat by name, with their code, companions and needs."""
    event, registrations = _event_and_registrations(request, uuid)
    seated = sorted((r for r in registrations if r.status == "confirmed"), key=lambda r: r.name.casefold())
    return page(request, "web/staff/registrations_print.html", _context(event, seated))


@never_cache
@writer_required
def event_registrations_csv(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """The registrations as CSV (UTF-8 with BOM, for spreadsheets), safe to open: no cell runs as a formula."""
    event, registrations = _event_and_registrations(request, uuid)
    return csv_response(f"registrations-{event.uuid}.csv", CSV_COLUMNS, (_row(registration) for registration in registrations))


def _row(registration: Registration) -> list:
    moment = registration.checked_in_at and timezone.localtime(registration.checked_in_at).isoformat(timespec="minutes")
    return [registration.name, registration.email, registration.companions, ", ".join(_needs(registration)),
            registration.answer, registration.note, registration.status, registration.position or "",
            registration.code, moment or "", timezone.localtime(registration.created_at).isoformat(timespec="minutes")]


def _needs(registration: Registration) -> list[str]:
    return [str(AccessibilityFeature(need).label) for need in registration.needs if need in AccessibilityFeature.values]


def _context(event: Event, registrations: list[Registration]) -> dict:
    for registration in registrations:
        registration.need_labels = _needs(registration)
    return {"event": event, "registrations": registrations, "when": event_when(event),
            "failed_mails": sum(1 for r in registrations if r.mail_failed_at)}
