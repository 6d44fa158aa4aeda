"""The JSON of actors and objects, read by a JSON-LD processor (pyld) against the bundled contexts only:
every property means something in ActivityStreams or the named vocabularies, none is dropped."""

from __future__ import annotations

import pytest

from federation.jsonld import BUNDLED, canonize, expand
from fediverse import documents
from fediverse.documents import CONTEXT
from hub.roles import SYSTEM
from methods.services import method_create
from tests.events.factories import registered, seated_event

pytestmark = pytest.mark.django_db
AS = "https://www.w3.org/ns/activitystreams#"


def only_bundled_contexts(document) -> None:
    """Every context URL is one the bundled loader serves (nothing is fetched), and no property is dropped."""
    urls = [entry for entry in document["@context"] if isinstance(entry, str)]
    assert set(urls) <= BUNDLED.urls
    canonize(document)  # raises DroppedPropertyError for a property JSON-LD would drop


def test_the_actor_is_a_jsonld_organization_with_its_key(public_lab):
    actor = documents.actor_document(public_lab)
    only_bundled_contexts(actor)
    expanded = expand(actor)[0]
    assert expanded["@type"] == [AS + "Organization"]
    assert expanded[AS + "preferredUsername"][0]["@value"] == public_lab.slug
    key = expanded["https://w3id.org/security#publicKey"][0]
    assert key["@id"] == actor["id"] + "#main-key"
    assert key["https://w3id.org/security#owner"][0]["@id"] == actor["id"]
    assert "BEGIN PUBLIC KEY" in key["https://w3id.org/security#publicKeyPem"][0]["@value"]
    generator = expanded[AS + "generator"][0]  # FEP-844e: the inbox takes RFC 9421
    assert generator["@type"] == [AS + "Application"]
    [capability] = generator["https://w3id.org/fep/844e/implements"]
    assert capability[AS + "href"] == [{"@id": "https://datatracker.ietf.org/doc/html/rfc9421"}]


def test_an_event_is_a_jsonld_event_as_fep_8a8e_describes_it(public_lab):
    event = seated_event(public_lab, latitude="50.081000", longitude="8.240000", languages=["de"], max_companions=2)
    registered(event, 1, companions=2)
    event.refresh_from_db()
    document = documents.event_document(event)
    only_bundled_contexts(document)
    expanded = expand(document)[0]
    assert expanded["@type"] == [AS + "Event"]
    assert expanded[AS + "startTime"][0]["@value"] == document["startTime"]
    assert document["startTime"].endswith(("+01:00", "+02:00")) and document["timezone"] == "Europe/Berlin"
    assert expanded["http://www.w3.org/2002/12/cal/ical#status"][0]["@value"] == "CONFIRMED"
    assert expanded["http://schema.org#maximumAttendeeCapacity"][0]["@value"] == 20
    assert expanded["http://schema.org#remainingAttendeeCapacity"][0]["@value"] == 17
    assert expanded["https://joinmobilizon.org/ns#joinMode"][0]["@value"] == "external"
    place = expanded[AS + "location"][0]
    assert place["@type"] == [AS + "Place"] and place[AS + "latitude"][0]["@value"] == 50.081
    assert place["http://schema.org#address"][0]["http://schema.org#streetAddress"][0]["@value"] == "Marktstraße 5, 65183 Wiesbaden"
    assert document["externalParticipationUrl"].endswith(f"/events/{event.uuid}/register")


def test_an_event_shows_mastodon_a_place_date_summary_and_sanitised_html(public_lab):
    event = seated_event(public_lab, description='Mit **Kaffee**.<script>alert(1)</script> <a href="javascript:x">x</a>',
                         languages=["de"])
    document = documents.event_document(event)
    assert document["summary"].startswith("Stadtteilbüro Nordstadt, ")
    assert "<strong>Kaffee</strong>" in document["content"]
    assert "<script" not in document["content"] and "javascript:" not in document["content"]
    assert document["contentMap"] == {"de": document["content"]}


def test_an_online_event_has_its_link_as_location_and_attachment(public_lab):
    event = seated_event(public_lab, attendance_mode="online", place_name="", place_address="",
                         online_url="https://meet.example.org/raum", registration="none", capacity=None)
    document = documents.event_document(event)
    only_bundled_contexts(document)
    assert document["location"] == {"type": "VirtualLocation", "url": "https://meet.example.org/raum"}
    assert document["attachment"][0]["href"] == "https://meet.example.org/raum"
    assert document["isOnline"] is True and document["joinMode"] == "free"
    assert "maximumAttendeeCapacity" not in document and "remainingAttendeeCapacity" not in document


def test_no_registrant_appears_in_an_events_document(public_lab):
    event = seated_event(public_lab, question="Was brauchen Sie?")
    registered(event, 1, name="Erika Mustermann", email="erika@example.org", answer="Rollstuhlplatz")
    text = str(documents.event_document(event)) + str(documents.create(public_lab, documents.event_document(event)))
    for personal in ("Erika", "erika@example.org", "Rollstuhlplatz"):
        assert personal not in text


def test_a_method_card_is_a_jsonld_article_with_summary_and_link(public_lab):
    method = method_create(actor=SYSTEM, title="Stadtspaziergang", summary="Gehen und fragen.", phase="erkunden",
                           lab=public_lab, steps=[{"title": "Losgehen"}])
    document = documents.article_document(method)
    only_bundled_contexts(document)
    expanded = expand(document)[0]
    assert expanded["@type"] == [AS + "Article"]
    assert expanded[AS + "summary"][0]["@value"] == "Gehen und fragen."
    assert expanded[AS + "url"][0]["@id"].endswith(f"/methods/{method.uuid}")


def test_activities_and_collections_read_as_jsonld(public_lab):
    event = seated_event(public_lab)
    for document in (documents.create(public_lab, documents.event_document(event)),
                     documents.delete(public_lab, "http://127.0.0.1:8000/ap/events/x"),
                     documents.cancellation_note(public_lab, event),
                     documents.outbox_document(public_lab, total=1),
                     documents.outbox_page(public_lab, page=1, items=[event], total=1),
                     documents.followers_document(public_lab, total=3)):
        only_bundled_contexts(document)
    assert CONTEXT[0] == "https://www.w3.org/ns/activitystreams"
