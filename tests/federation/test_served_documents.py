"""What a node serves at its IRIs: the signed descriptor, signed items, tombstones, calendars, the vocabulary."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from icalendar import Calendar

from events.services import event_cancel, event_create
from federation.codecs import from_document
from federation.jsonld import read_manifest
from federation.proofs import ProofError, verify
from hub.multikey import decode_public_key
from hub.roles import SYSTEM, Role
from hub.services import role_grant
from methods.services import method_create, method_delete, method_update

from .conftest import CONTEXT_MANIFEST, js_verify

BERLIN = ZoneInfo("Europe/Berlin")
LD = "application/ld+json"


@pytest.fixture
def method(lab):
    return method_create(actor=SYSTEM, title="Zukunftstheater", summary="Szenen einer Zukunft spielen", phase="entwerfen", lab=lab,
                         steps=[{"title": "Bühne bauen", "text": "Stühle im Kreis"}])


@pytest.fixture
def event(lab, method):
    start = datetime(2027, 3, 4, 18, 0, tzinfo=BERLIN)
    return event_create(actor=SYSTEM, title="Offene Werkstatt", start=start, end=start + timedelta(hours=2),
                        place_name="Stadtbibliothek", lab=lab, method_iris=[method.iri], keywords=["Werkstatt"])


def descriptor(client) -> dict:
    response = client.get("/.well-known/stadtlabor")
    assert response.status_code == 200 and response["Content-Type"].startswith(LD)
    return response.json()


def key_lookup(descriptor_: dict):
    keys = {method["id"]: decode_public_key(method["publicKeyMultibase"]) for method in descriptor_["verificationMethod"]}

    def lookup(url: str):
        if url not in keys:
            raise LookupError(url)
        return keys[url]

    return lookup


@pytest.mark.django_db
def test_the_descriptor_is_a_signed_controller_document_of_the_nodes_key(client, node, lab, settings):
    document = descriptor(client)
    base = settings.HUB_BASE_URL
    assert document["@context"] == ["https://w3id.org/stadtlabor/v1", "https://w3id.org/security/data-integrity/v2",
                                    "https://w3id.org/security/multikey/v1"]
    assert (document["id"], document["type"], document["protocolVersion"]) == (base + "/", "Node", "1")
    assert document["verificationMethod"] == [{
        "id": base + "/#key-1", "type": "Multikey", "controller": base + "/",
        "publicKeyMultibase": node.public_key_multibase,
    }]
    assert document["assertionMethod"] == [base + "/#key-1"]
    assert document["labs"] == [lab.iri]
    verify(document, key_lookup(document))
    assert from_document(document).fields["name"] == node.name


@pytest.mark.django_db
def test_an_item_url_serves_its_signed_document_to_json_ld_readers(client, method):
    response = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT=LD)
    assert response.status_code == 200 and response["Content-Type"].startswith(LD) and "Accept" in response["Vary"]
    document = response.json()
    assert document["id"] == method.iri and document["version"] == 1
    assert document["step"] == [{"type": "HowToStep", "position": 1, "name": "Bühne bauen", "text": "Stühle im Kreis"}]
    verify(document, key_lookup(descriptor(client)))
    tampered = json.loads(json.dumps(document))
    tampered["name"] = "Vergangenheitstheater"
    with pytest.raises(ProofError):
        verify(tampered, key_lookup(descriptor(client)))


@pytest.mark.django_db
def test_a_change_is_signed_anew_with_the_next_version(client, method):
    first = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT=LD).json()
    method_update(actor=SYSTEM, method=method, summary="Neu gefasst")
    second = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT=LD).json()
    assert second["version"] == 2 and second["description"] == "Neu gefasst"
    assert second["proof"]["proofValue"] != first["proof"]["proofValue"]
    verify(second, key_lookup(descriptor(client)))


@pytest.mark.django_db
def test_browsers_get_html_and_unknown_types_get_406(client, method):
    page = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 200 and "Zukunftstheater" in page.content.decode()
    assert client.get(f"/methods/{method.uuid}", HTTP_ACCEPT="image/png").status_code == 406


@pytest.mark.django_db
def test_network_items_are_hidden_from_anonymous_readers_and_shown_to_staff(client, lab):
    secret = method_create(actor=SYSTEM, title="Interne Methode", summary="Nur im Netz", phase="erkunden", lab=lab, visibility="network")
    assert client.get(f"/methods/{secret.uuid}", HTTP_ACCEPT=LD).status_code == 404
    staff = User.objects.create_user("redaktion", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/methods/{secret.uuid}", HTTP_ACCEPT=LD).status_code == 404, "staff alone is no role"
    role_grant(user=staff, role=Role.NODE_ADMIN, actor=SYSTEM)
    assert client.get(f"/methods/{secret.uuid}", HTTP_ACCEPT=LD).status_code == 200


@pytest.mark.django_db
def test_a_deleted_item_answers_410_with_its_signed_tombstone(client, method):
    method_delete(actor=SYSTEM, method=method)
    response = client.get(f"/methods/{method.uuid}", HTTP_ACCEPT=LD)
    assert response.status_code == 410
    tombstone = response.json()
    assert {k: tombstone[k] for k in ("id", "type", "formerType", "version")} == {
        "id": method.iri, "type": "Tombstone", "formerType": "MethodCard", "version": 2}
    verify(tombstone, key_lookup(descriptor(client)))
    assert client.get(f"/methods/{method.uuid}").status_code == 410


@pytest.mark.django_db
def test_an_event_as_icalendar_parses_back_with_its_iri_as_uid_and_its_zone(client, event):
    response = client.get(f"/events/{event.uuid}", HTTP_ACCEPT="text/calendar")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event.iri
    assert vevent.decoded("DTSTART") == event.start and str(vevent.decoded("DTSTART").tzinfo) == "Europe/Berlin"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    years = {rule.decoded("DTSTART").year for rule in calendar.walk("VTIMEZONE")[0].subcomponents}
    assert event.start.year in years and min(years) >= event.start.year - 1 and max(years) <= event.end.year + 2
    assert (str(vevent["STATUS"]), str(vevent["LOCATION"]), str(vevent["URL"])) == ("CONFIRMED", "Stadtbibliothek", event.iri)
    event_cancel(actor=SYSTEM, event=event)
    cancelled = Calendar.from_ical(client.get(f"/events/{event.uuid}", HTTP_ACCEPT="text/calendar").content)
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert int(cancelled.walk("VEVENT")[0]["SEQUENCE"]) == 1


@pytest.mark.django_db
def test_the_node_serves_the_vocabulary_it_bundles(client):
    response = client.get("/ns/v1")
    assert response.status_code == 200 and response["Content-Type"].startswith(LD)
    assert response.json() == read_manifest(CONTEXT_MANIFEST)["https://w3id.org/stadtlabor/v1"]


@pytest.mark.django_db
def test_an_independent_verifier_accepts_our_documents_with_the_served_descriptor(client, node_modules, event):
    controller = descriptor(client)
    document = client.get(f"/events/{event.uuid}", HTTP_ACCEPT=LD).json()
    assert js_verify(document, controller) == {"verified": True, "error": None}
    document["startDate"] = "2027-03-04T19:00:00+01:00"
    assert js_verify(document, controller)["verified"] is False


@pytest.mark.django_db
def test_the_whole_calendar_is_filterable_like_the_event_list(client, lab, event):
    start = datetime(2027, 6, 1, 10, 0, tzinfo=BERLIN)
    online = event_create(actor=SYSTEM, title="Online-Sprechstunde", start=start, end=start + timedelta(hours=1), lab=lab,
                          attendance_mode="online", online_url="https://meet.example.org/sprechstunde")
    hidden = event_create(actor=SYSTEM, title="Nur im Netz", start=start, end=start + timedelta(hours=1), lab=lab,
                          place_name="Saal", visibility="network")
    whole = Calendar.from_ical(client.get("/events.ics").content)
    assert {str(e["UID"]) for e in whole.walk("VEVENT")} == {event.iri, online.iri}
    assert hidden.iri not in client.get("/events.ics").content.decode()
    filtered = Calendar.from_ical(client.get("/events.ics?attendance_mode=online").content)
    assert [str(e["UID"]) for e in filtered.walk("VEVENT")] == [online.iri]
    assert client.get("/events.ics?start_after=gestern").status_code == 400
