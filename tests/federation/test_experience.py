"""Experience reports on the wire: the codec, its vocabulary, what a mirror refuses, and the figures kept on mirror."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime

import pytest
import rdflib

from experience.models import TEXT_MAX, ExperienceReport, MethodExperience
from experience.selectors import method_experience
from federation.blocks import origin_block
from federation.codecs import DocumentError, from_document, to_document, tombstone_to_document
from federation.codecs.labs import lab_to_document
from federation.jsonld import to_rdf_nquads
from hub.models import ChangeLogEntry, Lab, Node
from hub.roles import SYSTEM
from tests.federation.test_apply import Origin, apply, origin, peer  # noqa: F401  (fixtures of the mirror's tests)

BASE = "http://127.0.0.1:8001"
ORIGIN = Node(iri=BASE + "/", name="Zukunftswerk", city="Wiesbaden", public_key_multibase="z6Mk")
MOMENT = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)
METHOD = "http://127.0.0.1:8002/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f"
SL = rdflib.Namespace("https://w3id.org/stadtlabor/ns#")
SCHEMA = rdflib.Namespace("https://schema.org/")


def report_with(base: str = BASE, node: Node = ORIGIN, **fields) -> ExperienceReport:
    uid = fields.pop("uuid", uuid.uuid4())
    values = {
        "iri": f"{base}/reports/{uid}", "uuid": uid, "origin": node, "lab_id": f"{base}/labs/zukunftswerk",
        "method_iri": METHOD, "event_iri": f"{base}/events/0f6e8a2c-5b1d-4e3f-9a7b-2c4d6e8f0a1b",
        "date": date(2027, 3, 2), "participants": 24, "target_groups": ["older-people", "general-public"],
        "time_needed": 150, "adapted": "Eine Runde weniger.", "worked": "Kleine Gruppen.", "watch_out": "Sitzplätze!",
        "fit": 4, "staircase_step": 3, "visibility": "public", "version": 2, "date_created": MOMENT,
        "date_modified": MOMENT,
    }
    return ExperienceReport(**(values | fields))


def test_a_report_round_trips_as_a_review_of_its_method():
    report = report_with()
    document = to_document(report)
    assert set(document) == {"@context", "id", "type", "version", "visibility", "origin", "dateCreated", "dateModified",
                             "itemReviewed", "usedAtEvent", "author", "dateUsed", "participantCount", "targetGroup",
                             "timeNeeded", "adaptation", "positiveNotes", "negativeNotes", "reviewRating",
                             "staircaseStep", "license"}
    assert document["reviewRating"] == {"type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1}
    assert document["dateUsed"] == "2027-03-02"
    decoded = from_document(document)
    assert (decoded.type, decoded.iri, decoded.version) == ("ExperienceReport", report.iri, 2)
    for name in ("uuid", "method_iri", "event_iri", "lab_id", "date", "participants", "target_groups", "time_needed",
                 "adapted", "worked", "watch_out", "fit", "staircase_step", "license"):
        assert decoded.fields[name] == getattr(report, name), name


def test_a_short_report_leaves_out_what_it_does_not_say():
    document = to_document(report_with(event_iri="", time_needed=None, adapted="", worked="", watch_out="",
                                       target_groups=[], participants=0))
    assert not {"usedAtEvent", "timeNeeded", "adaptation", "positiveNotes", "negativeNotes", "targetGroup"} & set(document)
    assert document["participantCount"] == 0
    assert from_document(document).fields["participants"] == 0


def test_every_term_of_a_report_means_something_in_the_vocabulary():
    report = report_with()
    graph = rdflib.Dataset()
    graph.parse(data=to_rdf_nquads(to_document(report)), format="nquads")
    subject = rdflib.URIRef(report.iri)
    assert (subject, rdflib.RDF.type, SL.ExperienceReport) in graph
    assert (subject, SCHEMA.itemReviewed, rdflib.URIRef(METHOD)) in graph
    assert (subject, SCHEMA.author, rdflib.URIRef(report.lab_id)) in graph
    for predicate in (SL.usedAtEvent, SL.dateUsed, SL.participantCount, SL.targetGroup, SL.timeNeeded, SL.adaptation,
                      SCHEMA.positiveNotes, SCHEMA.negativeNotes, SL.staircaseStep, SCHEMA.license):
        assert list(graph.objects(subject, predicate)), predicate
    rating = next(graph.objects(subject, SCHEMA.reviewRating))
    assert (rating, rdflib.RDF.type, SCHEMA.Rating) in graph
    assert {int(v) for p in (SCHEMA.ratingValue, SCHEMA.bestRating, SCHEMA.worstRating)
            for v in graph.objects(rating, p)} == {4, 5, 1}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"author": "http://127.0.0.1:8002/labs/fremd"}, "is not a lab of the item's origin"),
        ({"author": None}, "lacks the required property 'author'"),
        ({"itemReviewed": None}, "lacks the required property 'itemReviewed'"),
        ({"itemReviewed": "javascript:alert(1)"}, "itemReviewed must be an absolute http"),
        ({"reviewRating": {"type": "Rating", "ratingValue": 6, "bestRating": 5, "worstRating": 1}},
         "ratingValue must be a whole number from 1 to 5"),
        ({"reviewRating": {"type": "Rating", "ratingValue": 0, "bestRating": 5, "worstRating": 1}},
         "ratingValue must be a whole number from 1 to 5"),
        ({"reviewRating": {"type": "Rating", "ratingValue": 4.5, "bestRating": 5, "worstRating": 1}},
         "ratingValue must be a whole number"),
        ({"reviewRating": {"type": "Rating", "ratingValue": 8, "bestRating": 10, "worstRating": 1}},
         "ratingValue must be a whole number from 1 to 5"),
        ({"reviewRating": {"type": "Rating", "ratingValue": 4, "bestRating": 10, "worstRating": 1}},
         "bestRating must be 5"),
        ({"reviewRating": {"type": "AggregateRating", "ratingValue": 4, "bestRating": 5, "worstRating": 1}},
         "type must be one of Rating"),
        ({"reviewRating": {"type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1, "author": "x"}},
         "does not define here: author"),
        ({"reviewRating": 4}, "reviewRating must be a JSON object"),
        ({"reviewRating": None}, "reviewRating is required"),
        ({"staircaseStep": 8}, "staircaseStep must be a whole number from 1 to 7"),
        ({"staircaseStep": "3"}, "staircaseStep must be a whole number"),
        ({"participantCount": -3}, "participantCount must be a whole number from 0"),
        ({"participantCount": True}, "participantCount must be a whole number"),
        ({"timeNeeded": 0}, "timeNeeded must be a whole number from 1"),
        ({"dateUsed": "2027-03-02T10:00:00+01:00"}, "dateUsed must be a date like"),
        ({"dateUsed": "02.03.2027"}, "dateUsed must be a date like"),
        ({"dateUsed": "1999-12-31"}, "dateUsed must be a date like"),
        ({"targetGroup": ["aliens"]}, "targetGroup must be a list of distinct values"),
        ({"positiveNotes": "x" * (TEXT_MAX + 1)}, f"positiveNotes must be a string of at most {TEXT_MAX}"),
        ({"license": "https://example.org/all-rights-reserved"}, "license must be one of"),
        ({"visibility": "draft"}, "visibility must be one of network, public"),
        ({"id": f"{BASE}/ideas/{uuid.uuid4()}"}, "the id of a ExperienceReport must be"),
        ({"id": f"{BASE}/reports/kein-uuid"}, "must end in a UUID"),
        ({"reviewer": {"type": "Person", "name": "Anna"}}, "does not define here: reviewer"),
        ({"email": "anna.beispiel@example.org"}, "does not define here: email"),
        ({"aggregateRating": {"ratingValue": 5}}, "does not define here: aggregateRating"),
    ],
)
def test_a_malformed_or_hostile_report_is_refused_with_the_reason(change, reason):
    document = {key: value for key, value in (to_document(report_with()) | change).items() if value is not None}
    with pytest.raises(DocumentError, match=reason.replace("(", r"\(")):
        from_document(document)


def test_a_report_that_reviews_itself_is_refused():
    report = report_with()
    with pytest.raises(DocumentError, match="must name a method"):
        from_document(to_document(report) | {"itemReviewed": report.iri})


# --- the mirror -------------------------------------------------------------------------------------


def signed_report(source: Origin, **fields) -> dict:
    node = Node(iri=source.node.iri)
    return source.sign(to_document(report_with(source.base, node, **({"lab_id": f"{source.base}/labs/fern",
                                                                       "event_iri": ""} | fields))))


def signed_lab(source: Origin, **fields) -> dict:
    values = {"slug": "fern", "name": "Fernlabor", "city": "Fernstadt", "date_created": MOMENT, "date_modified": MOMENT}
    lab = Lab(iri=f"{source.base}/labs/fern", origin=source.node, **(values | fields))
    return source.sign(lab_to_document(lab))


def figures(include_network: bool = True):
    return method_experience(method_iri=METHOD, include_network=include_network)


@pytest.mark.django_db
def test_a_mirrored_report_is_counted_for_its_method_before_this_node_holds_the_method(peer, origin):  # noqa: F811
    report = signed_report(origin, participants=12, fit=5)
    assert apply(peer, origin.descriptor(), report).rejections == []
    mirrored = ExperienceReport.objects.get(iri=report["id"])
    assert (mirrored.method_iri, mirrored.fit, mirrored.is_local) == (METHOD, 5, False)
    assert (figures().reports, figures().participants, figures().median_fit, figures().cities) == (1, 12, 5.0, ["Fernstadt"])


@pytest.mark.django_db
def test_a_newer_version_moves_the_figures_and_a_tombstone_removes_them(peer, origin):  # noqa: F811
    uid = uuid.uuid4()
    apply(peer, origin.descriptor(), signed_report(origin, uuid=uid, version=1, fit=2, participants=5),
          signed_report(origin, participants=7))
    assert (figures().reports, figures().participants, figures().median_fit) == (2, 12, 3.0)
    other = "http://127.0.0.1:8002/methods/5a7c2e10-9b3d-4f6a-8c1e-0d2b4f6a8c1e"
    assert apply(peer, signed_report(origin, uuid=uid, version=2, method_iri=other, fit=5)).applied == 1
    assert (figures().reports, figures().participants, figures().median_fit) == (1, 7, 4.0)
    assert method_experience(method_iri=other, include_network=True).median_fit == 5.0
    tombstone = origin.sign(tombstone_to_document(iri=f"{origin.base}/reports/{uid}", former_type="ExperienceReport",
                                                  version=3, deleted=MOMENT))
    assert apply(peer, tombstone).applied == 1
    assert not MethodExperience.objects.filter(method_iri=other).exists()
    assert ChangeLogEntry.objects.get(iri=f"{origin.base}/reports/{uid}").deleted
    late = signed_report(origin, uuid=uid, version=2, fit=1)
    assert apply(peer, late).skipped == 1 and figures().reports == 1  # an older copy never resurrects it


@pytest.mark.django_db
def test_a_network_only_lab_keeps_its_reports_out_of_the_public_figures(peer, origin):  # noqa: F811
    apply(peer, origin.descriptor(), signed_report(origin))
    assert figures(include_network=False).reports == 1
    apply(peer, signed_lab(origin, visibility="network", city="Ferndorf"))
    assert (figures(include_network=False).reports, figures().reports, figures().cities) == (0, 1, ["Ferndorf"])


@pytest.mark.django_db
def test_a_peer_sending_another_origins_lab_a_bad_fit_or_an_unknown_property_is_refused(peer, origin):  # noqa: F811
    foreign = signed_report(origin, lab_id="http://127.0.0.1:8002/labs/fremd")
    bad_fit = copy.deepcopy(to_document(report_with(origin.base, Node(iri=origin.node.iri), lab_id=f"{origin.base}/labs/fern")))
    bad_fit["reviewRating"]["ratingValue"] = 9
    unknown = copy.deepcopy(to_document(report_with(origin.base, Node(iri=origin.node.iri), lab_id=f"{origin.base}/labs/fern")))
    unknown["participantNames"] = ["Anna", "Ben"]
    tampered = signed_report(origin)
    tampered["reviewRating"]["ratingValue"] = 1  # after signing
    good = signed_report(origin)
    result = apply(peer, origin.descriptor(), foreign, origin.sign(bad_fit), origin.sign(unknown), tampered, good)
    reasons = {rejection["id"]: rejection["reason"] for rejection in result.rejections}
    assert "is not a lab of the item's origin" in reasons[foreign["id"]]
    assert "ratingValue must be a whole number from 1 to 5" in reasons[bad_fit["id"]]
    assert "does not define here: participantNames" in reasons[unknown["id"]]
    assert tampered["id"] in reasons
    assert list(ExperienceReport.objects.values_list("iri", flat=True)) == [good["id"]]
    assert figures().reports == 1


@pytest.mark.django_db
def test_blocking_an_origin_removes_its_reports_from_the_figures(peer, origin):  # noqa: F811
    apply(peer, origin.descriptor(), signed_report(origin), signed_report(origin))
    assert figures().reports == 2
    block = origin_block(actor=SYSTEM, origin=origin.base, reason="Spam")
    assert block.removed["ExperienceReport"] == 2
    assert not ExperienceReport.objects.exists() and not MethodExperience.objects.exists()


@pytest.mark.django_db
def test_a_bundle_holds_the_reports_and_restores_them_with_their_figures(lab, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from experience.services import experience_report_create, experience_report_delete
    from tests.federation.test_bundle import export, own_content_delete

    kept = experience_report_create(actor=SYSTEM, lab=lab, method_iri=METHOD, date=date(2026, 5, 4), participants=9,
                                    fit=3, staircase_step=2)
    experience_report_delete(report=experience_report_create(actor=SYSTEM, lab=lab, method_iri=METHOD,
                                                             date=date(2026, 5, 5), participants=1, fit=1,
                                                             staircase_step=1), actor=SYSTEM)
    path = export(tmp_path)
    own_content_delete()
    ExperienceReport.objects.all().delete()
    MethodExperience.objects.all().delete()
    out = StringIO()
    call_command("import", str(path), stdout=out)
    assert "1 experience reports" in out.getvalue()
    restored = ExperienceReport.objects.get()
    assert (restored.iri, restored.participants, restored.version) == (kept.iri, 9, 1)
    assert (figures().reports, figures().participants) == (1, 9)
