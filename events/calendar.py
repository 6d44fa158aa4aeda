"""Events as iCalendar (RFC 5545): one VEVENT per event, its IRI as UID, its zone as VTIMEZONE."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable

from icalendar import Calendar, Event as CalendarEvent, vGeo

from events.models import Event
from hub.choices import EventStatus

STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.RESCHEDULED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}


def calendar_bytes(events: Iterable[Event], *, name: str) -> bytes:
    """A calendar holding the given events, with a VTIMEZONE for every zone they use."""
    calendar = Calendar()
    calendar.add("prodid", "-//Stadtlabor Hub//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _vevent(event: Event) -> CalendarEvent:
    zone = zoneinfo.ZoneInfo(event.timezone)
    vevent = CalendarEvent()
    vevent.add("uid", event.iri)
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("dtstamp", event.date_modified)
    vevent.add("last-modified", event.date_modified)
    vevent.add("sequence", event.version - 1)
    vevent.add("status", STATUS[event.status])
    vevent.add("url", event.iri)
    if event.description:
        vevent.add("description", event.description)
    location = ", ".join(part for part in (event.place_name, event.place_address.replace("\n", ", ")) if part)
    if location or event.online_url:
        vevent.add("location", location or event.online_url)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", vGeo((float(event.latitude), float(event.longitude))))
    if event.keywords:
        vevent.add("categories", event.keywords)
    return vevent
