"""Which signature a server gets: RFC 9421 where its actors offer it (FEP-844e), draft-cavage otherwise; a 401
to one scheme is answered once with the other, and the server gets what it took from then on."""

from __future__ import annotations

import json

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from http_message_signatures import HTTPMessageVerifier, MappingKeyResolver, algorithms

from federation.http import PeerBadStatus
from fediverse import documents
from fediverse.delivery import deliver
from fediverse.keys import actor_key
from fediverse.models import RemoteServer
from fediverse.remote import advertises_rfc9421, fetch_signed
from fediverse.services import server_advertisement_record, server_scheme_remember
from fediverse.signatures import ReceivedRequest, signature_read

pytestmark = pytest.mark.django_db
RFC9421 = "https://datatracker.ietf.org/doc/html/rfc9421"
ACTIVITY = {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://x.example/a", "type": "Create"}


def followed_by(client, lab, actor, django_capture_on_commit_callbacks):
    """The actor follows the lab (this node fetches the actor, signed), and the Accept is delivered to it at once."""
    with django_capture_on_commit_callbacks(execute=True):
        response = actor.post(client, f"/ap/labs/{lab.slug}/inbox", actor.follow(lab))
    assert response.status_code == 202, response.content


def schemes(remote_server, method: str = "POST") -> list[str | None]:
    """The signature scheme of each request the server was sent, in order."""
    return [remote_server.scheme_of(headers) for sent, _path, headers in remote_server.requests if sent == method]


def library_verifies(headers: dict[str, str], body: bytes, *, url: str, lab, client) -> None:
    """The http-message-signatures verifier, on its own, checks the delivery against the key the lab's actor publishes."""
    actor = client.get(f"/ap/labs/{lab.slug}", HTTP_ACCEPT="application/activity+json").json()
    key = serialization.load_pem_public_key(actor["publicKey"]["publicKeyPem"].encode())
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.RSA_V1_5_SHA256,
                                   key_resolver=MappingKeyResolver(public_keys={actor["publicKey"]["id"]: key}, private_keys={}))
    request = requests.Request("POST", url, data=body, headers=headers).prepare()
    [result] = verifier.verify(request, body=body, require_components=("@method", "@target-uri", "content-digest", "date"))
    assert result.parameters["keyid"] == actor["publicKey"]["id"] and result.parameters["alg"] == "rsa-v1_5-sha256"


def test_a_server_that_advertises_rfc_9421_gets_its_accept_signed_with_it(
        client, public_lab, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    remote_server.advertises_rfc9421 = True
    alice = remote_server.actor("alice")
    followed_by(client, public_lab, alice, django_capture_on_commit_callbacks)
    assert schemes(remote_server, "GET") == ["draft-cavage"]  # not known yet when its actor was fetched
    [(headers, body)] = remote_server.received
    assert json.loads(body)["type"] == "Accept" and "Digest" not in headers
    library_verifies(headers, body, url=alice.document()["inbox"], lab=public_lab, client=client)
    assert RemoteServer.objects.get().signature_scheme == "rfc9421"


def test_a_server_that_does_not_advertise_it_gets_draft_cavage(
        client, public_lab, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    alice = remote_server.actor("alice")
    followed_by(client, public_lab, alice, django_capture_on_commit_callbacks)
    [(headers, body)] = remote_server.received
    assert "Signature-Input" not in headers and headers["Signature"].startswith('keyId="')
    signature = signature_read(ReceivedRequest(method="POST", url=alice.document()["inbox"], headers=headers, body=body))
    assert signature.scheme == "draft-cavage"
    signature.verify(serialization.load_pem_public_key(actor_key(public_lab).public_key_pem.encode()))
    assert not RemoteServer.objects.exists()  # nothing to remember: an unknown server gets draft-cavage


def test_a_401_to_draft_cavage_is_answered_once_with_rfc_9421_and_remembered(client, public_lab, remote_server):
    remote_server.accepts = {"rfc9421"}
    inbox = f"{remote_server.base_url}/inbox"
    assert deliver(lab=public_lab, inbox=inbox, activity=ACTIVITY) == 202
    assert schemes(remote_server) == ["draft-cavage", "rfc9421"]
    library_verifies(*remote_server.received[-1], url=inbox, lab=public_lab, client=client)
    deliver(lab=public_lab, inbox=inbox, activity=ACTIVITY)
    assert schemes(remote_server) == ["draft-cavage", "rfc9421", "rfc9421"]
    assert RemoteServer.objects.get().host == inbox.split("/")[2]


def test_a_401_to_advertised_rfc_9421_falls_back_to_draft_cavage_and_is_remembered(
        client, public_lab, remote_server, django_capture_on_commit_callbacks, tasks_at_once):
    """A server may say it takes RFC 9421 while a proxy in front of it drops Signature-Input."""
    remote_server.advertises_rfc9421, remote_server.accepts = True, {"draft-cavage"}
    alice, bob = remote_server.actor("alice"), remote_server.actor("bob")
    followed_by(client, public_lab, alice, django_capture_on_commit_callbacks)
    assert schemes(remote_server) == ["rfc9421", "draft-cavage"]
    followed_by(client, public_lab, bob, django_capture_on_commit_callbacks)  # the same advertisement read again
    assert schemes(remote_server) == ["rfc9421", "draft-cavage", "draft-cavage"]
    assert RemoteServer.objects.get().signature_scheme == "draft-cavage"


def test_an_advertisement_that_changes_sets_the_scheme_anew(public_lab, remote_server):
    inbox = f"{remote_server.base_url}/inbox"
    server_scheme_remember(url=inbox, scheme="draft-cavage")
    server_advertisement_record(url=inbox, rfc9421=True)
    assert RemoteServer.objects.get().signature_scheme == "rfc9421"
    server_advertisement_record(url=inbox, rfc9421=False)
    assert RemoteServer.objects.get().signature_scheme == "draft-cavage"


def test_a_server_that_refuses_both_is_asked_twice_and_nothing_is_remembered(public_lab, remote_server):
    remote_server.accepts = set()
    with pytest.raises(PeerBadStatus) as refused:
        deliver(lab=public_lab, inbox=f"{remote_server.base_url}/inbox", activity=ACTIVITY)
    assert refused.value.status == 401 and schemes(remote_server) == ["draft-cavage", "rfc9421"]
    assert not RemoteServer.objects.exists()


@pytest.mark.parametrize("status", [400, 403, 410, 503])
def test_other_refusals_and_failures_are_not_answered_with_the_other_scheme(public_lab, remote_server, status):
    remote_server.status = status
    with pytest.raises(PeerBadStatus):
        deliver(lab=public_lab, inbox=f"{remote_server.base_url}/inbox", activity=ACTIVITY)
    assert schemes(remote_server) == ["draft-cavage"] and not RemoteServer.objects.exists()


def test_a_signed_fetch_refused_with_401_is_made_once_more_with_rfc_9421(public_lab, remote_server):
    remote_server.accepts = {"rfc9421"}
    alice = remote_server.actor("alice")
    assert fetch_signed(alice.iri, signer=public_lab)["id"] == alice.iri
    assert schemes(remote_server, "GET") == ["draft-cavage", "rfc9421"]
    fetch_signed(alice.iri, signer=public_lab)
    assert schemes(remote_server, "GET") == ["draft-cavage", "rfc9421", "rfc9421"]


@pytest.mark.parametrize("actor", [
    {"generator": {"type": "Application", "implements": [{"href": RFC9421, "name": "RFC-9421: HTTP Message Signatures"}]}},
    {"generator": [{"type": "Application", "implements": RFC9421}]},  # one IRI, as JSON-LD allows
    {"generator": {"implements": [{"href": RFC9421 + "#name-eddsa-using-curve-edwards25"}]}},  # an algorithm of it
    {"type": "Application", "implements": [{"href": RFC9421}]},  # the application actor itself
])
def test_fep_844e_advertisements_are_read_in_their_forms(actor):
    assert advertises_rfc9421(actor)


@pytest.mark.parametrize("actor", [
    {},
    {"generator": "https://social.example/server"},  # a link to the application, which is not fetched
    {"generator": {"implements": [{"href": "https://datatracker.ietf.org/doc/html/rfc9421-bis"}]}},
    {"generator": {"implements": [{"href": 9421}, None, ["x"]]}},
    {"generator": {"implements": {"name": "RFC-9421: HTTP Message Signatures"}}},  # a name is no identifier
    {"generator": 5, "implements": "rfc9421"},
])
def test_anything_else_is_no_advertisement(actor):
    assert not advertises_rfc9421(actor)


def test_this_nodes_actors_advertise_that_their_inbox_takes_rfc_9421(public_lab):
    actor = documents.actor_document(public_lab)
    assert actor["generator"] == {"type": "Application", "implements": [
        {"href": RFC9421, "name": "RFC-9421: HTTP Message Signatures"}]}
    assert advertises_rfc9421(actor)


def test_an_advertisement_in_an_actor_that_does_not_hold_together_is_not_kept(client, public_lab, remote_server):
    remote_server.advertises_rfc9421 = True
    alice = remote_server.actor("alice")
    remote_server.documents["/users/alice"] = {**alice.document(), "inbox": "https://elsewhere.example/inbox"}
    response = alice.post(client, f"/ap/labs/{public_lab.slug}/inbox", alice.follow(public_lab))
    assert response.status_code == 401 and not RemoteServer.objects.exists()
