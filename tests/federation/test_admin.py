"""The federation's records in the admin: node administrators read peers, sync runs, blocks, key pins, held
documents, rejected copies and skipped documents there; nobody changes them there, and no credential is shown."""

from __future__ import annotations

import pytest
from oauth2_provider.models import Application

from federation.models import (
    Block,
    HeldDocument,
    KeyPin,
    Peer,
    RejectedCopy,
    SkippedDocument,
    SyncRun,
)
from hub.models import Node
from hub.multikey import encode_public_key, generate_key

pytestmark = pytest.mark.django_db

PAGES = ["peer", "syncrun", "block", "keypin", "helddocument", "rejectedcopy", "skippeddocument"]


@pytest.fixture
def records(node):
    other = Node.objects.create(iri="http://127.0.0.1:8141/", name="Nachbarlabor", city="Nachbarstadt",
                                public_key_multibase=encode_public_key(generate_key().public_key()))
    application = Application.objects.create(name="Peer", client_type=Application.CLIENT_CONFIDENTIAL,
                                             authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)
    peer = Peer.objects.create(node=other, application=application, client_id="unsere-kennung",
                               client_secret="streng-geheimes-passwort", access_token="zugangs-token-123")
    SyncRun.objects.create(peer=peer, applied=3, rejected=1, rejections=[{"id": "x", "reason": "Beweis falsch"}])
    Block.objects.create(origin="http://127.0.0.1:8142/", reason="Werbung", created_by="admin")
    KeyPin.objects.create(node=other, source=KeyPin.Source.JOINED)
    HeldDocument.objects.create(iri="http://127.0.0.1:8143/methods/1", origin="http://127.0.0.1:8143/", version=1,
                                document="{}", digest="0" * 64, peer=peer, reason="Schlüssel fehlt")
    RejectedCopy.objects.create(iri="http://127.0.0.1:8143/methods/2", version=2, origin="http://127.0.0.1:8143/",
                                peer=peer, reason="Beweis falsch")
    SkippedDocument.objects.create(iri="http://127.0.0.1:8143/reports/3", origin="http://127.0.0.1:8143/",
                                   item_type="ExperienceReport", version=1, document="{}", size=2, peer=peer,
                                   reason="a type this node does not know: ExperienceReport")
    return peer


@pytest.mark.parametrize("page", PAGES)
def test_a_node_administrator_reads_each_list_and_record_without_credentials(client, person, records, page):
    client.force_login(person("ada", "node-admin"))
    listing = client.get(f"/admin/federation/{page}/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    first = listing.context["cl"].result_list[0]
    record = client.get(f"/admin/federation/{page}/{first.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert record.status_code == 200
    shown = listing.content.decode() + record.content.decode()
    for secret in ("streng-geheimes-passwort", "zugangs-token-123"):
        assert secret not in shown
    assert 'name="_save"' not in record.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "lab-editor"])
def test_other_roles_do_not_see_the_federations_records(client, person, records, role, lab):
    client.force_login(person("kim", role, lab=lab) if role == "lab-editor" else person("kim", role))
    assert client.get("/admin/federation/peer/").status_code == 403
    assert "federation" not in client.get("/admin/").content.decode().lower()
