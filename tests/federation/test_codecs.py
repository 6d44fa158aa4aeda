"""The codecs: model to document and back, the shapes they refuse, and what the documents mean as RDF."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import rdflib
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Event
from federation.codecs import DocumentError, from_document, to_document
from federation.codecs.methods import method_to_document
from federation.jsonld import to_rdf_nquads
from hub.choices import (
    AccessibilityFeature,
    AttendanceMode,
    Difficulty,
    EventStatus,
    License,
    Phase,
    TargetGroup,
)
from hub.models import Lab, Node
from methods.models import MethodCard, MethodStep

BASE = "http://127.0.0.1:8001"
ORIGIN = Node(iri=BASE + "/", name="Zukunftswerk", city="Wiesbaden", public_key_multibase="z6Mk")
SCHEMA = rdflib.Namespace("https://schema.org/")
SL = rdflib.Namespace("https://w3id.org/stadtlabor/ns#")

texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
names = texts.filter(lambda value: value.strip())
words = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Z"), blacklist_characters="\x00"), min_size=1, max_size=20)
    .filter(str.strip), max_size=4
)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
coordinate = st.decimals(min_value=-90, max_value=90, places=6)


def method_with(**fields) -> MethodCard:
    values = {
        "iri": f"{BASE}/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f", "origin": ORIGIN, "title": "Zukunftstheater",
        "slug": "8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f", "summary": "Szenen spielen", "phase": "entwerfen",
        "lab_id": f"{BASE}/labs/zukunftswerk", "date_created": datetime(2026, 1, 2, tzinfo=UTC),
        "date_modified": datetime(2026, 1, 3, tzinfo=UTC),
    }
    return MethodCard(**(values | fields))


def model_fields(item, names_) -> dict:
    return {name: getattr(item, name) for name in names_}


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    title=names, summary=names, body=texts, phase=st.sampled_from(Phase.values),
    durations=st.tuples(st.none() | st.integers(0, 600), st.none() | st.integers(0, 600)).map(
        lambda pair: tuple(sorted(pair)) if None not in pair else pair
    ),
    difficulty=st.sampled_from(["", *Difficulty.values]), materials=words, keywords=words,
    groups=st.lists(st.sampled_from(TargetGroup.values), unique=True), license=st.sampled_from(License.values),
    steps=st.lists(st.tuples(names, texts), max_size=5), version=st.integers(1, 10_000), modified=instants,
)
def test_method_round_trips(title, summary, body, phase, durations, difficulty, materials, keywords, groups, license,
                            steps, version, modified):
    method = method_with(
        title=title, summary=summary, body=body, phase=phase, duration_min=durations[0], duration_max=durations[1],
        difficulty=difficulty, materials=materials, keywords=keywords, target_groups=groups, license=license,
        version=version, date_modified=modified,
    )
    step_rows = [MethodStep(title=t, text=x) for t, x in steps]
    decoded = from_document(copy.deepcopy(method_to_document(method, steps=step_rows)))
    fields = ("title", "summary", "body", "phase", "duration_min", "duration_max", "difficulty", "materials",
              "keywords", "target_groups", "license", "slug", "lab_id", "date_modified")
    assert {name: decoded.fields[name] for name in fields} == model_fields(method, fields)
    assert decoded.related["steps"] == [{"title": t, "text": x} for t, x in steps]
    assert (decoded.iri, decoded.version, decoded.origin_iri) == (method.iri, version, ORIGIN.iri)


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    title=names, start=instants, hours=st.integers(1, 72), zone=st.sampled_from(["Europe/Berlin", "UTC", "America/New_York"]),
    mode=st.sampled_from(AttendanceMode.values), status=st.sampled_from(EventStatus.values),
    features=st.lists(st.sampled_from(AccessibilityFeature.values), unique=True),
    languages=st.lists(st.sampled_from(["de", "en", "tr", "ar"]), unique=True),
    latitude=st.none() | coordinate, capacity=st.none() | st.integers(1, 100_000), free=st.booleans(),
)
def test_event_round_trips(title, start, hours, zone, mode, status, features, languages, latitude, capacity, free):
    event = Event(
        iri=f"{BASE}/events/0f6e8a2c-5b1d-4e3f-9a7b-2c4d6e8f0a1b", origin=ORIGIN, title=title, start=start, end=start + timedelta(hours=hours),
        timezone=zone, attendance_mode=mode, status=status, accessibility_features=features, languages=languages,
        place_name="Luisenforum" if mode != "online" else "", online_url="https://meet.example.org/r" if mode != "in-person" else "",
        latitude=None if mode == "online" else latitude,
        longitude=None if latitude is None or mode == "online" else Decimal("8.24"), capacity=capacity, is_free=free,
        lab_id=f"{BASE}/labs/zukunftswerk", date_created=start, date_modified=start,
    )
    decoded = from_document(to_document(event))
    fields = ("title", "start", "end", "timezone", "attendance_mode", "status", "accessibility_features", "languages",
              "place_name", "online_url", "latitude", "longitude", "capacity", "is_free", "lab_id")
    assert {name: decoded.fields[name] for name in fields} == model_fields(event, fields)


def test_lab_round_trips():
    lab = Lab(
        iri=f"{BASE}/labs/zukunftswerk", origin=ORIGIN, slug="zukunftswerk", name="Zukunftswerk", city="Wiesbaden",
        address="Beispielweg 1", latitude=Decimal("50.080000"), longitude=Decimal("8.240000"),
        website="https://zukunftswerk.example.org/", email="kontakt@example.org", opening_hours="Di–Fr 10–18 Uhr",
        date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, 1, tzinfo=UTC),
    )
    decoded = from_document(to_document(lab))
    fields = ("slug", "name", "city", "address", "latitude", "longitude", "website", "email", "opening_hours")
    assert {name: decoded.fields[name] for name in fields} == model_fields(lab, fields)


def document() -> dict:
    return method_to_document(method_with(), steps=[MethodStep(title="Bühne bauen")])


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(type="Person"), "unknown type 'Person'"),
        (lambda d: d.update({"@context": ["https://evil.example/ctx"]}), "@context must be"),
        (lambda d: d["@context"].append("https://www.w3.org/ns/activitystreams"), "@context must be"),
        (lambda d: d.update(colour="blau"), "does not define here: colour"),
        (lambda d: d.update(name=42), "document.name must be a string"),
        (lambda d: d.update(name=""), "document.name must be a non-empty string"),
        (lambda d: d.pop("name"), "lacks the required property 'name'"),
        (lambda d: d.pop("phase"), "lacks the required property 'phase'"),
        (lambda d: d.update(phase="träumen"), "document.phase must be one of"),
        (lambda d: d.update(version=0), "document.version must be a whole number from 1"),
        (lambda d: d.update(version=True), "document.version must be a whole number"),
        (lambda d: d.update(id="http://127.0.0.1:9999/methods/x"), "does not lie under its origin"),
        (lambda d: d.update(origin="http://127.0.0.1:8001"), "does not lie under its origin"),
        (lambda d: d.update(visibility="draft"), "document.visibility must be one of network, public"),
        (lambda d: d.update(dateModified="gestern"), "ISO 8601"),
        (lambda d: d.update(dateModified="2026-01-03T10:00:00"), "with offset"),
        (lambda d: d.update(targetGroup=["aliens"]), "targetGroup must be a list of distinct values"),
        (lambda d: d.update(isBasedOn="javascript:alert(1)"), "isBasedOn must be an absolute http(s) IRI"),
        (lambda d: d["step"][0].update(position=2), "steps are listed in order"),
        (lambda d: d["step"][0].update(onclick="x"), "step[0] has properties"),
        (lambda d: d.update(step={"name": "x"}), "step must be a list"),
    ],
)
def test_wrong_shapes_are_refused_with_a_reason(change, reason):
    bad = document()
    change(bad)
    with pytest.raises(DocumentError, match=re.escape(reason)):
        from_document(bad)


def test_non_objects_are_refused():
    for value in (None, [], "text", 3):
        with pytest.raises(DocumentError):
            from_document(value)


def graph_of(document_: dict) -> rdflib.Graph:
    """The document read as RDF by an independent parser, from the N-Quads our offline loader expands to."""
    graph = rdflib.Graph()
    graph.parse(data=to_rdf_nquads(document_), format="nquads")
    return graph


def test_an_event_document_means_a_schema_org_event():
    start = datetime(2027, 5, 6, 16, 0, tzinfo=UTC)
    event = Event(
        iri=f"{BASE}/events/7c9e6679-7425-40de-944b-e07fc1f90ae7", origin=ORIGIN, title="Zukunftstheater im Luisenforum", start=start,
        end=start + timedelta(hours=2), timezone="Europe/Berlin", place_name="Luisenforum", place_address="Beispielweg 1",
        lab_id=f"{BASE}/labs/zukunftswerk", date_created=start, date_modified=start,
    )
    graph = graph_of(to_document(event))
    subject = rdflib.URIRef(event.iri)
    assert (subject, rdflib.RDF.type, SCHEMA.Event) in graph
    assert graph.value(subject, SCHEMA.name) == rdflib.Literal("Zukunftstheater im Luisenforum")
    starts = graph.value(subject, SCHEMA.startDate)
    assert starts.datatype == rdflib.XSD.dateTime and starts.toPython() == start
    assert graph.value(subject, SCHEMA.organizer) == rdflib.URIRef(f"{BASE}/labs/zukunftswerk")
    place = graph.value(subject, SCHEMA.location)
    assert (place, rdflib.RDF.type, SCHEMA.Place) in graph
    assert graph.value(place, SCHEMA.name) == rdflib.Literal("Luisenforum")
    assert graph.value(subject, SCHEMA.eventStatus) == SCHEMA.EventScheduled
    assert graph.value(subject, SCHEMA.eventAttendanceMode) == SCHEMA.OfflineEventAttendanceMode


def test_a_method_document_means_a_method_card_with_ordered_steps():
    graph = graph_of(method_to_document(method_with(), steps=[MethodStep(title="Bühne bauen"), MethodStep(title="Spielen")]))
    subject = rdflib.URIRef(method_with().iri)
    assert (subject, rdflib.RDF.type, SL.MethodCard) in graph
    assert graph.value(subject, SCHEMA.name) == rdflib.Literal("Zukunftstheater")
    assert graph.value(subject, SL.phase) == rdflib.Literal("entwerfen")
    assert graph.value(subject, SCHEMA.license) == rdflib.URIRef(License.BY_SA)
    steps = rdflib.collection.Collection(graph, graph.value(subject, SCHEMA.step))
    assert [str(graph.value(step, SCHEMA.name)) for step in steps] == ["Bühne bauen", "Spielen"]


def test_a_lab_document_means_a_schema_org_organization():
    lab = Lab(iri=f"{BASE}/labs/zukunftswerk", origin=ORIGIN, slug="zukunftswerk", name="Zukunftswerk", city="Wiesbaden",
              date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, 1, tzinfo=UTC))
    graph = graph_of(to_document(lab))
    assert (rdflib.URIRef(lab.iri), rdflib.RDF.type, SCHEMA.Organization) in graph
