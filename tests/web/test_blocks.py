"""The staff's page of blocks: block a node after a confirmation, lift the block, confirm proposals, the allow list."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from federation.blocks import origin_block
from federation.models import AllowedOrigin, Block
from hub.models import ChangeLogEntry, Node
from hub.roles import SYSTEM
from hub.services.changelog import Change, changelog_record
from methods.models import MethodCard
from tests.api.factories import mirrored_method

pytestmark = pytest.mark.django_db

SPAM = "http://127.0.0.1:8999/"  # the remote node of tests/conftest.py


def mirrored(remote_lab) -> MethodCard:
    """A mirrored method card with its change-log entry, as the sync stores it."""
    method = mirrored_method(remote_lab)
    with transaction.atomic():
        changelog_record(Change(iri=method.iri, item_type="MethodCard", origin_id=remote_lab.origin_id, version=1,
                                visibility="public", document="{}"))
    return method


def test_the_blocks_page_is_for_staff_only(client, lab):
    response = client.get("/staff/blocks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(User.objects.create_user("gast", password="x"))
    assert client.get("/staff/blocks/").status_code == 403
    assert client.post("/staff/blocks/", {"action": "block", "origin": SPAM, "reason": "Spam", "confirmed": "1"}).status_code == 403
    assert not Block.objects.exists()


def test_blocking_asks_for_a_confirmation_saying_what_will_be_removed(staff_client, lab, remote_lab):
    mirrored(remote_lab)
    page = staff_client.post("/staff/blocks/", {"action": "block", "origin": SPAM.rstrip("/"), "reason": "Werbung"}).content.decode()
    assert f"{SPAM} sperren?" in page and "Das 1 Dokument, das dieser Knoten von ihm hält, wird entfernt" in page
    assert 'name="confirmed" value="1"' in page and "csrfmiddlewaretoken" in page
    assert not Block.objects.exists()


def test_a_confirmed_block_removes_what_came_from_the_node_and_is_listed(staff_client, lab, remote_lab):
    method = mirrored(remote_lab)
    response = staff_client.post("/staff/blocks/", {"action": "block", "origin": SPAM, "reason": "Werbung", "confirmed": "1"},
                                 follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/staff/blocks/", 302)]
    assert f"{SPAM} ist gesperrt; 1 Dokumente von ihm wurden entfernt" in page and "Werbung" in page and "redaktion" in page
    assert not ChangeLogEntry.objects.filter(origin__iri=SPAM).exists() and not MethodCard.objects.filter(iri=method.iri).exists()
    assert Block.objects.get(origin=SPAM).created_by == "redaktion"


def test_a_block_without_reason_or_of_this_node_is_refused_at_the_field(staff_client, lab, settings):
    page = staff_client.post("/staff/blocks/", {"action": "block", "origin": settings.HUB_BASE_URL, "reason": ""})
    text = page.content.decode()
    assert page.status_code == 400 and "kann nicht gesperrt werden" in text and "Dieses Feld ist zwingend erforderlich." in text
    assert not Block.objects.exists()


def test_blocking_needs_the_csrf_token(lab, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/staff/blocks/", {"action": "block", "origin": SPAM, "reason": "Spam", "confirmed": "1"})
    assert response.status_code == 403 and not Block.objects.exists()


def test_staff_lift_a_block(staff_client, lab, remote_node):
    origin_block(actor=SYSTEM, origin=SPAM, reason="Spam")
    page = staff_client.post("/staff/blocks/", {"action": "unblock", "origin": SPAM}, follow=True).content.decode()
    assert "Die Sperre von" in page and "Kein Knoten ist gesperrt." in page
    assert not Block.objects.exists()


def test_staff_confirm_a_proposed_block(staff_client, lab, remote_node):
    Block.objects.create(origin=SPAM, reason="Laut Koordination Spam", status=Block.Status.PROPOSED,
                         proposed_by=remote_node, created_by="Koordination")
    assert "Laut Koordination Spam" in staff_client.get("/staff/blocks/").content.decode()
    staff_client.post("/staff/blocks/", {"action": "confirm", "origin": SPAM})
    assert Block.objects.get(origin=SPAM).status == Block.Status.ACTIVE


def test_staff_keep_the_allow_list(staff_client, lab):
    staff_client.post("/staff/blocks/", {"action": "allow", "origin": "https://hub.beispiel.de"})
    assert list(AllowedOrigin.objects.values_list("origin", flat=True)) == ["https://hub.beispiel.de/"]
    staff_client.post("/staff/blocks/", {"action": "disallow", "origin": "https://hub.beispiel.de/"})
    assert not AllowedOrigin.objects.exists()


def test_the_blocks_page_speaks_english_too(staff_client, lab):
    staff_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    origin_block(actor=SYSTEM, origin=SPAM, reason="Spam")
    page = staff_client.get("/staff/blocks/").content.decode()
    assert "Blocked nodes" in page and "Lift the block" in page and "Open mode:" in page


def test_a_blocked_peer_is_shown_as_paused_on_the_peers_page(staff_client, lab, remote_node):
    from federation.models import Peer

    Peer.objects.create(node=remote_node, client_id="a", client_secret="b")
    origin_block(actor=SYSTEM, origin=SPAM, reason="Spam")
    assert "Gesperrt: ruht" in staff_client.get("/staff/peers/").content.decode()
    assert Node.objects.filter(iri=SPAM).exists()
