"""The bundle: export a node's own signed documents, import them after a reset or on new hardware."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Model

from events.models import Event
from events.services import event_cancel, event_create, event_delete
from federation.bundle import BundleError, bundle_import
from federation.documents import signed
from hub.models import ChangeLogEntry, ChangeLogSequence, Lab, Node
from hub.multikey import generate_key, save_private_key
from hub.roles import SYSTEM, Role
from hub.services import lab_create, role_grant
from methods.models import MethodCard, MethodStep
from methods.services import method_create, method_delete, method_update

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 3, 4, 18, 0, tzinfo=BERLIN)
LD = "application/ld+json"
ITEM_MODELS = (Lab, MethodCard, Event)


@pytest.fixture
def content(node, lab, remote_lab):
    """Labs, methods with steps, events, a tombstone of each kind of item, a draft and a mirrored lab."""
    quarter = lab_create(actor=SYSTEM, 
        name="Quartierslabor", city="Teststadt", slug="quartierslabor", address="Beispielweg 1",
        latitude=Decimal("50.078200"), longitude=Decimal("8.239800"), website="https://example.org/",
    )
    persona = method_create(actor=SYSTEM, 
        title="Persona-Werkstatt", summary="Wer nutzt den Dienst?", phase="erkennen", lab=lab,
        duration_min=90, duration_max=180, materials=["Vorlagen", "Stifte"], roles=["Moderation"],
        steps=[{"title": "Einladen", "text": "Wen?"}, {"title": "Skizzieren"}],
    )
    method_update(actor=SYSTEM, method=persona, summary="Wer nutzt den Dienst, und wie?")
    theatre = method_create(actor=SYSTEM, 
        title="Zukunftstheater", summary="Szenen spielen", phase="entwerfen", lab=quarter, visibility="network",
        translations=["https://example.org/methods/future-theater"], steps=[{"title": "Bühne bauen"}],
    )
    method_delete(actor=SYSTEM, method=method_create(actor=SYSTEM, title="Verworfen", summary="Weg damit", phase="erproben", lab=lab))
    method_create(actor=SYSTEM, title="Entwurf", summary="Noch nicht fertig", phase="erkunden", lab=lab, visibility="draft")
    event_create(actor=SYSTEM, title="Offene Werkstatt", start=START, end=START + timedelta(hours=2), place_name="Stadtbibliothek",
                 lab=lab, method_iris=[persona.iri, theatre.iri], keywords=["Werkstatt"])
    online = event_create(actor=SYSTEM, title="Sprechstunde", start=START, end=START + timedelta(hours=1), attendance_mode="online",
                          online_url="https://example.org/live", lab=quarter, visibility="network")
    event_cancel(actor=SYSTEM, event=online)
    event_delete(actor=SYSTEM, event=event_create(actor=SYSTEM, title="Abgesagt", start=START, end=START + timedelta(hours=1),
                                    place_name="Rathaus", lab=lab))
    return node


def row(item: Model) -> dict:
    """An item's fields as stored, its origin by IRI and a method's steps."""
    fields = {field.attname: getattr(item, field.attname) for field in item._meta.concrete_fields}
    fields = {name: value for name, value in fields.items() if name not in {"id", "origin_id"}}
    fields["origin"] = item.origin.iri
    if isinstance(item, MethodCard):
        fields["steps"] = list(item.steps.values_list("position", "title", "text"))
    return fields


def served(client, entry: ChangeLogEntry, base: str) -> bytes:
    """What the node serves for an entry of its change log: the item's document, its tombstone, its descriptor."""
    path = "/.well-known/stadtlabor" if entry.item_type == "Node" else entry.iri.removeprefix(base)
    response = client.get(path, HTTP_ACCEPT=LD)
    assert response.status_code == (410 if entry.deleted else 200), entry.iri
    return response.content


def snapshot(client, settings) -> dict:
    """The node's own items: versions, stored and served documents, and rows field by field."""
    staff = User.objects.get_or_create(username="staff", defaults={"is_staff": True})[0]
    role_grant(user=staff, role=Role.NODE_ADMIN, actor=SYSTEM)
    client.force_login(staff)
    entries = ChangeLogEntry.objects.filter(origin__is_local=True).order_by("position")
    return {
        "versions": {(entry.iri, entry.version) for entry in entries},
        "documents": {entry.iri: entry.document for entry in entries},
        "served": {entry.iri: served(client, entry, settings.HUB_BASE_URL) for entry in entries},
        "rows": {item.iri: row(item) for model in ITEM_MODELS for item in model.objects.filter(origin__is_local=True)},
    }


def own_content_delete() -> None:
    """Remove this node's items and change-log entries, keeping its record (a reset of the content)."""
    MethodStep.objects.filter(method__origin__is_local=True).delete()
    for model in ITEM_MODELS:
        model.objects.filter(origin__is_local=True).delete()
    ChangeLogEntry.objects.filter(origin__is_local=True).delete()


def database_empty() -> None:
    """Remove everything a bundle could bring back, this node's record included (a fresh database)."""
    MethodStep.objects.all().delete()
    for model in ITEM_MODELS:
        model.objects.all().delete()
    ChangeLogEntry.objects.all().delete()
    Node.objects.all().delete()
    ChangeLogSequence.objects.all().delete()


def export(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.json"
    call_command("export", str(path), stdout=StringIO())
    return path


@pytest.mark.django_db
def test_the_bundle_holds_the_descriptor_and_the_own_signed_documents_in_change_log_order(content, tmp_path):
    bundle = json.loads(export(tmp_path).read_bytes())
    entries = ChangeLogEntry.objects.filter(origin=content).exclude(iri=content.iri).order_by("position")
    assert bundle["orderedItems"] == [json.loads(entry.document) for entry in entries]
    assert bundle["node"] == json.loads(ChangeLogEntry.objects.get(iri=content.iri).document)
    assert (bundle["type"], bundle["attributedTo"], bundle["totalItems"]) == ("OrderedCollection", content.iri, 8)
    assert bundle["proof"]["verificationMethod"] == content.iri + "#key-1"
    types = sorted(item.get("formerType", "") + item["type"] for item in bundle["orderedItems"])
    assert types == [
        "Event", "Event", "EventTombstone", "Lab", "Lab", "MethodCard", "MethodCard", "MethodCardTombstone",
    ]
    assert not any(item.get("name") in {"Entwurf", "Fernlabor"} for item in bundle["orderedItems"])


@pytest.mark.django_db
def test_the_bundle_file_is_readable_by_its_owner_only_and_not_overwritten_without_force(content, tmp_path):
    path = export(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(CommandError, match="--force"):
        call_command("export", str(path), stdout=StringIO())
    out = StringIO()
    call_command("export", str(path), "--force", stdout=out)
    assert "the node descriptor, 2 labs, 2 method cards, 2 events, 2 tombstones" in out.getvalue()
    assert "Not in the bundle: 1 drafts (never signed) and 1 items mirrored" in out.getvalue()


@pytest.mark.django_db
def test_a_restore_after_a_reset_gives_back_the_same_items_versions_and_served_documents(
    content, tmp_path, client, settings,
):
    before = snapshot(client, settings)
    path = export(tmp_path)
    own_content_delete()
    out = StringIO()
    call_command("import", str(path), stdout=out)
    assert "2 labs, 2 method cards, 2 events, 2 tombstones" in out.getvalue()
    after = snapshot(client, settings)
    assert after["versions"] == before["versions"]
    assert after["documents"] == before["documents"]
    assert after["served"] == before["served"]
    assert after["rows"] == {iri: fields for iri, fields in before["rows"].items() if fields["visibility"] != "draft"}
    assert Lab.objects.filter(origin__is_local=False).count() == 1  # the mirrored lab was left alone


@pytest.mark.django_db
def test_a_move_recreates_the_node_from_the_descriptor_on_a_fresh_database(content, tmp_path, client, settings):
    before = snapshot(client, settings)
    identity = Node.objects.filter(is_local=True).values("iri", "name", "city", "public_key_multibase", "version").get()
    positions = dict(ChangeLogEntry.objects.filter(origin__is_local=True).values_list("iri", "position"))
    path = export(tmp_path)
    database_empty()
    out = StringIO()
    call_command("import", str(path), stdout=out)
    assert "identity was recreated" in out.getvalue()
    assert Node.objects.filter(is_local=True).values(*identity).get() == identity
    after = snapshot(client, settings)
    for part in ("versions", "documents", "served"):
        assert after[part] == before[part], part
    assert after["rows"] == {iri: fields for iri, fields in before["rows"].items() if fields["visibility"] != "draft"}
    # Every change keeps a position at least as high as on export, so no peer's cursor skips one.
    for iri, position in ChangeLogEntry.objects.values_list("iri", "position"):
        assert position >= positions[iri], iri


@pytest.mark.django_db
def test_the_imported_node_goes_on_writing_with_the_next_versions(content, tmp_path):
    path = export(tmp_path)
    database_empty()
    bundle_import(data=path.read_bytes())
    persona = MethodCard.objects.get(title="Persona-Werkstatt")
    assert method_update(actor=SYSTEM, method=persona, summary="Dritte Fassung").version == 3
    assert lab_create(actor=SYSTEM, name="Neues Labor", city="Teststadt", slug="neues-labor").is_local


@pytest.mark.django_db
def test_an_item_changed_after_signing_is_refused_even_in_a_signed_bundle_and_nothing_is_written(content, tmp_path):
    bundle = json.loads(export(tmp_path).read_bytes())
    item = next(item for item in bundle["orderedItems"] if item.get("name") == "Persona-Werkstatt")
    item["name"] = "Gefälscht"
    resigned = signed({key: value for key, value in bundle.items() if key != "proof"}, signer=content)
    database_empty()
    with pytest.raises(BundleError, match=rf"The proof of item \d+ \({item['id']}\) does not verify"):
        bundle_import(data=resigned.encode())
    assert not Node.objects.exists() and not MethodCard.objects.exists()


@pytest.mark.django_db
def test_a_bundle_without_one_of_its_items_is_refused(content, tmp_path):
    bundle = json.loads(export(tmp_path).read_bytes())
    bundle["orderedItems"].pop()
    bundle["totalItems"] -= 1
    own_content_delete()
    with pytest.raises(BundleError, match="The proof of the bundle does not verify"):
        bundle_import(data=json.dumps(bundle).encode())


@pytest.mark.django_db
def test_a_bundle_of_another_base_url_is_refused(content, tmp_path, settings):
    path = export(tmp_path)
    database_empty()
    settings.HUB_BASE_URL = "https://hub.anderswo.example"
    refusal = "belongs to the node http://127.0.0.1:8000/.*HUB_BASE_URL is https://hub.anderswo.example"
    with pytest.raises(CommandError, match=refusal):
        call_command("import", str(path), stdout=StringIO())


@pytest.mark.django_db
def test_a_bundle_signed_with_another_key_than_this_nodes_is_refused(content, tmp_path):
    path = export(tmp_path)
    own_content_delete()
    Node.objects.filter(is_local=True).update(public_key_multibase="z6MkotherKeyOfThisNodeAaaaaaaaaaaaaaaaaaaaaaaaaaa")
    with pytest.raises(BundleError, match="this node's key is another one"):
        bundle_import(data=path.read_bytes())


@pytest.mark.django_db
def test_a_move_needs_the_nodes_key_file_and_refuses_another_key(content, tmp_path, node_key_path):
    path = export(tmp_path)
    database_empty()
    node_key_path.rename(tmp_path / "kept-elsewhere.pem")
    with pytest.raises(BundleError, match="key file .* is missing.*never part of a bundle"):
        bundle_import(data=path.read_bytes())
    save_private_key(generate_key(), node_key_path)
    with pytest.raises(BundleError, match="is not the key the bundle's node signs with"):
        bundle_import(data=path.read_bytes())
    assert not Node.objects.exists()


@pytest.mark.django_db
def test_a_node_that_still_holds_items_of_its_own_refuses_the_bundle(content, tmp_path):
    path = export(tmp_path)
    with pytest.raises(BundleError, match="already holds .* of its own"):
        bundle_import(data=path.read_bytes())


@pytest.mark.django_db
def test_a_file_that_is_not_a_bundle_is_refused_with_a_clear_message(content, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"type": "OrderedCollection", "orderedItems": []}')
    with pytest.raises(CommandError, match="not a Stadtlabor Hub bundle"):
        call_command("import", str(path), stdout=StringIO())
    path.write_text("kein JSON")
    with pytest.raises(CommandError, match="not JSON"):
        call_command("import", str(path), stdout=StringIO())


@pytest.mark.django_db
def test_exporting_needs_an_initialised_node(db, tmp_path):
    with pytest.raises(CommandError, match="init_node"):
        call_command("export", str(tmp_path / "bundle.json"), stdout=StringIO())


@pytest.mark.django_db
def test_a_node_that_signed_a_newer_descriptor_since_the_export_signs_the_next_one_naming_its_labs(content, tmp_path):
    path = export(tmp_path)
    exported = json.loads(path.read_bytes())["node"]
    own_content_delete()
    Node.objects.filter(is_local=True).update(version=exported["version"] + 2)
    bundle_import(data=path.read_bytes())
    descriptor = json.loads(ChangeLogEntry.objects.get(iri=content.iri).document)
    assert descriptor["version"] == Node.objects.get(is_local=True).version > exported["version"]
    assert descriptor["labs"] == exported["labs"]
