"""A lab's regional key as DCAT-AP.de's political geocoding (https://www.dcat-ap.de/def/politicalGeocoding/).

A Regionalschlüssel (12 digits) names a concept of the ``regionalKey`` list, a Gemeindeschlüssel (8 digits)
one of the ``municipalityKey`` list; both lie on the level ``municipality``.
"""

from __future__ import annotations

POLITICAL_GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
MUNICIPALITY_LEVEL = POLITICAL_GEOCODING + "Level/municipality"
KEY_LISTS = {12: "regionalKey", 8: "municipalityKey"}


def political_geocoding_uri(key: str) -> str | None:
    """The vocabulary's IRI for a validated regional key (``hub.validators.regional_key``), None without one."""
    return f"{POLITICAL_GEOCODING}{KEY_LISTS[len(key)]}/{key}" if key else None
