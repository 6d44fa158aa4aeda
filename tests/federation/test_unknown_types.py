"""Forward compatibility (protocol section 8): a type this node does not know is skipped with a reason,
kept as its origin signed it, and applied after an upgrade; a hostile peer or origin cannot abuse that."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest

from federation.codecs import ITEM_CONTEXT, tombstone_to_document
from federation.feed import feed_page
from federation.management.commands.sync import report
from federation.models import CursorRewind, RejectedCopy, SkippedDocument, SkippedUnkept, SyncRun
from federation.sync import skipped_catch_up, waiting
from hub.models import ChangeLogEntry
from ideas.models import Idea
from tests.federation import test_apply
from tests.federation.test_apply import Origin, apply
from tests.federation.test_ideas import signed_idea

origin, peer = test_apply.origin, test_apply.peer  # the fixtures of the mirror's tests

MOMENT = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)


def experience_report(source: Origin, *, version: int = 1, uid: str | None = None, **terms) -> dict:
    """A document of a type this version has no codec for, as a newer node signs it."""
    return source.sign({
        "@context": list(ITEM_CONTEXT), "id": f"{source.base}/reports/{uid or uuid.uuid4()}", "type": "FutureReport",
        "version": version, "visibility": "public", "origin": source.node.iri, "dateModified": MOMENT.isoformat(),
        "itemReviewed": f"{source.base}/methods/{uuid.uuid4()}", "fit": 4, **terms,
    })


def tombstone(source: Origin, iri: str, version: int, former_type: str) -> dict:
    return source.sign(tombstone_to_document(iri=iri, former_type=former_type, version=version, deleted=MOMENT))


def kept() -> dict[str, tuple[int, bool]]:
    return {row.iri: (row.version, row.deleted) for row in SkippedDocument.objects.all()}


@pytest.fixture
def hidden(settings):
    """This node behaves as a version that does not know ideas."""
    settings.HUB_ITEM_TYPES_HIDDEN = ("Idea",)
    return settings


# --- hostile peers and origins first -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_origin_cannot_fill_the_database_with_documents_of_unknown_types(peer, origin, monkeypatch):
    monkeypatch.setattr(waiting, "MAX_SKIPPED_PER_ORIGIN", 3)
    flood = [experience_report(origin) for _ in range(5)]
    result = apply(peer, origin.descriptor(), *flood)
    assert result.kept == {"FutureReport": 3}
    assert SkippedDocument.objects.count() == 3
    reasons = {rejection["id"]: rejection["reason"] for rejection in result.rejections}
    assert set(reasons) == {flood[3]["id"], flood[4]["id"]}
    assert ("a type this node does not know (FutureReport), not kept: this node keeps at most 3 such documents "
            "of one origin; every peer's feed is read again once this node knows the type") == reasons[flood[4]["id"]]
    assert SkippedUnkept.objects.get().name == "type FutureReport"  # so an upgrade reads the feeds again


@pytest.mark.django_db
def test_the_bytes_kept_are_limited_per_origin_and_for_all_origins(peer, origin, monkeypatch):
    other = Origin("http://127.0.0.1:8106", name="Zweiter").pinned()
    size = len(orjson.dumps(experience_report(origin)))
    monkeypatch.setattr(waiting, "MAX_SKIPPED_BYTES_PER_ORIGIN", 2 * size + 10)
    monkeypatch.setattr(waiting, "MAX_SKIPPED_BYTES", 3 * size + 20)
    result = apply(peer, origin.descriptor(), other.descriptor(), *[experience_report(origin) for _ in range(3)],
                   *[experience_report(other) for _ in range(2)])
    reasons = {rejection["reason"].split("not kept: ")[1].split(";")[0] for rejection in result.rejections}
    assert reasons == {f"this node keeps at most {3 * size + 20} bytes of such documents",
                       f"this node keeps at most {2 * size + 10} bytes of such documents of one origin"}
    assert sorted(row.origin for row in SkippedDocument.objects.all()) == [origin.node.iri] * 2 + [other.node.iri]


@pytest.mark.django_db
def test_a_document_of_an_unknown_type_is_kept_only_as_its_origin_signed_it(peer, origin, settings):
    impostor = Origin(origin.base)  # another key, claiming the origin's IRI
    forged = experience_report(impostor)
    tampered = experience_report(origin)
    tampered["fit"] = 5
    unsigned = experience_report(origin)
    del unsigned["proof"]
    foreign = experience_report(origin)
    foreign["origin"] = "http://127.0.0.1:8107/"
    wrong_context = experience_report(origin)
    wrong_context["@context"] = [*ITEM_CONTEXT, "http://127.0.0.1:9/evil"]
    malformed_type = experience_report(origin)
    malformed_type["type"] = "experience report"
    own = experience_report(Origin(settings.HUB_BASE_URL))
    result = apply(peer, origin.descriptor(), forged, tampered, unsigned, foreign, wrong_context, malformed_type)
    reasons = {rejection["id"]: rejection["reason"] for rejection in result.rejections}
    assert reasons[forged["id"]].startswith("unknown type 'FutureReport', not kept: proof not verified against "
                                            f"the key of {origin.node.iri}")
    assert "signature does not match" in reasons[tampered["id"]]
    assert "lacks its proof" in reasons[unsigned["id"]]
    assert f"is not the node {origin.node.iri} whose IRI prefixes the id" in reasons[foreign["id"]]
    assert "@context must be" in reasons[wrong_context["id"]]
    assert "unknown type 'experience report'; expected one of Lab, Event" in reasons[malformed_type["id"]]
    assert result.kept == {} and not SkippedDocument.objects.exists()
    assert apply(peer, own).kept == {}  # this node's own items are never taken from a peer


@pytest.mark.django_db
def test_a_term_this_node_does_not_know_is_refused_and_read_again_after_an_upgrade(peer, origin, hidden):
    card = origin.method("Wirkungswerkstatt")
    card["closingReport"] = {"attendees": 12}
    result = apply(peer, origin.descriptor(), origin.sign({k: v for k, v in card.items() if k != "proof"}))
    assert "does not define here: closingReport (a newer vocabulary may define them" in result.rejections[0]["reason"]
    assert not SkippedDocument.objects.exists()  # not kept: a term may carry what must not travel
    assert SkippedUnkept.objects.get().name == "term closingReport"
    hidden.HUB_ITEM_TYPES_HIDDEN = ()  # what this node understands changed, as after an upgrade
    outcome = skipped_catch_up()
    assert outcome.reread == ["term closingReport"]
    assert CursorRewind.objects.filter(peer=peer).exists() and not SkippedUnkept.objects.exists()
    assert skipped_catch_up().reread == []


# --- what is kept, and how it changes ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_type_is_skipped_with_its_reason_kept_and_neither_applied_nor_relayed(peer, origin):
    document = experience_report(origin)
    result = apply(peer, origin.descriptor(), document, cursor="9")
    assert (result.applied, result.skipped, result.kept, result.rejections) == (1, 0, {"FutureReport": 1}, [])
    row = SkippedDocument.objects.get()
    assert (row.iri, row.origin, row.item_type, row.version, row.deleted, row.peer) == (
        document["id"], origin.node.iri, "FutureReport", 1, False, peer)
    assert orjson.loads(row.document) == document and row.size == len(row.document.encode())
    assert row.reason == "a type this node does not know: FutureReport"
    assert not ChangeLogEntry.objects.filter(iri=document["id"]).exists()
    assert all(document["id"] not in served for served in feed_page(after=0, limit=500).documents)
    peer.refresh_from_db()
    assert (peer.cursor, peer.items_applied) == ("9", 1)  # the cursor moves on; only the descriptor was mirrored
    assert apply(peer, document).skipped == 1  # the same version again is unchanged


@pytest.mark.django_db
def test_a_newer_version_replaces_the_kept_one_and_an_older_one_changes_nothing(peer, origin):
    uid = str(uuid.uuid4())
    first, second = experience_report(origin, uid=uid), experience_report(origin, uid=uid, version=2, fit=2)
    apply(peer, origin.descriptor(), first)
    seen = SkippedDocument.objects.get().first_seen_at
    assert apply(peer, second).kept == {"FutureReport": 1}
    assert apply(peer, first).skipped == 1
    row = SkippedDocument.objects.get()
    assert (row.version, orjson.loads(row.document)["fit"], row.first_seen_at) == (2, 2, seen)


@pytest.mark.django_db
def test_a_tombstone_removes_the_kept_item_and_no_older_copy_brings_it_back(peer, origin):
    document = experience_report(origin, version=2)
    apply(peer, origin.descriptor(), document)
    assert apply(peer, tombstone(origin, document["id"], 3, "FutureReport")).kept == {"FutureReport": 1}
    assert kept() == {document["id"]: (3, True)}
    assert '"fit"' not in SkippedDocument.objects.get().document  # the item's content is gone
    assert apply(peer, experience_report(origin, uid=document["id"].rsplit("/", 1)[1], version=4)).skipped == 1
    assert kept() == {document["id"]: (3, True)}


@pytest.mark.django_db
def test_a_hidden_type_is_treated_as_unknown_and_a_blocked_origins_kept_documents_go(peer, origin, hidden):
    idea = signed_idea(origin)
    assert apply(peer, origin.descriptor(), idea).kept == {"Idea": 1}
    assert not Idea.objects.exists() and kept() == {idea["id"]: (2, False)}
    from federation.blocks import origin_block
    from hub.roles import SYSTEM
    origin_block(origin=origin.node.iri, reason="Spam", actor=SYSTEM)
    assert not SkippedDocument.objects.exists()


# --- after the upgrade ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_once_the_type_is_known_the_kept_documents_are_applied_in_the_order_they_came(peer, origin, hidden):
    uid = uuid.uuid4()
    first = signed_idea(origin, title="Trinkbrunnen", version=2)
    later = signed_idea(origin, title="Bank am Ufer", uuid=uid, version=2)
    newest = signed_idea(origin, title="Bank am Ufer, überdacht", uuid=uid, version=3)
    gone = signed_idea(origin, title="Wird gelöscht")
    apply(peer, origin.descriptor(), first, later)
    apply(peer, newest, gone)
    apply(peer, tombstone(origin, gone["id"], 3, "Idea"))
    assert kept() == {first["id"]: (2, False), later["id"]: (3, False), gone["id"]: (3, True)}

    hidden.HUB_ITEM_TYPES_HIDDEN = ()
    outcome = skipped_catch_up()
    assert (outcome.applied, outcome.caught_up, outcome.rejections) == (3, {"Idea": 3}, [])
    assert not SkippedDocument.objects.exists()
    assert {idea.iri: (idea.title, idea.version) for idea in Idea.objects.all()} == {
        first["id"]: ("Trinkbrunnen", 2), later["id"]: ("Bank am Ufer, überdacht", 3)}
    entries = list(ChangeLogEntry.objects.filter(item_type="Idea").order_by("position").values_list("iri", "deleted"))
    assert entries == [(first["id"], False), (later["id"], False), (gone["id"], True)]
    assert ChangeLogEntry.objects.get(iri=later["id"]).document == orjson.dumps(newest).decode()  # relayed as signed
    assert skipped_catch_up().caught_up == {}  # nothing left: a second catch-up does nothing


@pytest.mark.django_db
def test_a_kept_document_whose_proof_fails_at_the_catch_up_is_refused(peer, origin, hidden):
    idea = signed_idea(origin, title="Echt")
    apply(peer, origin.descriptor(), idea)
    SkippedDocument.objects.update(document=SkippedDocument.objects.get().document.replace("Echt", "Falsch"))
    hidden.HUB_ITEM_TYPES_HIDDEN = ()
    outcome = skipped_catch_up()
    assert outcome.caught_up == {"Idea": 1} and outcome.applied == 0
    assert outcome.rejections[0]["id"] == idea["id"] and "proof not verified" in outcome.rejections[0]["reason"]
    assert not Idea.objects.exists() and not SkippedDocument.objects.exists()
    assert RejectedCopy.objects.filter(iri=idea["id"]).exists()  # its origin is asked for the genuine one


@pytest.mark.django_db
def test_a_catch_up_that_fails_midway_leaves_the_kept_documents_for_the_next(peer, origin, hidden, monkeypatch):
    apply(peer, origin.descriptor(), signed_idea(origin))
    hidden.HUB_ITEM_TYPES_HIDDEN = ()
    from federation.sync import catch_up

    def crash(**_arguments):
        raise RuntimeError("the process died")

    with monkeypatch.context() as patched:
        patched.setattr(catch_up, "documents_apply", crash)
        with pytest.raises(RuntimeError):
            skipped_catch_up()
    assert SkippedDocument.objects.count() == 1 and not Idea.objects.exists()
    assert skipped_catch_up().applied == 1 and Idea.objects.count() == 1


@pytest.mark.django_db
def test_the_sync_report_says_what_was_skipped_and_caught_up(peer):
    run = SyncRun(peer=peer, pages=1, applied=2, kept={"FutureReport": 3}, caught_up={"Idea": 2},
                  started_at=MOMENT, finished_at=MOMENT)
    text = report(run)
    assert ", 2 applied, 0 unchanged, 3 skipped, 0 rejected" in text
    assert ("  skipped 3 item(s) of a type this node does not know: FutureReport (kept; applied after an upgrade "
            "that knows it)") in text
    assert "  caught up on 2 kept item(s) of a type this node knows now: Idea" in text

