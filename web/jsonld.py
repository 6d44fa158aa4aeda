"""schema.org descriptions for search engines, embedded in item pages."""

from __future__ import annotations

import zoneinfo
from typing import Any

from events.models import Event
from federation.codecs.events import (  # the schema.org terms the documents use too
    ATTENDANCE,
    STATUS,
)

SCHEMA = "https://schema.org/"


def event_schema_org(event: Event) -> dict[str, Any]:
    """The event as a schema.org Event, its times in its own zone."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": event.iri,
        "url": event.iri,
        "name": event.title,
        "startDate": event.start.astimezone(zone).isoformat(),
        "endDate": event.end.astimezone(zone).isoformat(),
        "eventStatus": SCHEMA + STATUS.get(event.status, "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE.get(event.attendance_mode, "OfflineEventAttendanceMode"),
        "isAccessibleForFree": event.is_free,
    }
    optional = {
        "description": event.description,
        "inLanguage": event.languages,
        "keywords": ", ".join(event.keywords),
        "maximumAttendeeCapacity": event.capacity,
        "remainingAttendeeCapacity": event.seats_left,
        "location": _locations(event),
        "organizer": _organizer(event),
    }
    document.update({key: value for key, value in optional.items() if value or value == 0})  # no seats left is news
    return document


def _locations(event: Event) -> list[dict[str, Any]]:
    locations: list[dict[str, Any]] = []
    if event.place_name or event.place_address:
        place: dict[str, Any] = {"@type": "Place", "name": event.place_name or event.place_address}
        if event.place_address:
            place["address"] = event.place_address
        if event.latitude is not None and event.longitude is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": float(event.latitude), "longitude": float(event.longitude)}
        locations.append(place)
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    return locations


def _organizer(event: Event) -> dict[str, Any] | None:
    if event.lab is None:
        return None
    organizer = {"@type": "Organization", "@id": event.lab.iri, "name": event.lab.name}
    if event.lab.website:
        organizer["url"] = event.lab.website
    return organizer
