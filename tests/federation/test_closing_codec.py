"""The closing report inside an event's document: round trips, the shapes it refuses, what it means as RDF."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime, timedelta

import pytest
import rdflib
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import ClosingReport, Event
from federation.codecs import DocumentError, from_document, to_document
from federation.codecs.closing import closing_to_document
from federation.jsonld import to_rdf_nquads
from hub.choices import StaircaseStep, TargetGroup
from hub.models import Node

BASE = "http://127.0.0.1:8001"
ORIGIN = Node(iri=BASE + "/", name="Zukunftswerk", city="Wiesbaden", public_key_multibase="z6Mk")
SL = rdflib.Namespace("https://w3id.org/stadtlabor/ns#")
SCHEMA = rdflib.Namespace("https://schema.org/")
START = datetime(2026, 5, 6, 16, 0, tzinfo=UTC)
METHOD = f"{BASE}/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f"
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)


def event() -> Event:
    return Event(
        iri=f"{BASE}/events/7c9e6679-7425-40de-944b-e07fc1f90ae7", origin=ORIGIN, title="Zukunftstheater", start=START,
        end=START + timedelta(hours=2), timezone="Europe/Berlin", place_name="Luisenforum",
        lab_id=f"{BASE}/labs/zukunftswerk", date_created=START, date_modified=START,
    )


def report(**fields) -> ClosingReport:
    values = {
        "attendees": 23, "target_groups_reached": ["older-people", "general-public"], "contributions_count": 14,
        "contributions": "14 Ideen für den Platz", "method_iris": [METHOD], "report": "Es war voll.",
        "staircase_step": 4, "staircase_evidence": "Sechs Teilnehmende nutzen die Karte jetzt selbst.",
        "feedback_ratings": [0, 1, 2, 5, 4], "quotes": ["Mehr Pausen, bitte."], "published": True,
        "date_published": START + timedelta(days=1),
    }
    return ClosingReport(**(values | fields))


def with_report(closing: dict | None) -> dict:
    document = to_document(event())
    if closing is not None:
        document["closingReport"] = closing
    return document


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    attendees=st.integers(0, 100_000), groups=st.lists(st.sampled_from(TargetGroup.values), unique=True),
    count=st.integers(0, 100_000), contributions=texts, report_text=texts, step=st.sampled_from(StaircaseStep.values),
    evidence=texts.map(lambda text: text[:300]), ratings=st.lists(st.integers(0, 1000), min_size=5, max_size=5),
    quotes=st.lists(texts.filter(str.strip), max_size=10),
)
def test_a_closing_report_round_trips(attendees, groups, count, contributions, report_text, step, evidence, ratings, quotes):
    written = report(attendees=attendees, target_groups_reached=groups, contributions_count=count,
                     contributions=contributions, report=report_text, staircase_step=step, staircase_evidence=evidence,
                     feedback_ratings=ratings, quotes=quotes)
    decoded = from_document(copy.deepcopy(with_report(closing_to_document(written))))
    read = decoded.related["closing_report"]
    names = ("attendees", "target_groups_reached", "contributions_count", "contributions", "method_iris", "report",
             "staircase_step", "staircase_evidence", "quotes", "date_published", "published")
    assert {name: read[name] for name in names} == {name: getattr(written, name) for name in names}
    assert read["feedback_ratings"] == (ratings if any(ratings) else [])


def test_an_event_without_a_closing_report_decodes_without_one():
    assert from_document(with_report(None)).related["closing_report"] is None


def test_no_answers_leave_the_ratings_out_of_the_document():
    assert "feedbackRatings" not in closing_to_document(report(feedback_ratings=[0, 0, 0, 0, 0]))
    assert "feedbackRatings" not in closing_to_document(report(feedback_ratings=[]))


def closing() -> dict:
    return closing_to_document(report())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda c: c.update(type="Review"), "closingReport.type must be one of ClosingReport"),
        (lambda c: c.pop("type"), "lacks the required property 'type'"),
        (lambda c: c.pop("participantCount"), "lacks the required property 'participantCount'"),
        (lambda c: c.update(participantCount=-1), "participantCount must be a whole number from 0 to 100000"),
        (lambda c: c.update(participantCount="23"), "participantCount must be a whole number"),
        (lambda c: c.update(participantCount=True), "participantCount must be a whole number"),
        (lambda c: c.update(participantCount=10**9), "participantCount must be a whole number from 0 to 100000"),
        (lambda c: c.update(staircaseStep=0), "staircaseStep must be a whole number from 1 to 7"),
        (lambda c: c.update(staircaseStep=8), "staircaseStep must be a whole number from 1 to 7"),
        (lambda c: c.update(staircaseStep=4.0), "staircaseStep must be a whole number from 1 to 7"),
        (lambda c: c.pop("staircaseStep"), "lacks the required property 'staircaseStep'"),
        (lambda c: c.update(reachedTargetGroup=["aliens"]), "reachedTargetGroup must be a list of distinct values"),
        (lambda c: c.update(reachedTargetGroup=["older-people", "older-people"]), "must be a list of distinct values"),
        (lambda c: c.update(methodUsed=["javascript:alert(1)"]), "methodUsed must be a list of absolute http(s) IRIs"),
        (lambda c: c.update(methodUsed=[METHOD, METHOD]), "methodUsed must be a list of at most 20 distinct IRIs"),
        (lambda c: c.update(methodUsed=[f"{METHOD}{n}" for n in range(21)]), "at most 20 distinct IRIs"),
        (lambda c: c.update(feedbackRatings=[1, 2, 3, 4]), "feedbackRatings must be a list of 5 whole numbers"),
        (lambda c: c.update(feedbackRatings=[1, 2, 3, 4, -5]), "feedbackRatings must be a list of 5 whole numbers"),
        (lambda c: c.update(feedbackRatings=[1, 2, 3, 4, True]), "feedbackRatings must be a list of 5 whole numbers"),
        (lambda c: c.update(feedbackRatings={"5": 3}), "feedbackRatings must be a list of 5 whole numbers"),
        (lambda c: c.update(feedbackQuote=["x"] * 11), "feedbackQuote must be a list of at most 10 entries"),
        (lambda c: c.update(feedbackQuote=["x" * 2001]), "feedbackQuote must be a list of non-empty strings"),
        (lambda c: c.update(text="x" * 5001), "closingReport.text must be a string of at most 5000 characters"),
        (lambda c: c.update(staircaseEvidence="x" * 301), "staircaseEvidence must be a string of at most 300"),
        (lambda c: c.update(contributions="a\x00b"), "contributions must be text without NUL characters"),
        (lambda c: c.pop("datePublished"), "lacks the required property 'datePublished'"),
        (lambda c: c.update(email="teilnehmerin@example.org"), "does not define here: email"),
        (lambda c: c.update(feedbackText=["was wir nicht veröffentlicht haben"]), "does not define here: feedbackText"),
        (lambda c: c.update(id="http://127.0.0.1:8001/x"), "does not define here: id"),
    ],
)
def test_a_wrong_closing_report_is_refused_with_a_reason(change, reason):
    bad = closing()
    change(bad)
    with pytest.raises(DocumentError, match=re.escape(reason)):
        from_document(with_report(bad))


@pytest.mark.parametrize("value", [[], "Bericht", 3, [{"type": "ClosingReport"}]])
def test_a_closing_report_that_is_no_object_is_refused(value):
    with pytest.raises(DocumentError, match="closingReport must be a JSON object"):
        from_document(with_report(value))


def test_a_closing_report_means_what_the_vocabulary_says_as_rdf():
    graph = rdflib.Graph()
    graph.parse(data=to_rdf_nquads(with_report(closing())), format="nquads")
    subject = rdflib.URIRef(event().iri)
    node = graph.value(subject, SL.closingReport)
    assert (node, rdflib.RDF.type, SL.ClosingReport) in graph
    assert graph.value(node, SL.participantCount).toPython() == 23
    assert graph.value(node, SL.staircaseStep).toPython() == 4
    assert set(graph.objects(node, SL.reachedTargetGroup)) == {rdflib.Literal("older-people"), rdflib.Literal("general-public")}
    assert graph.value(node, SL.methodUsed) == rdflib.URIRef(METHOD)
    assert graph.value(node, SCHEMA.text) == rdflib.Literal("Es war voll.")
    assert graph.value(node, SCHEMA.datePublished).datatype == rdflib.XSD.dateTime
    ratings = rdflib.collection.Collection(graph, graph.value(node, SL.feedbackRatings))
    assert [item.toPython() for item in ratings] == [0, 1, 2, 5, 4]
