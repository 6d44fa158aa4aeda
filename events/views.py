"""The event pages and calendars."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse

from events.calendar import calendar_bytes
from events.models import Event
from api.filters import EventFilterSet
from api.selectors import events_listed
from events.selectors import event_for_reader
from hub.selectors import local_node
from hub.access import can_see_network
from hub.items import gone_response, item_response
from hub.negotiation import CALENDAR


def event_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """An event as a page, its signed document, or iCalendar."""
    event = event_for_reader(uuid=uuid, include_network=can_see_network(request), include_drafts=request.user.is_staff)
    if event is None:
        return gone_response(request, f"/events/{uuid}")
    return item_response(
        request, event, template="events/event_detail.html", formats={CALENDAR: calendar_response}
    )


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
