"""The Lab document (schema:Organization)."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from federation.codecs.common import Decoded, item_header, last_segment, read_header
from federation.codecs.shape import MAX_URL, DocumentError, Reader, compact, raise_if_inconsistent
from hub.models import Lab


def geo_document(latitude, longitude) -> dict[str, Any] | None:
    """Coordinates as schema:GeoCoordinates, or None."""
    if latitude is None or longitude is None:
        return None
    return {"type": "GeoCoordinates", "latitude": float(latitude), "longitude": float(longitude)}


def read_geo(reader: Reader) -> dict[str, Any]:
    """Latitude and longitude from an optional ``geo`` object."""
    geo = reader.object("geo")
    if geo is None:
        return {"latitude": None, "longitude": None}
    geo.choice("type", ["GeoCoordinates"], required=True)
    coordinates = {"latitude": geo.decimal("latitude", limit=90), "longitude": geo.decimal("longitude", limit=180)}
    geo.finish()
    if None in coordinates.values():
        raise DocumentError(f"{geo.where} needs both latitude and longitude")
    return coordinates


def lab_to_document(lab: Lab) -> dict[str, Any]:
    """A lab as its compact JSON-LD document (without proof)."""
    return item_header(lab, "Lab") | compact(
        {
            "name": lab.name,
            "city": lab.city,
            "description": lab.description,
            "address": {"type": "PostalAddress", "streetAddress": lab.address, "addressLocality": lab.city}
            if lab.address
            else None,
            "geo": geo_document(lab.latitude, lab.longitude),
            "url": lab.website,
            "email": lab.email,
            "openingHours": lab.opening_hours,
            "accessibilityNote": lab.accessibility,
        }
    )


def lab_from_document(reader: Reader) -> Decoded:
    """A lab's model fields from its document."""
    decoded = read_header(reader, "Lab")
    address = reader.object("address")
    street = ""
    if address is not None:
        address.choice("type", ["PostalAddress"], required=True)
        street = address.text("streetAddress", max_length=1000)
        address.text("addressLocality", max_length=200)
        address.finish()
    slug = last_segment(decoded.iri)
    if slugify(slug) != slug or len(slug) > 80:
        raise DocumentError(f"the id of a lab must end in its short name (letters, digits, hyphens); got {slug!r}")
    decoded.fields |= {
        "slug": slug,
        "name": reader.text("name", required=True, max_length=200),
        "city": reader.text("city", required=True, max_length=200),
        "description": reader.text("description"),
        "address": street,
        "website": reader.iri("url", max_length=MAX_URL),
        "email": reader.email("email"),
        "opening_hours": reader.text("openingHours", max_length=2000),
        "accessibility": reader.text("accessibilityNote", max_length=5000),
        **read_geo(reader),
    }
    reader.finish()
    raise_if_inconsistent(Lab, decoded.fields)
    return decoded
