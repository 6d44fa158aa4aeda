"""The Event document (schema:Event)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from events.models import LARGEST_AUDIENCE, Event, iana_zones
from federation.codecs.closing import (
    closing_from_document,
    closing_report_published,
    closing_to_document,
)
from federation.codecs.common import Decoded, item_header, read_header, read_lab, uuid_of
from federation.codecs.labs import geo_document, read_geo
from federation.codecs.shape import (
    MAX_URL,
    DocumentError,
    Reader,
    allowed_values,
    compact,
    raise_if_inconsistent,
)
from hub.choices import AccessibilityFeature, AttendanceMode, EventStatus, Registration, TargetGroup

STATUS = {
    EventStatus.SCHEDULED: "EventScheduled",
    EventStatus.CANCELLED: "EventCancelled",
    EventStatus.POSTPONED: "EventPostponed",
    EventStatus.RESCHEDULED: "EventRescheduled",
}
ATTENDANCE = {
    AttendanceMode.IN_PERSON: "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
    AttendanceMode.HYBRID: "MixedEventAttendanceMode",
}
STATUS_BY_TERM = {term: value for value, term in STATUS.items()}
ATTENDANCE_BY_TERM = {term: value for value, term in ATTENDANCE.items()}
# The controlled lists as sets, made once (``Choices.values`` builds a new list on every access).
STATUS_TERMS = allowed_values(STATUS_BY_TERM)
ATTENDANCE_TERMS = allowed_values(ATTENDANCE_BY_TERM)
TARGET_GROUPS = allowed_values(TargetGroup.values)
ACCESSIBILITY_FEATURES = allowed_values(AccessibilityFeature.values)
REGISTRATIONS = allowed_values(Registration.values)
LOCATION_TYPES = allowed_values(["Place", "VirtualLocation"])


def event_to_document(event: Event) -> dict[str, Any]:
    """An event as its compact JSON-LD document (without proof), its times in its own zone."""
    zone = zoneinfo.ZoneInfo(event.timezone)
    return item_header(event, "Event") | compact(
        {
            "name": event.title,
            "description": event.description,
            "startDate": event.start.astimezone(zone).isoformat(),
            "endDate": event.end.astimezone(zone).isoformat(),
            "timezone": event.timezone,
            "eventAttendanceMode": ATTENDANCE[event.attendance_mode],
            "eventStatus": STATUS[event.status],
            "location": _locations(event),
            "organizer": event.lab_id,
            "targetGroup": event.target_groups,
            "inLanguage": event.languages,
            "isAccessibleForFree": event.is_free,
            "accessibilityFeature": event.accessibility_features,
            "accessibilityNote": event.accessibility_notes,
            "maximumAttendeeCapacity": event.capacity,
            # The seats open to registration nobody holds yet, when people register on this node; never who holds them.
            "remainingAttendeeCapacity": event.seats_left,
            "registration": event.registration,
            "registrationUrl": event.registration_url,
            "keywords": event.keywords,
            "usesMethod": event.method_iris,
            "closingReport": closing_to_document(closing_report_published(event)),
        }
    )


def _locations(event: Event) -> list[dict[str, Any]]:
    places = []
    if event.place_name or event.place_address:
        places.append(
            compact(
                {
                    "type": "Place",
                    "name": event.place_name,
                    "address": event.place_address,
                    "geo": geo_document(event.latitude, event.longitude),
                }
            )
        )
    if event.online_url:
        places.append({"type": "VirtualLocation", "url": event.online_url})
    return places


def event_from_document(reader: Reader) -> Decoded:
    """An event's model fields from its document."""
    decoded = read_header(reader, "Event")
    timezone = reader.text("timezone", required=True, max_length=64)
    if timezone not in iana_zones():
        raise DocumentError(f"{reader.where}.timezone must be an IANA time zone such as Europe/Berlin")
    start, end = reader.datetime("startDate", required=True), reader.datetime("endDate", required=True)
    if end <= start:
        raise DocumentError(f"{reader.where}.endDate must lie after startDate")
    decoded.fields |= {
        "uuid": uuid_of(decoded.iri),
        "title": reader.text("name", required=True, max_length=200),
        "description": reader.text("description"),
        "start": start,
        "end": end,
        "timezone": timezone,
        "attendance_mode": ATTENDANCE_BY_TERM[reader.choice("eventAttendanceMode", ATTENDANCE_TERMS, required=True)],
        "status": STATUS_BY_TERM[reader.choice("eventStatus", STATUS_TERMS, required=True)],
        "lab_id": read_lab(reader, "organizer", decoded.origin_iri),
        "target_groups": reader.choices("targetGroup", TARGET_GROUPS),
        "languages": reader.languages("inLanguage", max_items=20),
        "is_free": reader.boolean("isAccessibleForFree", default=True),
        "accessibility_features": reader.choices("accessibilityFeature", ACCESSIBILITY_FEATURES),
        "accessibility_notes": reader.text("accessibilityNote"),
        "capacity": reader.integer("maximumAttendeeCapacity", minimum=1, maximum=LARGEST_AUDIENCE),
        "remaining_capacity": reader.integer("remainingAttendeeCapacity", minimum=0, maximum=LARGEST_AUDIENCE),
        "registration": reader.choice("registration", REGISTRATIONS, default=Registration.NONE),
        "registration_url": reader.iri("registrationUrl", max_length=MAX_URL),
        "keywords": reader.texts("keywords", max_items=50, max_length=80),
        "method_iris": reader.iris("usesMethod"),
        **_read_locations(reader),
    }
    decoded.related["closing_report"] = closing_from_document(reader)
    reader.finish()
    raise_if_inconsistent(Event, decoded.fields)
    return decoded


def _read_locations(reader: Reader) -> dict[str, Any]:
    fields: dict[str, Any] = {"place_name": "", "place_address": "", "online_url": "", "latitude": None, "longitude": None}
    kinds = []
    for location in reader.objects("location", max_items=2):
        kind = location.choice("type", LOCATION_TYPES, required=True)
        if kind in kinds:
            raise DocumentError(f"{reader.where}.location holds at most one Place and one VirtualLocation")
        kinds.append(kind)
        if kind == "Place":
            fields |= {
                "place_name": location.text("name", max_length=200),
                "place_address": location.text("address", max_length=1000),
                **read_geo(location),
            }
        else:
            fields["online_url"] = location.iri("url", required=True, max_length=MAX_URL)
        location.finish()
    return fields
