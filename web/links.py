"""Where the pages of items live on this node, for local and mirrored items alike."""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from django.urls import reverse

from hub.models import Lab


def lab_path(lab: Lab) -> str:
    """The lab's page on this node: /labs/{slug} for our own, /labs/{origin host}/{slug} for mirrored ones."""
    if lab.is_local:
        return reverse("lab-detail", kwargs={"slug": lab.slug})
    return reverse("lab-mirrored", kwargs={"host": urlsplit(lab.iri).netloc, "slug": lab.slug})


def lab_iri_candidates(host: str, slug: str) -> list[str]:
    """The IRIs a mirrored lab at /labs/{host}/{slug} may have."""
    return [f"{scheme}://{host}/labs/{slug}" for scheme in ("https", "http")]


def openstreetmap_url(*, latitude=None, longitude=None, address: str = "") -> str:
    """A link to the place on openstreetmap.org: the point when known, else a search for the address."""
    if latitude is not None and longitude is not None:
        lat, lon = f"{float(latitude):.6f}", f"{float(longitude):.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    if address:
        return "https://www.openstreetmap.org/search?" + urlencode({"query": address}, quote_via=quote)
    return ""
