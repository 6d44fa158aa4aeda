"""An item is never shown wider than its lab: a public item of a network-only or draft lab is read as
the lab is, on every face of the node (pages, schema.org, signed documents, calendars, the API), and the
public descriptor names public labs only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.services import event_create
from hub.models import Lab
from hub.roles import SYSTEM, Role
from hub.services import lab_create, role_grant
from methods.services import method_create
from tests.api.factories import mirrored_event, mirrored_method, peer_client, token_client

pytestmark = pytest.mark.django_db

SECRET_NAME = "Verwaltungslabor Innenrevision"
SECRET_EMAIL = "innenrevision@stadt.example"
LD = "application/ld+json"


@pytest.fixture
def staff_user(django_user_model):
    user = django_user_model.objects.create_user("redaktion", password="ein-langes-passwort", is_staff=True)
    role_grant(user=user, role=Role.NODE_ADMIN, actor=SYSTEM)
    return user


@pytest.fixture
def hidden_lab(node) -> Lab:
    """A network-only lab of this node, with a name and contact only the network may read."""
    return lab_create(actor=SYSTEM, name=SECRET_NAME, city="Teststadt", slug="innenrevision", email=SECRET_EMAIL,
                      visibility="network")


@pytest.fixture
def open_day(hidden_lab):
    """A public event of the network-only lab."""
    start = timezone.now() + timedelta(days=3)
    return event_create(actor=SYSTEM, title="Tag der offenen Tür", start=start, end=start + timedelta(hours=2),
                        place_name="Rathaus", lab=hidden_lab, visibility="public")


@pytest.fixture
def open_method(hidden_lab):
    """A public method card of the network-only lab."""
    return method_create(actor=SYSTEM, title="Prüfpfad", summary="Wie wir prüfen", phase="erkennen", lab=hidden_lab,
                         visibility="public")


@pytest.fixture
def remote_hidden_lab(remote_lab) -> Lab:
    Lab.objects.filter(pk=remote_lab.pk).update(visibility="network", name=SECRET_NAME, email=SECRET_EMAIL)
    return Lab.objects.get(pk=remote_lab.pk)


def shows_secret(response) -> bool:
    text = response.content.decode()
    return SECRET_NAME in text or SECRET_EMAIL in text


# --- pages --------------------------------------------------------------------------------------


def test_a_public_event_of_a_network_lab_is_no_page_for_anonymous_readers(client, open_day):
    assert client.get(f"/events/{open_day.uuid}").status_code == 404
    assert client.get(f"/events/{open_day.uuid}", HTTP_ACCEPT=LD).status_code == 404


def test_lists_home_and_network_pages_name_no_network_lab_to_anonymous_readers(client, lab, open_day, open_method):
    for path in ("/", "/events/", "/methods/", "/labs/", "/network/"):
        response = client.get(path)
        assert response.status_code == 200
        assert not shows_secret(response), path
        assert "Tag der offenen Tür" not in response.content.decode() and "Prüfpfad" not in response.content.decode()


def test_a_lab_filter_naming_a_network_lab_does_not_reveal_its_name(client, lab, hidden_lab, open_day, open_method):
    for path in ("/events/", "/methods/"):
        response = client.get(path, {"lab": hidden_lab.iri})
        assert response.status_code == 200
        assert not shows_secret(response), path


def test_a_mirrored_public_event_of_a_network_lab_is_hidden_from_anonymous_readers(client, node, remote_hidden_lab):
    event = mirrored_event(remote_hidden_lab, title="Fernfest")
    method = mirrored_method(remote_hidden_lab, title="Ferngang")
    assert client.get(f"/events/{event.uuid}").status_code == 404
    assert client.get(f"/methods/{method.uuid}").status_code == 404
    assert not shows_secret(client.get("/events/")) and "Fernfest" not in client.get("/events/").content.decode()


def test_staff_see_the_event_with_its_lab_and_contact(client, staff_user, open_day):
    client.force_login(staff_user)
    response = client.get(f"/events/{open_day.uuid}")
    assert response.status_code == 200 and SECRET_NAME in response.content.decode()
    assert SECRET_EMAIL in response.content.decode()


# --- calendars ----------------------------------------------------------------------------------


def test_calendars_hold_no_event_of_a_network_lab_for_anonymous_readers(client, open_day):
    assert client.get(f"/events/{open_day.uuid}.ics").status_code == 404
    assert client.get(f"/events/{open_day.uuid}", HTTP_ACCEPT="text/calendar").status_code == 404
    assert open_day.iri not in client.get("/events.ics").content.decode()


# --- the API ------------------------------------------------------------------------------------


def test_the_api_shows_anonymous_readers_no_item_of_a_network_lab(client, open_day, open_method):
    for path in ("/api/events/", "/api/methods/", "/api/labs/"):
        response = client.get(path)
        assert response.status_code == 200 and not shows_secret(response), path
        assert response.json()["results"] == [] or path == "/api/labs/"
    assert client.get(f"/api/events/{open_day.uuid}/").status_code == 404
    assert client.get(f"/api/methods/{open_method.uuid}/").status_code == 404


def test_a_reading_token_sees_the_event_with_its_lab(staff_user, open_day):
    body = token_client(staff_user, "read").get(f"/api/events/{open_day.uuid}/").json()
    assert body["lab"]["name"] == SECRET_NAME


# --- drafts -------------------------------------------------------------------------------------


def test_an_item_of_a_draft_lab_cannot_be_published(node):
    draft_lab = lab_create(actor=SYSTEM, name="Neues Labor", city="Teststadt", slug="neu", visibility="draft")
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        event_create(actor=SYSTEM, title="Eröffnung", start=start, end=start + timedelta(hours=1), place_name="Saal",
                     lab=draft_lab, visibility="public")
    assert "lab" in refused.value.message_dict
    with pytest.raises(ValidationError):
        method_create(actor=SYSTEM, title="Entwurf", summary="Noch nicht", phase="erkennen", lab=draft_lab, visibility="network")
    assert method_create(actor=SYSTEM, title="Entwurf", summary="Noch nicht", phase="erkennen", lab=draft_lab, visibility="draft")


def test_a_published_item_of_a_lab_that_is_a_draft_shows_nobody_but_staff(client, staff_user, lab):
    start = timezone.now() + timedelta(days=1)
    event = event_create(actor=SYSTEM, title="Eröffnung", start=start, end=start + timedelta(hours=1), place_name="Saal", lab=lab)
    Lab.objects.filter(pk=lab.pk).update(visibility="draft")  # as a node that published it before this rule held
    assert client.get(f"/events/{event.uuid}").status_code == 404
    assert token_client(staff_user, "read").get(f"/api/events/{event.uuid}/").status_code == 404
    client.force_login(staff_user)
    assert client.get(f"/events/{event.uuid}").status_code == 200


# --- the descriptor -----------------------------------------------------------------------------


def test_the_public_descriptor_lists_public_labs_only(client, lab, hidden_lab):
    labs = client.get("/.well-known/stadtlabor").json()["labs"]
    assert labs == [lab.iri]


def test_peers_still_read_the_network_lab_in_the_feed(client, hidden_lab):
    feed = peer_client().get("/api/federation/feed").json()
    assert hidden_lab.iri in {item["id"] for item in feed["orderedItems"]}


def test_migrating_re_signs_a_descriptor_that_still_names_a_network_lab(client, lab, hidden_lab):
    from django.core.management.sql import emit_post_migrate_signal

    from hub.models import ChangeLogEntry, Node
    from hub.publishing import publisher
    from hub.services import Change, changelog_record

    node = Node.objects.get(is_local=True)
    stale = publisher().descriptor_document(node, [lab.iri, hidden_lab.iri])  # as an earlier version signed it
    changelog_record(Change(iri=node.iri, item_type="Node", origin_id=node.pk, version=node.version,
                            visibility="public", document=stale))
    assert hidden_lab.iri in client.get("/.well-known/stadtlabor").json()["labs"]
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    served = client.get("/.well-known/stadtlabor").json()
    assert served["labs"] == [lab.iri] and served["version"] == node.version + 1
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert ChangeLogEntry.objects.get(iri=node.iri).version == node.version + 1, "an up-to-date descriptor stays"
