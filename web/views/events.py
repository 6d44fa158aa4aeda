"""The event pages and calendars, and the staff's forms for this node's events."""

from __future__ import annotations

from functools import cached_property, partial
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.calendar import calendar_bytes
from events.closing.figures import FeedbackSummary
from events.closing.selectors import closing_report_for_reader
from events.filters import EventFilterSet
from events.models import ClosingReport, Event
from events.selectors import event_for_reader, events_listed
from events.services import EVENT_FIELDS, event_create, event_delete, event_update
from hub.access import can_see_drafts, can_see_network
from hub.choices import EventStatus
from hub.negotiation import CALENDAR
from hub.roles import grants_of, labs_editable, raise_unless_may_edit
from hub.selectors import local_node
from hub.services.items import MirroredItemError
from methods.selectors import methods_visible
from web.access import confirm_delete, page, writer_required
from web.agenda import agenda_events
from web.closing import MethodUsed, methods_used
from web.forms import EventForm, form_add_service_errors
from web.items import gone_response, item_response
from web.jsonld import event_schema_org
from web.paging import PAGE_SIZES
from web.registering import RegistrationOffer, registration_offer


def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming or past events by day, with filters and counts."""
    agenda = agenda_events(data=request.GET, include_network=can_see_network(request))
    calendar_query = agenda.data.copy()
    for name in ("page", "per_page"):
        calendar_query.pop(name, None)
    return page(request, "web/events/event_list.html", {
        "agenda": agenda, "page_sizes": PAGE_SIZES, "per_page": agenda.page.paginator.per_page,
        "calendar_query": calendar_query.urlencode(),
    })


def event_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """An event as a page, its signed document, or iCalendar."""
    event = event_for_reader(uuid=uuid, include_network=can_see_network(request), include_drafts=can_see_drafts(request))
    if event is None:
        return gone_response(request, f"/events/{uuid}")
    return item_response(
        request, event, template="web/events/event_detail.html", formats={CALENDAR: calendar_response},
        context={"event_page": EventPage(request, event)},
    )


class EventPage:
    """What an event's page shows beside the event, read only when the page is rendered."""

    def __init__(self, request: HttpRequest, event: Event) -> None:
        self.include_network = can_see_network(request)
        self.request = request
        self.event = event
        self.user = request.user

    @cached_property
    def editable(self) -> bool:
        """Whether the person may change this event: it is this node's, of a lab they write for."""
        return self.event.is_local and grants_of(self.user).may_edit(self.event.lab_id)

    @cached_property
    def schema_org(self) -> dict:
        return event_schema_org(self.event)

    @cached_property
    def registration(self) -> RegistrationOffer | None:
        """The seats and the form to register, for an event people register for on its node."""
        return registration_offer(self.event)

    @cached_property
    def closing(self) -> ClosingReport | None:
        """The event's closing report, once its lab published it."""
        return closing_report_for_reader(event=self.event, actor=None)

    @cached_property
    def closing_methods(self) -> list[MethodUsed]:
        """The methods the published closing report says were used, with their titles where this node holds them."""
        return methods_used(self.closing, include_network=self.include_network) if self.closing else []

    @cached_property
    def closing_feedback(self) -> FeedbackSummary | None:
        """The participants' feedback as the published closing report gives it."""
        return FeedbackSummary(list(self.closing.feedback_ratings), list(self.closing.quotes)) if self.closing else None

    @cached_property
    def is_over(self) -> bool:
        """Whether the event has ended (its closing report can be written)."""
        return self.event.end <= timezone.now() and self.event.status != EventStatus.CANCELLED

    @cached_property
    def methods(self) -> list:
        """The method cards the event uses that the reader may see."""
        return list(methods_visible(include_network=self.include_network).filter(iri__in=self.event.method_iris))


def event_ics(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """One event as an .ics file for the “add to calendar” link."""
    event = event_for_reader(uuid=uuid, include_network=can_see_network(request), include_drafts=can_see_drafts(request))
    if event is None:
        raise Http404
    response = calendar_response(event)
    response["Content-Disposition"] = f'attachment; filename="{event.uuid}.ics"'
    return response


def calendar_response(event: Event) -> HttpResponse:
    """One event as an .ics file."""
    response = HttpResponse(calendar_bytes([event], name=event.title), content_type=f"{CALENDAR}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{event.uuid}.ics"'
    return response


MAX_CALENDAR_EVENTS = 2000


def events_calendar(request: HttpRequest) -> HttpResponse:
    """GET /events.ics: the calendar of the events the reader may see, filtered like /api/events/."""
    filterset = EventFilterSet(request.GET, queryset=events_listed(include_network=can_see_network(request)))
    if not filterset.is_valid():
        errors = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items())
        return HttpResponse(f"Invalid filter: {errors}\n", status=400, content_type="text/plain; charset=utf-8")
    events = filterset.qs[:MAX_CALENDAR_EVENTS]
    response = HttpResponse(calendar_bytes(events, name=local_node().name), content_type=f"{CALENDAR}; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


# --- staff ------------------------------------------------------------------------------------


@writer_required
@require_http_methods(["GET", "POST"])
def event_create_view(request: HttpRequest) -> HttpResponse:
    """Create an event of this node."""
    return _event_form(request, None)


@writer_required
@require_http_methods(["GET", "POST"])
def event_edit_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Change an event of one of the person's labs; mirrored events are read-only."""
    return _event_form(request, _writable_event_or_404(request, uuid))


@writer_required
@require_http_methods(["GET", "POST"])
def event_delete_view(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """Confirm, then delete an event of one of the person's labs."""
    event = _writable_event_or_404(request, uuid)
    delete = partial(event_delete, event=event, actor=request.user)
    return confirm_delete(request, event, delete=delete, cancel_url=event_url(event))


def _event_form(request: HttpRequest, event: Event | None) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event, labs=labs_editable(request.user))
    other_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in EVENT_FIELDS if name in form.cleaned_data}
        try:
            if event is None:
                saved = event_create(actor=request.user, **fields)
            else:
                saved = event_update(event=event, actor=request.user, **fields)
        except ValidationError as error:
            other_errors = form_add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": saved.title})
            return redirect(event_url(saved))
    status = 400 if request.method == "POST" else 200
    return page(request, "web/events/event_form.html", {"form": form, "event": event, "other_errors": other_errors}, status=status)


def event_url(event: Event) -> str:
    """The event's page."""
    return reverse("event-detail", kwargs={"uuid": event.uuid})


def _writable_event_or_404(request: HttpRequest, uuid: UUID) -> Event:
    """The event, if it is this node's and the person may write its lab's items (as the services will check)."""
    event = Event.objects.select_related("lab", "origin").filter(uuid=uuid).first()
    if event is None:
        raise Http404
    if not event.is_local:
        raise MirroredItemError(event)
    raise_unless_may_edit(actor=request.user, lab=event.lab_id)
    return event
