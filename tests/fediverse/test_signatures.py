"""Signatures: RFC 9421 (verified with http-message-signatures) is accepted where a server sends it, and made here
in a form that library verifies on its own; draft-cavage made here verifies."""

from __future__ import annotations

import json

import pytest
import requests
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)

from fediverse.models import Follower
from fediverse.signatures import (
    DATE_PAST,
    RFC9421,
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


def library_verifies(headers: dict[str, str], *, method: str, url: str, body: bytes | None, key_id: str, public_key) -> list:
    """Verify an RFC 9421 signature with the http-message-signatures library alone: an independent check."""
    request = requests.Request(method, url, data=body, headers=headers).prepare()
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.RSA_V1_5_SHA256,
                                   key_resolver=MappingKeyResolver(public_keys={key_id: public_key}, private_keys={}))
    covered = ("@method", "@target-uri", "date") + (("content-digest",) if body is not None else ())
    return verifier.verify(request, body=body, require_components=covered)


def test_rfc_9421_signatures_made_here_verify_with_the_library_and_here(remote_server):
    alice = remote_server.actor("alice")
    body = b'{"type": "Create"}'
    url = "https://remote.example/inbox?x=1"
    headers = sign_request(method="POST", url=url, key=alice.key, key_id=alice.key_id, body=body, scheme=RFC9421,
                           headers={"Content-Type": "application/activity+json"})
    assert "Signature" in headers and "Digest" not in headers
    [result] = library_verifies(headers, method="POST", url=url, body=body, key_id=alice.key_id, public_key=alice.key.public_key())
    assert result.parameters["alg"] == "rsa-v1_5-sha256" and result.parameters["keyid"] == alice.key_id
    assert list(result.covered_components) == ['"@method"', '"@target-uri"', '"content-digest"', '"date"', '"@signature-params"']
    signature = signature_read(ReceivedRequest(method="POST", url=url, headers=headers, body=body))
    assert signature.scheme == "rfc9421"
    signature.verify(alice.key.public_key())
    with pytest.raises(SignatureError, match="RFC 9421"):
        signature_read(ReceivedRequest(method="POST", url=url, headers=headers, body=b'{"type": "Delete"}')).verify(alice.key.public_key())


def test_an_rfc_9421_signed_fetch_covers_method_target_and_date(remote_server):
    alice = remote_server.actor("alice")
    url = "https://remote.example/users/bob"
    headers = sign_request(method="GET", url=url, key=alice.key, key_id=alice.key_id, scheme=RFC9421)
    [result] = library_verifies(headers, method="GET", url=url, body=None, key_id=alice.key_id, public_key=alice.key.public_key())
    assert list(result.covered_components) == ['"@method"', '"@target-uri"', '"date"', '"@signature-params"']
    with pytest.raises(InvalidSignature):
        library_verifies(headers, method="GET", url="https://remote.example/users/carol", body=None, key_id=alice.key_id,
                         public_key=alice.key.public_key())
