"""Events as iCalendar (RFC 5545): one VEVENT per event, its IRI as UID, its zone as VTIMEZONE.

Titles, descriptions and places come from any node of the network. Every text goes out as an
escaped TEXT value (line breaks as ``\\n``, ``;`` ``,`` ``\\`` escaped), so nothing a peer writes
can end a content line and start a property of its own.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import date

from icalendar import Calendar, vGeo, vText
from icalendar import Event as CalendarEvent

from events.models import Event
from hub.choices import EventStatus

STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.RESCHEDULED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}
LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def calendar_bytes(events: Iterable[Event], *, name: str) -> bytes:
    """A calendar holding the given events, with a VTIMEZONE for every zone they use.

    Each VTIMEZONE lists the zone's transitions over the years of the events only (from the first
    start's year to the year after the last end), not every transition since 1970.
    """
    events = list(events)
    calendar = Calendar()
    calendar.add("prodid", "-//Stadtlabor Hub//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    # An X- property has no type icalendar knows, so it would go out unescaped: say it is TEXT.
    calendar.add("x-wr-calname", vText(one_line(name)))
    for event in events:
        calendar.add_component(_vevent(event))
    if events:
        first_year = min(event.start for event in events).year
        last_year = max(event.end for event in events).year
        calendar.add_missing_timezones(first_date=date(first_year, 1, 1), last_date=date(last_year + 2, 1, 1))
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
    location = ", ".join(part for part in (one_line(event.place_name), one_line(event.place_address, ", ")) if part)
    if location or event.online_url:
        vevent.add("location", location or event.online_url)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", vGeo((float(event.latitude), float(event.longitude))))
    if event.keywords:
        vevent.add("categories", event.keywords)
    return vevent


def one_line(text: str, separator: str = " ") -> str:
    """The text with every run of line breaks (CR, LF, CRLF) replaced by ``separator``."""
    return LINE_BREAKS.sub(separator, text.strip())
