"""The inbox against what a hostile or careless server sends: every refusal is a 4xx that says why, and
nothing is stored or fetched for a request that fails the checks that need no key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from fediverse.iris import actor_iri
from fediverse.models import Follower, RemoteActor
from fediverse.signatures import sign_request
from hub.choices import Visibility
from hub.models import Lab
from tests.fediverse.conftest import signed_post

pytestmark = pytest.mark.django_db
INBOX = "/ap/labs/{slug}/inbox"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def inbox(lab: Lab) -> str:
    return INBOX.format(slug=lab.slug)


def refused(response, status: int, words: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert words in response.json()["detail"], response.json()["detail"]


def refused_with_logged_reason(response, caplog, reason: str) -> None:
    """A key that cannot be used is refused with a generic detail; the reason is only in the node's log
    (echoed, it would tell the sender what answers at any address it names)."""
    refused(response, 401, "could not be fetched from its actor")
    assert reason not in response.json()["detail"]
    assert reason in caplog.text


def test_an_unsigned_follow_is_refused_and_nothing_is_fetched(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    response = client.post(inbox(public_lab), json.dumps(alice.follow(public_lab)), content_type="application/activity+json", **EN)
    refused(response, 401, "not signed")
    assert not Follower.objects.exists() and remote_server.requests == []


def test_a_signature_by_another_key_is_refused(client, public_lab, remote_server):
    alice, mallory = remote_server.actor("alice"), remote_server.actor("mallory")
    response = signed_post(client, inbox(public_lab), alice.follow(public_lab), key=mallory.key, key_id=alice.key_id, **EN)
    refused(response, 401, "does not match")
    assert not Follower.objects.exists()


def test_a_key_of_another_actor_than_the_activitys_is_refused(client, public_lab, remote_server):
    alice, mallory = remote_server.actor("alice"), remote_server.actor("mallory")
    response = mallory.post(client, inbox(public_lab), alice.follow(public_lab), **EN)  # mallory's key, alice's Follow
    refused(response, 401, "belongs to " + mallory.iri)
    assert not Follower.objects.exists()


def test_a_key_document_claiming_another_servers_actor_is_refused(client, public_lab, remote_server, caplog):
    mallory = remote_server.actor("mallory")
    impostor = mallory.document() | {"id": "http://127.0.0.1:1/users/alice"}  # served at mallory's address
    remote_server.documents["/users/mallory"] = impostor
    response = mallory.post(client, inbox(public_lab), mallory.follow(public_lab), **EN)
    refused_with_logged_reason(response, caplog, "id is not the address it was fetched from")
    assert not Follower.objects.exists() and not RemoteActor.objects.exists()


@pytest.mark.parametrize("kind", ["Create", "Announce", "Like", "Update", "Accept", "Block", "Flag", "Move", None])
def test_other_activity_types_are_refused_before_any_fetch(client, public_lab, remote_server, kind):
    alice = remote_server.actor("alice")
    activity = alice.follow(public_lab) | {"type": kind, "object": {"type": "Note", "content": "<script>x</script>"}}
    response = alice.post(client, inbox(public_lab), activity, **EN)
    refused(response, 422, "accepts only Follow, Undo of a Follow and Delete")
    assert remote_server.requests == []


def test_an_oversized_body_is_refused_before_any_fetch(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    activity = alice.follow(public_lab) | {"padding": "x" * 70_000}
    response = alice.post(client, inbox(public_lab), activity, **EN)
    refused(response, 413, "at most 65536 bytes")
    assert remote_server.requests == []


def test_a_body_that_does_not_match_its_digest_is_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    signed = sign_request(method="POST", url=f"http://testserver{inbox(public_lab)}", key=alice.key, key_id=alice.key_id,
                          body=b"{}")
    response = client.generic("POST", inbox(public_lab), json.dumps(alice.follow(public_lab)), content_type="application/activity+json",
                              HTTP_HOST="testserver", HTTP_DATE=signed["Date"], HTTP_DIGEST=signed["Digest"], HTTP_SIGNATURE=signed["Signature"], **EN)
    refused(response, 401, "Digest header does not match")
    assert remote_server.requests == []


def test_a_stale_date_is_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    body = json.dumps(alice.follow(public_lab)).encode()
    signed = sign_request(method="POST", url=f"http://testserver{inbox(public_lab)}", key=alice.key, key_id=alice.key_id,
                          body=body, now=datetime.now(UTC) - timedelta(hours=2))
    response = client.generic("POST", inbox(public_lab), body, content_type="application/activity+json",
                              HTTP_HOST="testserver", HTTP_DATE=signed["Date"], HTTP_DIGEST=signed["Digest"], HTTP_SIGNATURE=signed["Signature"], **EN)
    refused(response, 401, "Date is too far from now")


def test_a_signature_not_covering_the_request_target_is_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    body = json.dumps(alice.follow(public_lab)).encode()
    signed = sign_request(method="POST", url=f"http://testserver{inbox(public_lab)}", key=alice.key, key_id=alice.key_id, body=body)
    signature = signed["Signature"].replace('headers="(request-target) host date digest"', 'headers="date"')
    response = client.generic("POST", inbox(public_lab), body, content_type="application/activity+json",
                              HTTP_HOST="testserver", HTTP_DATE=signed["Date"], HTTP_DIGEST=signed["Digest"], HTTP_SIGNATURE=signature, **EN)
    refused(response, 401, "must cover")


def test_an_actor_at_a_private_address_is_not_fetched_in_production(client, public_lab, remote_server, caplog, settings):
    settings.HUB_ALLOW_PRIVATE_PEERS = False
    alice = remote_server.actor("alice")
    response = alice.post(client, inbox(public_lab), alice.follow(public_lab), **EN)
    refused_with_logged_reason(response, caplog, "non-public address")
    assert remote_server.requests == [] and not Follower.objects.exists()


def test_an_actor_over_http_is_refused_where_peers_need_https(client, public_lab, remote_server, caplog, settings):
    settings.HUB_PEERS_HTTPS_ONLY = True
    alice = remote_server.actor("alice")
    response = alice.post(client, inbox(public_lab), alice.follow(public_lab), **EN)
    refused_with_logged_reason(response, caplog, "must be an https URL")
    assert not Follower.objects.exists()


def test_an_inbox_on_a_third_server_is_refused(client, public_lab, remote_server, caplog):
    alice = remote_server.actor("alice")
    remote_server.documents["/users/alice"] = alice.document() | {"inbox": "http://127.0.0.1:9/victim"}
    response = alice.post(client, inbox(public_lab), alice.follow(public_lab), **EN)
    refused_with_logged_reason(response, caplog, "inbox lies on another server")


def test_a_follow_of_another_lab_in_this_labs_inbox_is_refused(client, public_lab, second_lab, remote_server):
    alice = remote_server.actor("alice")
    response = alice.post(client, inbox(public_lab), alice.follow(second_lab), **EN)
    refused(response, 422, "must name this lab's actor")
    assert not Follower.objects.exists()


@pytest.mark.parametrize("visibility", [Visibility.NETWORK, Visibility.DRAFT])
def test_a_lab_that_is_not_public_has_no_inbox(client, public_lab, remote_server, visibility):
    Lab.objects.filter(pk=public_lab.pk).update(visibility=visibility)
    alice = remote_server.actor("alice")
    refused(alice.post(client, inbox(public_lab), alice.follow(public_lab), **EN), 404, "No public lab")
    refused(alice.post(client, "/ap/inbox", alice.follow(public_lab), **EN), 422, "must name this lab's actor")
    assert not Follower.objects.exists()


def test_an_undo_of_another_actors_follow_is_refused(client, public_lab, remote_server):
    alice, mallory = remote_server.actor("alice"), remote_server.actor("mallory")
    undo = {"id": f"{mallory.iri}/undo/1", "type": "Undo", "actor": mallory.iri, "object": alice.follow(public_lab)}
    refused(mallory.post(client, inbox(public_lab), undo, **EN), 422, "only its own actor's Follow")


def test_a_delete_of_something_else_than_its_actor_is_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    delete = {"id": f"{alice.iri}#delete", "type": "Delete", "actor": alice.iri, "object": "http://127.0.0.1:8000/ap/labs/x"}
    refused(alice.post(client, "/ap/inbox", delete, **EN), 422, "only of the actor who sends it")


def test_a_delete_of_an_unknown_actor_is_acknowledged_without_a_fetch(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    delete = {"id": f"{alice.iri}#delete", "type": "Delete", "actor": alice.iri, "object": alice.iri}
    assert alice.post(client, "/ap/inbox", delete).status_code == 202
    assert remote_server.requests == []


def test_activities_signed_by_unknown_keys_are_limited_per_address_before_any_fetch(client, public_lab, remote_server, settings):
    settings.HUB_THROTTLE_INBOX_FETCH = (3, 3600)
    actors = [remote_server.actor(f"bot{number}") for number in range(4)]
    for actor in actors[:3]:
        assert actor.post(client, inbox(public_lab), actor.follow(public_lab)).status_code == 202
    fetched = len(remote_server.requests)
    response = actors[3].post(client, inbox(public_lab), actors[3].follow(public_lab), **EN)
    refused(response, 429, "Too many activities signed by unknown keys")
    assert int(response["Retry-After"]) > 0
    assert len(remote_server.requests) == fetched  # nothing fetched for the fourth
    # a follower whose key is known is not counted: its Undo passes
    undo = {"id": f"{actors[0].iri}/undo/1", "type": "Undo", "actor": actors[0].iri, "object": actors[0].follow(public_lab)}
    assert actors[0].post(client, inbox(public_lab), undo).status_code == 202


def test_other_media_types_and_methods_are_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    refused(client.post(inbox(public_lab), "a=b", content_type="application/x-www-form-urlencoded", **EN), 415, "application/activity+json")
    assert client.get(inbox(public_lab)).status_code == 405
    assert alice.post(client, inbox(public_lab), None, body=b"[1, 2").status_code == 400


def test_a_signed_follow_makes_a_follower_and_undo_ends_it(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    assert alice.post(client, inbox(public_lab), alice.follow(public_lab)).status_code == 202
    follower = Follower.objects.get()
    assert (follower.lab, follower.actor.iri, follower.actor.handle) == (public_lab, alice.iri, "alice@" + remote_server.base_url[7:])
    undo = {"id": f"{alice.iri}/undo/1", "type": "Undo", "actor": alice.iri, "object": alice.follow(public_lab)}
    assert alice.post(client, "/ap/inbox", undo).status_code == 202
    assert not Follower.objects.exists() and not RemoteActor.objects.exists()


def test_a_followers_deleted_account_is_forgotten(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    alice.post(client, inbox(public_lab), alice.follow(public_lab))
    delete = {"id": f"{alice.iri}#delete", "type": "Delete", "actor": alice.iri, "object": alice.iri}
    assert alice.post(client, "/ap/inbox", delete).status_code == 202
    assert not Follower.objects.exists() and not RemoteActor.objects.exists()


def test_a_delete_signed_by_another_key_than_the_stored_one_is_refused(client, public_lab, remote_server):
    alice, mallory = remote_server.actor("alice"), remote_server.actor("mallory")
    alice.post(client, inbox(public_lab), alice.follow(public_lab))
    delete = {"id": f"{alice.iri}#delete", "type": "Delete", "actor": alice.iri, "object": alice.iri}
    refused(signed_post(client, "/ap/inbox", delete, key=mallory.key, key_id=alice.key_id, **EN), 401, "does not match")
    assert Follower.objects.exists()


def test_the_follow_is_signed_fetch_of_the_actor_signed_by_the_lab(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    alice.post(client, inbox(public_lab), alice.follow(public_lab))
    method, path, headers = remote_server.requests[0]
    assert (method, path) == ("GET", "/users/alice")
    assert f'keyId="{actor_iri(public_lab)}#main-key"' in headers["Signature"]
