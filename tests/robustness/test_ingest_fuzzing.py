"""The ingest path under documents damaged by a hostile peer (protocol section 6).

Pages of signed documents, some damaged (wrong types, missing and unknown properties, huge strings,
deep nesting, Unicode edge cases, duplicated keys, not objects at all), some damaged and signed
again by their origin, go through the feed page parsing of the puller and ``feed_apply_page``. For
every page: no exception escapes; every document is applied, skipped or rejected with a reason; the
database afterwards holds what it held plus exactly the applied documents; the rejections can be
recorded in the SyncRun. The same holds for a page served over real HTTP to ``sync_peer``.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import Any

import orjson
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Event
from federation.models import KeyPin, Peer, SkippedDocument, SyncRun
from federation.pins import origin_pin
from federation.sync import feed_apply_page, sync_peer
from federation.sync.pull import _read_page
from hub.models import ChangeLogEntry, Lab, Node
from methods.models import MethodCard, MethodStep
from tests.network.fakes import FakeNode, _FakeNodeHandler
from tests.robustness.documents import Signer, damaged, locations, new_uuid, resigned, wire

CURSOR = "4242"
FUZZING = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large, HealthCheck.large_base_example])


@contextmanager
def rolled_back():
    """Undo the example's writes, so that every example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class Held:
    """What the node holds: its change log, its mirrored rows, its nodes, the peer's counters."""

    def __init__(self, peer: Peer) -> None:
        self.log = {iri: (version, deleted, document) for iri, version, deleted, document in
                    ChangeLogEntry.objects.values_list("iri", "version", "deleted", "document")}
        self.rows = {(model.__name__, iri): version for model in (Lab, Event, MethodCard)
                     for iri, version in model.objects.values_list("iri", "version")}
        self.steps = sorted(MethodStep.objects.values_list("method__iri", "position", "title"))
        self.nodes = {iri: (key, version, name) for iri, key, version, name in
                      Node.objects.values_list("iri", "public_key_multibase", "version", "name")}
        self.peer = Peer.objects.values_list("cursor", "items_applied").get(pk=peer.pk)
        self.kept = dict(SkippedDocument.objects.values_list("iri", "version"))  # of types the node does not know


@pytest.fixture
def origin(db) -> Signer:
    """A node whose key this node pinned from its own descriptor."""
    signer = Signer("http://127.0.0.1:8201")
    origin_pin(descriptor=signer.descriptor(), source=KeyPin.Source.FETCHED)
    return signer


@pytest.fixture
def stranger() -> Signer:
    """A node this node has never seen: its documents are held until its own descriptor is fetched."""
    return Signer("http://127.0.0.1:8203", name="Unbekannt")


@pytest.fixture
def peer(node) -> Peer:
    neighbour = Signer("http://127.0.0.1:8202", name="Nachbar")
    neighbour.node.save()
    return Peer.objects.create(node=neighbour.node, client_id="x", client_secret="y")


@pytest.fixture
def held_uuids(peer, origin) -> dict[str, str]:
    """The origin's descriptor, lab, one event and one method card, mirrored at version 1."""
    uuids = {"event": new_uuid(), "method": new_uuid()}
    documents = [origin.descriptor(), origin.lab(), origin.event(uuids["event"]), origin.method(uuids["method"])]
    assert feed_apply_page(peer=peer, documents=documents, cursor="1").applied == 4
    return uuids


@st.composite
def pages(draw, origin: Signer, stranger: Signer, held: dict[str, str]) -> list[Any]:
    """Up to six documents: fresh or stale, of the known origin or a stranger, damaged or not."""
    documents = []
    for _ in range(draw(st.integers(1, 6), label="size")):
        signer = draw(st.sampled_from([origin, origin, origin, stranger]), label="signer")
        version = draw(st.integers(1, 3), label="version")
        uid = draw(st.sampled_from([held["event"], held["method"]]) | st.uuids().map(str), label="uuid")
        kind = draw(st.sampled_from(["descriptor", "lab", "event", "method", "tombstone"]), label="kind")
        if kind == "tombstone":
            former = draw(st.sampled_from(["Event", "MethodCard"]))
            path = "events" if former == "Event" else "methods"
            document = signer.tombstone(f"{signer.base}/{path}/{uid}", former, version + 1)
        elif kind in ("event", "method"):
            document = getattr(signer, kind)(uid, version)
        else:
            document = getattr(signer, kind)(version)
        document = draw(damaged(document), label="damaged")
        if draw(st.booleans(), label="signed again"):
            document = resigned(signer, document)
        documents.append(document)
    return documents


def apply_from_the_wire(peer: Peer, documents: list[Any]):
    """Send the page through the puller's parsing (orjson, ``_read_page``), then apply it."""
    page = orjson.loads(wire(documents, next_url=f"{peer.base_url}/api/federation/feed?after={CURSOR}&limit=100"))
    received, cursor, _limit = _read_page(page, peer)
    assert cursor == CURSOR
    return received, feed_apply_page(peer=peer, documents=received, cursor=cursor)


def assert_accounted_and_written_exactly(peer: Peer, documents: list[Any], result, before: Held) -> None:
    """Every document is applied, skipped, held, kept (a type the node does not know) or rejected with a reason;
    only the applied ones were written, and only the kept ones were kept."""
    kept = sum(result.kept.values())
    assert result.applied + result.skipped + result.held + kept + len(result.rejections) == len(documents), result
    assert all(isinstance(r["id"], str) and isinstance(r["reason"], str) and r["reason"] for r in result.rejections)
    after = Held(peer)
    assert len({iri for iri, version in after.kept.items() if before.kept.get(iri) != version}) == kept, result
    changed = {iri for iri, entry in after.log.items() if before.log.get(iri) != entry}
    assert set(before.log) <= set(after.log)
    assert len(changed) == result.applied, (changed, result)
    received = [document for document in documents if isinstance(document, dict)]
    for iri in changed:
        version, deleted, text = after.log[iri]
        stored = orjson.loads(text)
        assert stored in received and stored["id"] == iri and stored["version"] == version
        assert deleted == (stored["type"] == "Tombstone")
    for key in set(before.rows) | set(after.rows):
        type_name, iri = key
        if iri not in changed:
            assert after.rows.get(key) == before.rows.get(key), key
        elif after.log[iri][1]:
            assert key not in after.rows
    for type_name, iri in set(after.rows) - set(before.rows):
        assert iri in changed and after.rows[(type_name, iri)] == after.log[iri][0]
    changed_nodes = {iri for iri in after.nodes if before.nodes.get(iri) != after.nodes[iri]}
    assert changed_nodes <= changed
    steps_elsewhere = [step for step in after.steps if step[0] not in changed]
    assert steps_elsewhere == [step for step in before.steps if step[0] not in changed]
    assert after.peer == (CURSOR, before.peer[1] + result.applied)


def assert_readable_back() -> None:
    """What was stored can be read again (by the pages, the API, the feed)."""
    for model in (Node, Lab, Event, MethodCard, ChangeLogEntry):
        list(model.objects.all())


def assert_rejections_recordable(peer: Peer, result) -> None:
    """The rejections can be kept in a SyncRun, as ``sync_peer`` keeps them, and read back unchanged."""
    run = SyncRun.objects.create(peer=peer, rejected=len(result.rejections), rejections=result.rejections)
    run.refresh_from_db()
    assert run.rejections == result.rejections


@pytest.mark.django_db
def test_damaged_documents_are_applied_skipped_or_rejected_with_a_reason_and_never_half_written(
    peer, origin, stranger, held_uuids
):
    @FUZZING
    @given(documents=pages(origin, stranger, held_uuids))
    def page_is_handled(documents):
        with rolled_back():
            before = Held(peer)
            received, result = apply_from_the_wire(peer, documents)
            assert_accounted_and_written_exactly(peer, received, result, before)
            assert_rejections_recordable(peer, result)
            assert_readable_back()

    page_is_handled()


def with_duplicated_key(document: dict[str, Any], key: str, value: Any, *, value_first: bool) -> bytes:
    """The document's JSON text with ``key`` written twice: ``value`` before or after the signed one."""
    text = orjson.dumps(document)
    extra = orjson.dumps(key) + b":" + orjson.dumps(value)
    return b"{" + extra + b"," + text[1:] if value_first else text[:-1] + b"," + extra + b"}"


@pytest.mark.django_db
def test_a_key_written_twice_counts_once_with_its_last_value_as_the_puller_reads_it(peer, origin, held_uuids):
    keys = st.sampled_from(["id", "type", "version", "name", "origin", "@context", "proof", "step"])

    @FUZZING
    @given(key=keys, value=st.sampled_from([None, 7, "Doppelt", ["x"], {"a": 1}]), value_first=st.booleans(),
           resign=st.booleans())
    def duplicated_key_is_handled(key, value, value_first, resign):
        document = origin.method(new_uuid(), version=1)
        text = with_duplicated_key(document, key, value, value_first=value_first)
        parsed = orjson.loads(text)
        assert parsed == (document if value_first else {**document, key: value})
        with rolled_back():
            before = Held(peer)
            page = resigned(origin, parsed) if resign else parsed
            received, result = apply_from_the_wire(peer, [page])
            assert_accounted_and_written_exactly(peer, received, result, before)
            if value_first:  # the signed value came last and won: the document is the one signed
                assert result.applied == 1, result

    duplicated_key_is_handled()


class RawFeedHandler(_FakeNodeHandler):
    """A fake node's answers, with the feed sent as raw JSON text (so that it can hold a key twice)."""

    def _answer(self, method: str) -> None:
        if self.path.startswith("/api/federation/feed"):
            self.fake.requests.append((method, "/api/federation/feed"))
            body = self.fake.raw_pages.pop(0) if self.fake.raw_pages else wire([], next_url=None)
            return self._send(200, body, "application/activity+json")
        return super()._answer(method)


class RawFeedNode(FakeNode):
    """A fake node whose feed pages are the raw texts the test puts in ``raw_pages``."""

    def __init__(self) -> None:
        self.raw_pages: list[bytes] = []
        super().__init__("Rohlabor", "Rohstadt")

    def _open(self, port: int) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", port), RawFeedHandler)
        server.daemon_threads, server.fake = True, self
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._server = server


@pytest.fixture
def raw_feed_node():
    fake = RawFeedNode()
    yield fake
    fake.close()


@pytest.mark.django_db
def test_a_hostile_page_served_over_http_is_pulled_with_every_refusal_recorded(node, raw_feed_node):
    fake = raw_feed_node
    fake_node = Node.objects.create(iri=fake.iri, name=fake.name, city=fake.city, public_key_multibase=fake.public_key)
    peer = Peer.objects.create(node=fake_node, client_id="c", client_secret="s")
    signer = Signer(fake.base_url, name=fake.name)
    signer.key = fake.key
    good = signer.method(new_uuid())
    documents = [
        fake.descriptor(), signer.lab(), good,
        with_duplicated_key(signer.method(new_uuid()), "name", "Untergeschoben", value_first=True),  # applied
        with_duplicated_key(signer.method(new_uuid()), "name", "Untergeschoben", value_first=False),  # proof fails
        with_duplicated_key(signer.event(new_uuid()), "version", "eins", value_first=False),  # shape fails
        b'"not an object"', b"null", b"[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]",
        orjson.dumps(resigned(signer, {**signer.method(new_uuid()), "name": "Stadt\u202elabor"})),
        orjson.dumps({**signer.method(new_uuid()), "text": "ä" * 140_000}),
    ]
    texts = [d if isinstance(d, bytes) else orjson.dumps(d) for d in documents]
    feed = f"{fake.base_url}/api/federation/feed"
    fake.raw_pages = [
        b'{"type":"OrderedCollectionPage","orderedItems":[' + b",".join(texts) + b'],"next":"' + feed.encode()
        + b'?after=12"}',
        wire([], next_url=None),
    ]

    run = sync_peer(peer_id=peer.pk)

    run.refresh_from_db()
    assert run.error == "" and run.finished_at is not None, run.error
    assert run.applied + run.skipped + run.rejected == len(documents), (run.applied, run.skipped, run.rejections)
    assert len(run.rejections) == run.rejected and all(r["reason"] for r in run.rejections)
    refused = {r["id"]: r["reason"] for r in run.rejections}
    assert MethodCard.objects.filter(iri=good["id"]).exists()
    assert MethodCard.objects.filter(iri=orjson.loads(texts[3])["id"], title="Stadtspaziergang").exists()
    assert "proof not verified" in refused[orjson.loads(texts[4])["id"]]
    assert "version must be" in refused[orjson.loads(texts[5])["id"]]
    assert not MethodCard.objects.filter(title="Untergeschoben").exists()
    assert MethodCard.objects.filter(iri=orjson.loads(texts[9])["id"], title="Stadt\u202elabor").exists()
    assert "the limit is" in refused[orjson.loads(texts[10])["id"]]
    peer.refresh_from_db()
    assert peer.cursor == "12" and peer.last_error == ""


def sample_documents(origin: Signer, held: dict[str, str]) -> list[dict[str, Any]]:
    """One fresh document of every kind the feed carries."""
    return [origin.descriptor(version=2), origin.lab(version=2), origin.event(held["event"], version=2),
            origin.method(new_uuid()), origin.tombstone(f"{origin.base}/methods/{held['method']}", "MethodCard", 2)]


def string_leaves(document: Any) -> list[tuple]:
    leaves = []
    for path in locations(document):
        value = document
        for key in path:
            value = value[key]
        if isinstance(value, str) and path[0] != "proof":
            leaves.append(path)
    return leaves


def changed_at(document: dict[str, Any], path: tuple, change) -> dict[str, Any]:
    document = orjson.loads(orjson.dumps(document))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = change(parent[path[-1]])
    return document


EDGE_TEXTS = [
    pytest.param("\x00", id="nul"), pytest.param("\u202e", id="right-to-left-override"),
    pytest.param("\ufeff", id="byte-order-mark"), pytest.param("\U0010ffff", id="last-code-point"),
    pytest.param("e\u0301", id="combining-accent"), pytest.param("\x85\u2028", id="line-separators"),
    pytest.param("👩‍👩‍👧", id="emoji-zwj-sequence"), pytest.param("\x1b[31m", id="terminal-escape"),
]


@pytest.mark.parametrize("text", EDGE_TEXTS)
@pytest.mark.django_db
def test_an_edge_text_in_any_property_of_any_signed_document_is_stored_or_refused_never_raised(
    peer, origin, held_uuids, text
):
    for document in sample_documents(origin, held_uuids):
        for path in string_leaves(document):
            damaged_document = resigned(origin, changed_at(document, path, lambda value: value + text))
            with rolled_back():
                before = Held(peer)
                received, result = apply_from_the_wire(peer, [damaged_document])
                assert_accounted_and_written_exactly(peer, received, result, before)
                assert_rejections_recordable(peer, result)
                assert_readable_back()


EDGE_DATES = [
    pytest.param("0001-01-01T00:00:00+01:00", id="before-year-1-in-utc"),
    pytest.param("9999-12-31T23:59:59-01:00", id="after-9999-in-utc"),
    pytest.param("0001-01-01T00:00:00+00:00", id="year-1"),
    pytest.param("9999-12-31T23:59:59+00:00", id="year-9999"),
    pytest.param("2026-03-29T02:30:00+01:00", id="in-a-dst-gap"),
]
DATE_KEYS = ("dateCreated", "dateModified", "startDate", "endDate", "deleted")


@pytest.mark.parametrize("date", EDGE_DATES)
@pytest.mark.django_db
def test_an_edge_date_in_any_date_of_any_signed_document_is_stored_or_refused_never_raised(
    peer, origin, held_uuids, date
):
    for document in sample_documents(origin, held_uuids):
        for path in [path for path in string_leaves(document) if path[-1] in DATE_KEYS]:
            damaged_document = resigned(origin, changed_at(document, path, lambda value: date))
            with rolled_back():
                before = Held(peer)
                received, result = apply_from_the_wire(peer, [damaged_document])
                assert_accounted_and_written_exactly(peer, received, result, before)
                assert_readable_back()


@pytest.mark.parametrize("where, value", [(("visibility",), ["public"]), (("step", 0, "type"), {"a": 1})])
@pytest.mark.django_db
def test_a_list_or_object_where_a_choice_belongs_is_refused_with_a_reason(peer, origin, where, value):
    document = changed_at(origin.method(new_uuid()), where, lambda _: value)
    result = feed_apply_page(peer=peer, documents=[document], cursor="2")
    assert result.applied == 0 and "must be one of" in result.rejections[0]["reason"]


@pytest.mark.parametrize("key", ["id", "origin", "creator", "isBasedOn"])
@pytest.mark.django_db
def test_an_iri_with_an_unclosed_ipv6_bracket_is_refused_with_a_reason(peer, origin, key):
    document = {**origin.method(new_uuid()), key: "http://[::1"}
    result = feed_apply_page(peer=peer, documents=[document], cursor="2")
    assert result.applied == 0 and len(result.rejections) == 1 and result.rejections[0]["reason"]


@pytest.mark.django_db
def test_a_refusal_stays_short_however_large_the_refused_document(peer, origin):
    huge = "x" * 200_000
    documents = [{**origin.method(new_uuid()), "id": f"{origin.base}/methods/{huge}"},
                 {**origin.method(new_uuid()), "type": huge},
                 {**origin.method(new_uuid()), "@context": [huge]}]
    result = feed_apply_page(peer=peer, documents=documents, cursor="2")
    assert len(result.rejections) == 3
    assert all(len(r["id"]) <= 300 and len(r["reason"]) <= 1000 for r in result.rejections), [
        (len(r["id"]), len(r["reason"])) for r in result.rejections
    ]
