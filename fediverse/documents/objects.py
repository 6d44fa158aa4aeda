"""A public event as an ActivityStreams ``Event`` following FEP-8a8e; a method card as an ``Article``.

Nothing of a registration travels: the seats left are a number, never who holds them.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from events.models import Event
from fediverse import iris
from fediverse.documents.context import CONTEXT
from fediverse.documents.text import html_of_markdown, link_paragraph, text_paragraph
from hub.choices import AttendanceMode, EventStatus, Registration
from hub.models import FederatedItem
from methods.models import MethodCard

# FEP-8a8e's event status, in iCalendar's words (schema.org has no "tentative"); Mobilizon reads ical:status.
STATUS = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.RESCHEDULED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
}
ONLINE_LINK_NAME = "Website"  # the name Mobilizon gives an online event's link in ``attachment``


def object_document(item: FederatedItem) -> dict[str, Any]:
    """The ActivityStreams object of a public event or method card."""
    return event_document(item) if isinstance(item, Event) else article_document(item)


def event_document(event: Event) -> dict[str, Any]:
    """An event as FEP-8a8e describes it, with a plain "place, date" summary and HTML content for Mastodon."""
    language = primary_language(event.languages[0] if event.languages else settings.LANGUAGE_CODE)
    zone = zoneinfo.ZoneInfo(event.timezone)
    with translation.override(language):
        summary = event_summary(event)
        content = _event_content(event)
    document = {
        "@context": CONTEXT,
        "id": iris.object_iri(event),
        "type": "Event",
        "name": event.title,
        "summary": summary,
        "content": content,
        "contentMap": {language: content},
        "mediaType": "text/html",
        "url": iris.item_page(event),
        "attributedTo": iris.actor_iri(event.lab),
        "organizers": [iris.actor_iri(event.lab)],
        "startTime": event.start.astimezone(zone).isoformat(),
        "endTime": event.end.astimezone(zone).isoformat(),
        "timezone": event.timezone,
        "eventStatus": STATUS[event.status],
        "ical:status": STATUS[event.status],
        "isOnline": event.attendance_mode == AttendanceMode.ONLINE,
        "inLanguage": event.languages or [language],
        "published": event.date_created.isoformat(),
        "updated": event.date_modified.isoformat(),
        "to": [iris.PUBLIC],
        "cc": [iris.followers_iri(event.lab)],
        **_join(event),
        **_places(event),
    }
    if event.capacity:
        document["maximumAttendeeCapacity"] = event.capacity
    if event.seats_left is not None:
        document["remainingAttendeeCapacity"] = event.seats_left
    return document


def event_summary(event: Event, *, marked: bool = True) -> str:
    """"Place, date" in plain text, in the active language and the event's own zone (``marked``: a
    cancelled event's summary says so first)."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    place = _place_name(event) or gettext("Online")
    when = f"{_day(start)}, {_time(start)}–" + (_time(end) if end.date() == start.date() else f"{_day(end)}, {_time(end)}")
    summary = f"{place}, {when}"
    if marked and event.status == EventStatus.CANCELLED:
        summary = gettext("Cancelled: %(summary)s") % {"summary": summary}
    return summary


def _place_name(event: Event) -> str:
    """The place's name, else the first line of its address, else nothing (an online event)."""
    lines = event.place_address.strip().splitlines()
    return event.place_name or (lines[0].strip() if lines else "")


def _day(moment: datetime) -> str:
    return formats.date_format(moment, "DATE_FORMAT")


def _time(moment: datetime) -> str:
    return formats.time_format(moment, "TIME_FORMAT")


def _event_content(event: Event) -> str:
    html = text_paragraph(event_summary(event)) + html_of_markdown(event.description)
    return html + link_paragraph(gettext("Details and registration"), iris.item_page(event))


def _join(event: Event) -> dict[str, Any]:
    """FEP-8a8e's join mode: free, or external with the origin's registration address."""
    if event.registration == Registration.NODE:
        url = iris.absolute(reverse("event-register", kwargs={"uuid": event.uuid}))
    elif event.registration in (Registration.RECOMMENDED, Registration.REQUIRED) and event.registration_url:
        url = event.registration_url
    else:
        return {"joinMode": "free"}
    return {"joinMode": "external", "externalParticipationUrl": url}


def _places(event: Event) -> dict[str, Any]:
    """``location``: a Place with its address and coordinates, a VirtualLocation with the online link, or both."""
    locations: list[dict[str, Any]] = []
    if event.place_name or event.place_address:
        place: dict[str, Any] = {"type": "Place", "name": _place_name(event)}
        if event.place_address:
            place["address"] = {"type": "PostalAddress", "streetAddress": event.place_address}
        if event.latitude is not None and event.longitude is not None:
            place |= {"latitude": float(event.latitude), "longitude": float(event.longitude)}
        locations.append(place)
    fields: dict[str, Any] = {}
    if event.online_url:
        locations.append({"type": "VirtualLocation", "url": event.online_url})
        fields["attachment"] = [{"type": "Link", "name": ONLINE_LINK_NAME, "mediaType": "text/html", "href": event.online_url}]
    if locations:
        fields["location"] = locations[0] if len(locations) == 1 else locations
    return fields


def article_document(method: MethodCard) -> dict[str, Any]:
    """A method card as an Article: its title, its summary in plain text and as HTML, a link to the card."""
    language = primary_language(method.language)
    with translation.override(language):
        content = text_paragraph(method.summary) + link_paragraph(gettext("Read the method card"), iris.item_page(method))
    return {
        "@context": CONTEXT,
        "id": iris.object_iri(method),
        "type": "Article",
        "name": method.title,
        "summary": method.summary,
        "content": content,
        "contentMap": {language: content},
        "mediaType": "text/html",
        "url": iris.item_page(method),
        "attributedTo": iris.actor_iri(method.lab),
        "inLanguage": method.language,
        "license": method.license,
        "published": method.date_created.isoformat(),
        "updated": method.date_modified.isoformat(),
        "to": [iris.PUBLIC],
        "cc": [iris.followers_iri(method.lab)],
    }


def primary_language(tag: str) -> str:
    """The primary subtag, which Mastodon's ``contentMap`` and Django's translations use."""
    return (tag or settings.LANGUAGE_CODE).split("-")[0].lower()
