"""The mirror's own INSERT of item rows stores exactly what bulk_create stores for the same fields."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.db import connection

from events.models import Event
from federation.codecs import from_document, to_document
from federation.sync import feed_apply_page
from hub.models import Node
from methods.models import MethodCard, MethodStep
from tests.federation.test_apply import Origin

BERLIN_WINTER = timezone(timedelta(hours=1))


@pytest.fixture
def origin(db) -> Origin:
    return Origin("http://127.0.0.1:8111").pinned()


@pytest.fixture
def peer(node, origin):
    from federation.models import Peer
    from hub.multikey import encode_public_key, generate_key

    peer_node = Node.objects.create(iri="http://127.0.0.1:8112/", name="Nachbar", city="Nachbarstadt",
                                    public_key_multibase=encode_public_key(generate_key().public_key()))
    return Peer.objects.create(node=peer_node, client_id="x", client_secret="y")


def event_document(origin: Origin, **fields) -> dict:
    uid = str(uuid.uuid4())
    start = datetime(2027, 3, 4, 18, 30, 15, 250000, tzinfo=BERLIN_WINTER)
    values = {
        "iri": f"{origin.base}/events/{uid}", "origin": origin.node, "title": "Zukunftstheater „Stadt“",
        "description": "Mit Ümläuten", "start": start, "end": start + timedelta(hours=2), "timezone": "Europe/Berlin",
        "attendance_mode": "hybrid", "place_name": "Luisenforum", "place_address": "Kirchgasse 1",
        "online_url": "https://meet.example.org/r", "latitude": Decimal("50.080123"), "longitude": Decimal("-8.240001"),
        "target_groups": ["children-and-young-people", "older-people"], "languages": ["de", "en"], "keywords": ["Bürger", "Stadt \"Mitte\""],
        "method_iris": [], "capacity": None, "is_free": False, "lab_id": f"{origin.base}/labs/fern",
        "date_created": datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc), "date_modified": start - timedelta(days=3),
    }
    return origin.sign(to_document(Event(**(values | fields))))


def method_document(origin: Origin) -> dict:
    return origin.method(
        duration_min=30, duration_max=90, materials=["Papier", "Stifte ✏️"], roles=[], keywords=["Beteiligung"],
        target_groups=[], translations=[f"{origin.base}/methods/{uuid.uuid4()}"], source="https://example.org/q",
    )


def raw_row(model: type, iri: str) -> dict:
    """The row as the database holds it (text of dates and JSON included), without its own identity."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE iri = %s", [iri])
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return {name: value for name, value in row.items() if name not in ("id", "iri", "uuid", "slug")}


def bulk_created(model: type, document: dict, origin_id: int) -> str:
    """The same decoded fields written by bulk_create under another IRI and uuid; that IRI."""
    decoded = from_document(copy.deepcopy(document))
    fields = dict(decoded.fields)
    other = uuid.uuid4()
    iri = decoded.iri.rsplit("/", 1)[0] + f"/{other}"
    fields |= {"uuid": other} | ({"slug": str(other)} if "slug" in fields else {})
    model.objects.bulk_create([model(iri=iri, origin_id=origin_id, version=decoded.version, **fields)])
    return iri


@pytest.mark.django_db
def test_mirrored_rows_hold_what_bulk_create_would_have_written(peer, origin):
    documents = [event_document(origin), event_document(origin, attendance_mode="online", place_name="",
                                                        place_address="", latitude=None, longitude=None),
                 method_document(origin)]
    result = feed_apply_page(peer=peer, documents=[origin.descriptor(), *copy.deepcopy(documents)], cursor="1")
    assert (result.applied, result.rejections) == (4, [])
    origin_id = Node.objects.get(iri=origin.node.iri).pk
    for document in documents:
        model = Event if document["type"] == "Event" else MethodCard
        assert raw_row(model, document["id"]) == raw_row(model, bulk_created(model, document, origin_id))
    mirrored = Event.objects.get(iri=documents[0]["id"])
    assert mirrored.start == datetime(2027, 3, 4, 18, 30, 15, 250000, tzinfo=BERLIN_WINTER)
    assert (mirrored.latitude, mirrored.longitude) == (Decimal("50.080123"), Decimal("-8.240001"))
    assert mirrored.keywords == ["Bürger", "Stadt \"Mitte\""] and mirrored.method_iris == []
    card = MethodCard.objects.get(iri=documents[2]["id"])
    assert card.materials == ["Papier", "Stifte ✏️"] and card.roles == []
    assert list(MethodStep.objects.filter(method=card).values_list("position", "title")) == [(1, "Losgehen")]


@pytest.mark.django_db
def test_a_newer_version_replaces_the_row_its_steps_and_its_search_entry(peer, origin):
    from hub.search import search_items

    uid = str(uuid.uuid4())
    first = origin.method("Stadtspaziergang", uuid_=uid, version=1)
    assert feed_apply_page(peer=peer, documents=[origin.descriptor(), first], cursor="1").applied == 2
    second = origin.method("Kiezerkundung", uuid_=uid, version=2)
    second.pop("proof")
    second["step"] = [{"type": "HowToStep", "position": 1, "name": "Treffen"}, {"type": "HowToStep", "position": 2, "name": "Fragen"}]
    second = origin.sign(second)
    assert feed_apply_page(peer=peer, documents=[second], cursor="2").applied == 1
    card = MethodCard.objects.get(iri=first["id"])
    assert (card.title, card.version, str(card.uuid)) == ("Kiezerkundung", 2, uid)
    assert list(MethodStep.objects.filter(method=card).values_list("position", "title")) == [(1, "Treffen"), (2, "Fragen")]
    assert MethodCard.objects.filter(iri=first["id"]).count() == 1 and not MethodStep.objects.filter(title="Losgehen").exists()
    assert list(search_items(MethodCard.objects.all(), "Kiezerkundung")) == [card]
    assert not search_items(MethodCard.objects.all(), "Stadtspaziergang").exists()
