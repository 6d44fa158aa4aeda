"""Peering two nodes with a one-time invitation, and unpeering them.

On node B, ``peer_invite`` makes an invitation naming B's base URL and a one-time secret. On node A,
``peer_join`` checks B's signed descriptor, creates A's OAuth client for B and posts the invitation
to B's join endpoint with those credentials; B (``peer_accept``) checks the invitation, fetches and
checks A's descriptor at the URL A claims, pins A's key and answers with B's client for A. Each side
then holds credentials for the other (scope ``federation`` only) and pulls from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import Application

from federation import http
from federation.codecs import DocumentError, from_document, key_id
from federation.models import Invitation, Peer
from federation.proofs import ProofError, verify
from hub.models import Node
from hub.multikey import MultikeyError, decode_public_key

INVITATION_PREFIX = "stadtlabor-invitation:"


class PeeringError(Exception):
    """Peering cannot go on; the message says why in words for the person doing it."""


@dataclass(frozen=True)
class InvitationContent:
    """What an invitation carries."""

    node: str
    id: str
    secret: str


def peer_invite(*, expires_in: timedelta = timedelta(days=7), created_by=None) -> str:
    """Create a one-time invitation and return it as the text to hand to the other node."""
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        secret_hash=_hash(secret), expires_at=timezone.now() + expires_in, created_by=created_by
    )
    content = {"v": 1, "node": settings.HUB_BASE_URL, "id": str(invitation.id), "secret": secret}
    return INVITATION_PREFIX + base64.urlsafe_b64encode(json.dumps(content).encode()).decode().rstrip("=")


def invitation_read(text: str) -> InvitationContent:
    """The content of an invitation text, or PeeringError saying what is wrong with it."""
    text = text.strip()
    if not text.startswith(INVITATION_PREFIX):
        raise PeeringError(f"This is not an invitation: it must start with {INVITATION_PREFIX}")
    try:
        body = text[len(INVITATION_PREFIX):]
        content = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        invitation = InvitationContent(node=content["node"], id=content["id"], secret=content["secret"])
    except (ValueError, KeyError, TypeError):
        raise PeeringError("The invitation is damaged: copy it again, completely.") from None
    if not all(isinstance(value, str) for value in (invitation.node, invitation.id, invitation.secret)):
        raise PeeringError("The invitation is damaged: copy it again, completely.")
    return invitation


def peer_join(*, invitation: str) -> Peer:
    """Complete the handshake with the node that issued ``invitation``; return the new peer."""
    content = invitation_read(invitation)
    base = checked_base_url(content.node)
    if base == settings.HUB_BASE_URL:
        raise PeeringError("This invitation was issued by this node itself.")
    if Peer.objects.filter(node__iri=base + "/").exists():
        raise PeeringError(f"This node already peers with {base}.")
    descriptor = descriptor_fetch(base)
    application, secret = _application_for(base)
    try:
        answer = http.post_json(
            f"{base}/api/federation/join",
            {"invitation": content.id, "secret": content.secret, "node": settings.HUB_BASE_URL,
             "client_id": application.client_id, "client_secret": secret},
            allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
        )
        credentials = _credentials(answer)
        with transaction.atomic():
            node = node_pin(descriptor)
            return Peer.objects.create(node=node, application=application, **credentials)
    except (http.PeerRequestError, PeeringError):
        application.delete()
        raise


@transaction.atomic
def peer_accept(*, invitation_id: str, secret: str, node_url: str, client_id: str, client_secret: str,
                descriptor: dict[str, Any]) -> dict[str, str]:
    """Accept a joining node holding a valid invitation; return this node's credentials for it."""
    invitation = Invitation.objects.select_for_update().filter(pk=_uuid_or_none(invitation_id)).first()
    if invitation is None or not hmac.compare_digest(invitation.secret_hash, _hash(secret)):
        raise PeeringError("The invitation is unknown.")
    if invitation.used_at is not None:
        raise PeeringError("The invitation has been used already; ask for a new one.")
    if invitation.expires_at <= timezone.now():
        raise PeeringError("The invitation has expired; ask for a new one.")
    if Peer.objects.filter(node__iri=node_url + "/").exists():
        raise PeeringError(f"This node already peers with {node_url}.")
    node = node_pin(descriptor)
    application, own_secret = _application_for(node_url)
    Peer.objects.create(node=node, application=application, client_id=client_id[:100], client_secret=client_secret[:255])
    invitation.used_at, invitation.used_by = timezone.now(), node
    invitation.save(update_fields=["used_at", "used_by"])
    return {"client_id": application.client_id, "client_secret": own_secret}


@transaction.atomic
def peer_remove(*, peer: Peer) -> None:
    """Stop peering: revoke the peer's OAuth client and its tokens; mirrored items and the pinned key stay."""
    application = peer.application
    peer.delete()
    if application is not None:
        application.delete()


def descriptor_fetch(base: str) -> dict[str, Any]:
    """Fetch a node's descriptor from its own URL and check it is that node's, signed by its key."""
    document = http.get_json(f"{base}/.well-known/stadtlabor", allow_private=settings.HUB_ALLOW_PRIVATE_PEERS)
    descriptor_check(document, base)
    return document


def descriptor_check(document: Any, base: str) -> None:
    """Refuse a descriptor that is not the node at ``base`` or whose self-signature does not verify."""
    try:
        decoded = from_document(document)
    except DocumentError as error:
        raise PeeringError(f"The node at {base} serves a descriptor that is not valid: {error}") from None
    if decoded.type != "Node" or decoded.iri != base + "/":
        raise PeeringError(f"The descriptor at {base} describes {decoded.iri}, not {base}/.")
    try:
        public = decode_public_key(decoded.fields["public_key_multibase"])
        verify(document, lambda url: public if url == key_id(decoded.iri) else _unknown(url))
    except (ProofError, MultikeyError) as error:
        raise PeeringError(f"The descriptor at {base} is not signed by its own key: {error}") from None


def node_pin(descriptor: dict[str, Any]) -> Node:
    """Pin the key of a checked descriptor on first sight; refuse a different key for a known node."""
    decoded = from_document(descriptor)
    key = decoded.fields["public_key_multibase"]
    node = Node.objects.filter(iri=decoded.iri).first()
    if node is not None and node.public_key_multibase != key:
        raise PeeringError(
            f"{decoded.iri} now shows a different key than the one pinned on {node.pinned_at:%Y-%m-%d}; "
            "peering is refused. If the node really changed its key, remove it here first."
        )
    if node is None:
        node = Node(iri=decoded.iri, public_key_multibase=key)
    node.name, node.city, node.version = decoded.fields["name"], decoded.fields["city"], decoded.version
    node.save()
    return node


def checked_base_url(url: str) -> str:
    """A peer's base URL, normalised, if this node may contact it: http(s), a host, no path."""
    try:
        base = http.validate_peer_url(url, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS)
    except http.PeerRequestError as error:
        raise PeeringError(f"This node will not contact that address: {error}") from None
    if urlsplit(base).path:
        raise PeeringError(f"A node's address is a site root without a path; got {url}.")
    return base


def _application_for(base: str) -> tuple[Application, str]:
    """A new confidential client-credentials application for a peer, and its secret in clear."""
    secret = secrets.token_urlsafe(40)
    application = Application.objects.create(
        name=f"Peer {base}"[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    return application, secret


def _credentials(answer: Any) -> dict[str, str]:
    if not isinstance(answer, dict) or not all(isinstance(answer.get(k), str) for k in ("client_id", "client_secret")):
        raise PeeringError("The other node accepted, but its answer holds no credentials.")
    return {"client_id": answer["client_id"][:100], "client_secret": answer["client_secret"][:255]}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None


def _unknown(url: str):
    raise LookupError(f"{url} is not the node's own key")

