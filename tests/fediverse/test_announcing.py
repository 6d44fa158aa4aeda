"""What a lab's followers are told, and how: Create, Update, Delete of public items and a note on
cancellation, each delivered once per follower's server, signed by the lab's key."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import serialization

from events.services import event_delete, event_update
from federation.http import PeerBadStatus, PeerRefused, PeerUnreachable
from fediverse.iris import actor_iri
from fediverse.keys import actor_key
from fediverse.models import Announcement, Follower, RemoteActor
from fediverse.signatures import ReceivedRequest, signature_read
from fediverse.tasks import _worth_retrying
from hub.choices import Visibility
from hub.roles import SYSTEM
from tests.events.factories import registered, seated_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(public_lab, remote_server):
    """Two accounts of one remote server follow the lab; a third server's account follows another lab."""
    for name in ("alice", "bob"):
        actor = RemoteActor.objects.create(iri=f"{remote_server.base_url}/users/{name}", inbox=f"{remote_server.base_url}/users/{name}/inbox",
                                           shared_inbox=f"{remote_server.base_url}/inbox", key_id=f"{remote_server.base_url}/users/{name}#main-key",
                                           public_key_pem="-")
        Follower.objects.create(lab=public_lab, actor=actor, follow_iri=f"{actor.iri}/follows/1")
    return public_lab


def delivered(remote_server) -> list[dict]:
    return [json.loads(body) for _headers, body in remote_server.received]


def run(django_capture_on_commit_callbacks, tasks_at_once, write):
    with django_capture_on_commit_callbacks(execute=True):
        return write()


def test_a_new_public_event_is_delivered_once_per_server_signed_by_the_lab(
        followed, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    event = run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed))
    assert [(activity["type"], activity["object"]["type"]) for activity in delivered(remote_server)] == [("Create", "Event")]
    headers, body = remote_server.received[0]
    request = ReceivedRequest(method="POST", url=f"{remote_server.base_url}/inbox", headers=headers, body=body)
    signature = signature_read(request)
    assert signature.key_id == actor_iri(followed) + "#main-key"
    signature.verify(serialization.load_pem_public_key(actor_key(followed).public_key_pem.encode()))
    assert Announcement.objects.get().iri == event.iri


def test_changes_are_updates_but_the_seat_count_alone_is_not(followed, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    event = run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed))
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: registered(event, 1))
    assert [activity["type"] for activity in delivered(remote_server)] == ["Create"]
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: event_update(event=event, actor=SYSTEM, title="Neuer Titel"))
    assert [activity["type"] for activity in delivered(remote_server)] == ["Create", "Update"]
    assert delivered(remote_server)[1]["object"]["name"] == "Neuer Titel"


def test_a_cancellation_is_an_update_and_a_note_to_the_followers(followed, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    event = run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed))
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: event_update(event=event, actor=SYSTEM, status="cancelled"))
    create, update, note = delivered(remote_server)
    assert update["type"] == "Update" and update["object"]["eventStatus"] == "CANCELLED"
    assert (note["type"], note["object"]["type"], note["to"]) == ("Create", "Note", [actor_iri(followed) + "/followers"])
    assert "Abgesagt" in note["object"]["content"]


def test_an_event_that_leaves_the_public_or_is_deleted_is_a_delete(followed, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    first = run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed, registration="none", capacity=None))
    second = run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed, registration="none", capacity=None))
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: event_update(event=first, actor=SYSTEM, visibility=Visibility.NETWORK))
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: event_delete(event=second, actor=SYSTEM))
    deletes = [activity for activity in delivered(remote_server) if activity["type"] == "Delete"]
    assert [urlsplit(activity["object"]["id"]).path for activity in deletes] == [f"/ap/events/{first.uuid}", f"/ap/events/{second.uuid}"]
    assert {activity["object"]["type"] for activity in deletes} == {"Tombstone"} and not Announcement.objects.exists()


def test_network_only_and_draft_events_are_never_delivered(followed, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed, visibility=Visibility.NETWORK))
    run(django_capture_on_commit_callbacks, tasks_at_once, lambda: seated_event(followed, visibility=Visibility.DRAFT))
    assert remote_server.received == [] and not Announcement.objects.exists()


def test_a_refused_delivery_is_not_retried_an_unreachable_one_is():
    assert not _worth_retrying(PeerBadStatus("x", status=410))
    assert not _worth_retrying(PeerRefused("x"))
    assert _worth_retrying(PeerBadStatus("x", status=503)) and _worth_retrying(PeerBadStatus("x", status=429))
    assert _worth_retrying(PeerUnreachable("x"))
