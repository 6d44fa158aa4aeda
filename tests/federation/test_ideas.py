"""Ideas on the wire: the codec, its vocabulary, and what a mirror refuses from a peer."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime

import pytest
import rdflib
from django.db import transaction

from federation.blocks import items_remove_held
from federation.codecs import DocumentError, from_document, to_document, tombstone_to_document
from federation.jsonld import to_rdf_nquads
from hub.models import ChangeLogEntry, Node
from ideas.models import TEXT_MAX, Idea
from tests.federation.test_apply import Origin, apply, origin, peer  # noqa: F401  (fixtures of the mirror's tests)

BASE = "http://127.0.0.1:8001"
ORIGIN = Node(iri=BASE + "/", name="Zukunftswerk", city="Wiesbaden", public_key_multibase="z6Mk")
MOMENT = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)
SL = rdflib.Namespace("https://w3id.org/stadtlabor/ns#")
SCHEMA = rdflib.Namespace("https://schema.org/")


def idea_with(base: str = BASE, node: Node = ORIGIN, **fields) -> Idea:
    uid = fields.pop("uuid", uuid.uuid4())
    values = {
        "iri": f"{base}/ideas/{uid}", "uuid": uid, "origin": node, "lab_id": f"{base}/labs/zukunftswerk",
        "title": "Trinkbrunnen am Marktplatz", "text": "Im Sommer fehlt Wasser.\nBitte einen Brunnen.",
        "district": "Altstadt", "status": "published", "visibility": "public", "version": 2,
        "date_created": MOMENT, "date_modified": MOMENT,
        "author_name": "Anna", "author_email": "anna.beispiel@example.org", "author_language": "de",
        "decline_reason": "intern",
    }
    return Idea(**(values | fields))


def test_an_idea_round_trips_without_its_author():
    idea = idea_with(answer="Wir prüfen den Standort.", answered_at=MOMENT, status="taken-up",
                     event_iris=[f"{BASE}/events/0f6e8a2c-5b1d-4e3f-9a7b-2c4d6e8f0a1b"],
                     method_iris=["http://127.0.0.1:8002/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f"])
    document = to_document(idea)
    assert set(document) == {"@context", "id", "type", "version", "visibility", "origin", "dateCreated", "dateModified",
                             "name", "text", "district", "recipient", "ideaStatus", "answer", "dateAnswered",
                             "takenUpInEvent", "takenUpWithMethod"}
    text = str(document)
    assert "anna.beispiel" not in text and "Anna" not in text and "intern" not in text
    decoded = from_document(document)
    assert (decoded.type, decoded.iri, decoded.version) == ("Idea", idea.iri, 2)
    for name in ("uuid", "title", "text", "district", "status", "answer", "answered_at", "event_iris", "method_iris",
                 "lab_id"):
        assert decoded.fields[name] == getattr(idea, name), name
    assert not {"author_name", "author_email", "author_language", "decline_reason"} & set(decoded.fields)


def test_every_term_of_an_idea_means_something_in_the_vocabulary():
    idea = idea_with(answer="Ja.", answered_at=MOMENT, status="taken-up", event_iris=[f"{BASE}/events/{uuid.uuid4()}"],
                     method_iris=[f"{BASE}/methods/{uuid.uuid4()}"])
    graph = rdflib.Dataset()
    graph.parse(data=to_rdf_nquads(to_document(idea)), format="nquads")
    subject = rdflib.URIRef(idea.iri)
    assert (subject, rdflib.RDF.type, SL.Idea) in graph
    for predicate in (SCHEMA.name, SCHEMA.text, SL.district, SL.ideaStatus, SL.answer, SL.dateAnswered,
                      SL.takenUpInEvent, SL.takenUpWithMethod):
        assert list(graph.objects(subject, predicate)), predicate
    assert (subject, SCHEMA.recipient, rdflib.URIRef(idea.lab_id)) in graph


@pytest.mark.parametrize(
    "personal",
    [{"author": "Anna"}, {"email": "anna.beispiel@example.org"}, {"authorEmail": "anna.beispiel@example.org"},
     {"declineReason": "intern"}, {"creator": {"type": "Person", "name": "Anna"}}],
)
def test_a_document_carrying_the_authors_data_is_refused(personal):
    document = to_document(idea_with()) | personal
    with pytest.raises(DocumentError, match="properties the vocabulary does not define here: " + next(iter(personal))):
        from_document(document)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ideaStatus": "submitted"}, "ideaStatus must be one of published, taken-up"),
        ({"ideaStatus": "declined"}, "ideaStatus must be one of published, taken-up"),
        ({"recipient": "http://127.0.0.1:8002/labs/fremd"}, "is not a lab of the item's origin"),
        ({"text": "x" * (TEXT_MAX + 1)}, f"text must be a string of at most {TEXT_MAX}"),
        ({"text": "   "}, "text must be a non-empty string"),
        ({"visibility": "draft"}, "visibility must be one of network, public"),
        ({"takenUpInEvent": ["javascript:alert(1)"]}, "takenUpInEvent must be a list of absolute http"),
        ({"id": f"{BASE}/events/{uuid.uuid4()}"}, "the id of a Idea must be"),
    ],
)
def test_a_malformed_idea_is_refused_with_the_reason(change, reason):
    with pytest.raises(DocumentError, match=reason.replace("(", r"\(")):
        from_document(to_document(idea_with()) | change)


def signed_idea(source: Origin, **fields) -> dict:
    node = Node(iri=source.node.iri)
    idea = idea_with(source.base, node, **({"lab_id": f"{source.base}/labs/fern"} | fields))
    return source.sign(to_document(idea))


@pytest.mark.django_db
def test_a_peers_idea_is_mirrored_and_its_tombstone_removes_it(peer, origin):  # noqa: F811
    idea = signed_idea(origin, answer="Wird gebaut.", answered_at=MOMENT)
    assert apply(peer, origin.descriptor(), idea).rejections == []
    mirrored = Idea.objects.get(iri=idea["id"])
    assert (mirrored.title, mirrored.status, mirrored.answer, mirrored.is_local) == (
        "Trinkbrunnen am Marktplatz", "published", "Wird gebaut.", False)
    assert (mirrored.author_name, mirrored.author_email) == ("", "")
    tombstone = origin.sign(tombstone_to_document(iri=idea["id"], former_type="Idea", version=3, deleted=MOMENT))
    assert apply(peer, tombstone).applied == 1
    assert not Idea.objects.filter(iri=idea["id"]).exists()
    assert ChangeLogEntry.objects.get(iri=idea["id"]).deleted


@pytest.mark.django_db
def test_a_mirrored_idea_signed_by_a_revoked_key_is_removed_with_its_entry(peer, origin):  # noqa: F811
    idea = signed_idea(origin)
    assert apply(peer, origin.descriptor(), idea).rejections == []
    with transaction.atomic():
        assert items_remove_held([idea["id"]]) == {"Idea": 1}
    assert not Idea.objects.filter(iri=idea["id"]).exists()
    assert not ChangeLogEntry.objects.filter(iri=idea["id"]).exists()


@pytest.mark.django_db
def test_a_peer_sending_personal_data_or_another_origins_lab_is_refused(peer, origin):  # noqa: F811
    leaking = copy.deepcopy(to_document(idea_with(origin.base, Node(iri=origin.node.iri), lab_id=f"{origin.base}/labs/fern")))
    leaking["email"] = "anna.beispiel@example.org"
    foreign = signed_idea(origin, lab_id="http://127.0.0.1:8002/labs/fremd")
    result = apply(peer, origin.descriptor(), origin.sign(leaking), foreign)
    reasons = {rejection["id"]: rejection["reason"] for rejection in result.rejections}
    assert "does not define here: email" in reasons[leaking["id"]]
    assert "is not a lab of the item's origin" in reasons[foreign["id"]]
    assert not Idea.objects.exists()
    assert not ChangeLogEntry.objects.filter(document__contains="anna.beispiel").exists()


@pytest.mark.django_db
def test_a_bundle_holds_published_ideas_without_their_authors_and_restores_them(lab, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from hub.roles import SYSTEM
    from ideas.services import idea_decline, idea_publish, idea_submit
    from tests.federation.test_bundle import export, own_content_delete

    contact = {"author_name": "Anna", "author_email": "anna.beispiel@example.org"}
    published = idea_publish(idea=idea_submit(lab=lab, title="Trinkbrunnen", text="Wasser.", **contact), actor=SYSTEM,
                             answer="Wir prüfen es.")
    idea_decline(idea=idea_submit(lab=lab, title="Abgelehnt", text="Nein.", **contact), actor=SYSTEM, reason="intern")
    idea_submit(lab=lab, title="Wartet", text="Noch.", **contact)
    path = export(tmp_path)
    data = path.read_text()
    assert "anna.beispiel" not in data and "Anna" not in data and "intern" not in data
    assert "Abgelehnt" not in data and "Wartet" not in data and published.iri in data

    own_content_delete()
    Idea.objects.all().delete()  # the waiting and declined ones too, which no bundle holds
    out = StringIO()
    call_command("import", str(path), stdout=out)
    assert "1 ideas" in out.getvalue()
    restored = Idea.objects.get()
    assert (restored.iri, restored.status, restored.answer, restored.version) == (published.iri, "published",
                                                                                 "Wir prüfen es.", 2)
    assert (restored.author_name, restored.author_email) == ("", "")
