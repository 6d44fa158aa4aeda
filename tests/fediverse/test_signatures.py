"""Signatures as received: RFC 9421 (verified with http-message-signatures) is accepted where a server sends it."""

from __future__ import annotations

import json

import pytest
import requests
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from fediverse.models import Follower
from fediverse.signatures import (
    DATE_PAST,
    ReceivedRequest,
    SignatureError,
    sign_request,
    signature_read,
)

pytestmark = pytest.mark.django_db


def rfc9421_headers(actor, url: str, body: bytes) -> dict[str, str]:
    """The headers a server speaking RFC 9421 sends: Content-Digest, Signature-Input and Signature."""
    request = requests.Request("POST", url, data=body, headers={"Content-Type": "application/activity+json"}).prepare()
    signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256,
                               key_resolver=MappingKeyResolver(public_keys={}, private_keys={actor.key_id: actor.key}))
    signer.sign(request, key_id=actor.key_id, covered_component_ids=("@method", "@target-uri", "content-digest"),
                include_alg=True, body=body)
    return {name: value for name, value in request.headers.items() if name in ("Content-Digest", "Signature-Input", "Signature")}


def post(client, path: str, body: bytes, headers: dict[str, str]):
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    return client.generic("POST", path, body, content_type="application/activity+json", HTTP_HOST="testserver", **meta)


def test_a_follow_signed_with_rfc_9421_is_accepted(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    path = f"/ap/labs/{public_lab.slug}/inbox"
    body = json.dumps(alice.follow(public_lab)).encode()
    response = post(client, path, body, rfc9421_headers(alice, f"http://testserver{path}", body))
    assert response.status_code == 202, response.content
    assert Follower.objects.get().actor.iri == alice.iri


def test_an_rfc_9421_signature_over_another_body_is_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    path = f"/ap/labs/{public_lab.slug}/inbox"
    body = json.dumps(alice.follow(public_lab)).encode()
    headers = rfc9421_headers(alice, f"http://testserver{path}", b'{"type": "Follow"}')
    response = post(client, path, body, headers | {"Accept-Language": "en"})
    assert response.status_code == 401 and "RFC 9421" in response.json()["detail"]
    assert not Follower.objects.exists()


def test_an_rfc_9421_signature_for_another_address_is_refused(client, public_lab, remote_server):
    alice = remote_server.actor("alice")
    path = f"/ap/labs/{public_lab.slug}/inbox"
    body = json.dumps(alice.follow(public_lab)).encode()
    response = post(client, path, body, rfc9421_headers(alice, "http://testserver/ap/inbox", body))
    assert response.status_code == 401 and not Follower.objects.exists()


def test_draft_cavage_signatures_made_here_verify_and_a_changed_request_does_not(remote_server):
    alice = remote_server.actor("alice")
    body = b'{"type": "Create"}'
    headers = sign_request(method="POST", url="https://remote.example/inbox?x=1", key=alice.key, key_id=alice.key_id, body=body)
    received = ReceivedRequest(method="POST", url="https://remote.example/inbox?x=1", headers=headers, body=body)
    signature_read(received).verify(alice.key.public_key())
    moved = ReceivedRequest(method="POST", url="https://remote.example/other?x=1", headers=headers, body=body)
    with pytest.raises(SignatureError, match="does not match"):
        signature_read(moved).verify(alice.key.public_key())
    assert DATE_PAST.total_seconds() == 3600
