"""The JSON-LD context of every document of the fediverse face."""

from __future__ import annotations

ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"

# The terms beyond ActivityStreams, named as Mobilizon and Mastodon name them (the prefixes too), so
# that their readers, which go by the JSON keys, and JSON-LD processors read the same thing.
EXTENSION = {
    "sc": "http://schema.org#",
    "mz": "https://joinmobilizon.org/ns#",
    "ical": "http://www.w3.org/2002/12/cal/ical#",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "PropertyValue": "sc:PropertyValue",
    "value": "sc:value",
    "PostalAddress": "sc:PostalAddress",
    "VirtualLocation": "sc:VirtualLocation",
    "address": {"@id": "sc:address"},
    "streetAddress": "sc:streetAddress",
    "addressLocality": "sc:addressLocality",
    "inLanguage": "sc:inLanguage",
    "license": {"@id": "sc:license", "@type": "@id"},
    "organizers": {"@id": "sc:organizer", "@type": "@id"},
    "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
    "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
    "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
    "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
    "externalParticipationUrl": {"@id": "mz:externalParticipationUrl", "@type": "sc:URL"},
    "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
    "eventStatus": {"@id": "ical:status"},
    # FEP-844e's term (its context document, https://w3id.org/fep/844e, defines it alike), for the actor's generator
    "implements": {"@id": "https://w3id.org/fep/844e/implements", "@type": "@id", "@container": "@set"},
}
CONTEXT = [ACTIVITYSTREAMS, SECURITY, EXTENSION]
