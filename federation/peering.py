"""Peering two nodes with a one-time invitation, and unpeering them.

On node B, ``peer_invite`` makes an invitation naming B's base URL and a one-time secret. On node A,
``peer_join`` checks B's signed descriptor, creates A's OAuth client for B and posts the invitation
to B's join endpoint with those credentials; B (``peer_admit``) checks the invitation before anything
else, then fetches and checks A's descriptor at the URL A claims, and ``peer_accept`` pins A's key and
answers with B's client for A. Each side then holds credentials for the other (scope ``federation``
only) and pulls from it.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import Application

from federation import http
from federation.blocks import origin_policy
from federation.codecs import DocumentError, from_document
from federation.keyring import descriptor_chain
from federation.models import Invitation, KeyPin, Peer
from federation.paging import MAX_DESCRIPTOR_BYTES
from federation.pins import PinConflict, origin_pin
from hub.models import Node
from hub.roles import SYSTEM, raise_unless_node_admin

INVITATION_PREFIX = "stadtlabor-invitation:"
_NO_HASH = "0" * 64  # compared with when the invitation is unknown, so that both cases take as long
MANAGING_PEERS = gettext_lazy("manage this node's peers")


class PeeringError(Exception):
    """Peering cannot go on; the message says why in words for the person doing it."""


class InvitationRefused(PeeringError):
    """The invitation presented is unknown, does not match its secret, was used or has expired."""


class JoinRefused(PeeringError):
    """A join request is refused: the message is fit to answer with, ``reason`` (for the log) says more."""

    def __init__(self, message: str, *, status: int, reason: str = "") -> None:
        super().__init__(message)
        self.status, self.reason = status, reason or message


@dataclass(frozen=True)
class InvitationContent:
    """What an invitation carries."""

    node: str
    id: str
    secret: str


def peer_invite(*, actor: Any, expires_in: timedelta = timedelta(days=7)) -> str:
    """Create a one-time invitation (node administrators) and return it as the text to hand to the other node."""
    raise_unless_node_admin(actor=actor, action=MANAGING_PEERS)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        secret_hash=_hash(secret), expires_at=timezone.now() + expires_in,
        created_by=None if actor is SYSTEM else actor,
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


def peer_join(*, invitation: str, actor: Any) -> Peer:
    """Complete the handshake with the node that issued ``invitation`` (node administrators); return the new peer."""
    raise_unless_node_admin(actor=actor, action=MANAGING_PEERS)
    content = invitation_read(invitation)
    base = checked_base_url(content.node)
    if base == settings.HUB_BASE_URL:
        raise PeeringError("This invitation was issued by this node itself.")
    if Peer.objects.filter(node__iri=base + "/").exists():
        raise PeeringError(f"This node already peers with {base}.")
    if refusal := origin_policy().refusal(base + "/"):
        raise PeeringError(f"This node has blocked {base} or does not allow it ({refusal}): it does not peer with it.")
    descriptor = descriptor_fetch(base)
    application, secret = _application_for(base)  # not stored until the other node has answered
    try:
        answer = http.post_json(
            f"{base}/api/federation/join",
            {"invitation": content.id, "secret": content.secret, "node": settings.HUB_BASE_URL,
             "client_id": application.client_id, "client_secret": secret},
            allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
        )
    except http.PeerRequestError as error:
        raise PeeringError(_("The node that issued the invitation did not answer the join: %(error)s")
                           % {"error": error}) from None
    credentials = _credentials(answer)
    with transaction.atomic():
        node = node_pin(descriptor)
        application.save()
        return Peer.objects.create(node=node, application=application, **credentials)


def peer_admit(*, invitation_id: str, secret: str, node_url: str, client_id: str,
               client_secret: str) -> tuple[Peer, dict[str, str]]:
    """Admit a joining node: its invitation is checked before any request leaves this node."""
    try:
        invitation_check(invitation_id=invitation_id, secret=secret)
    except InvitationRefused as error:
        raise JoinRefused(str(error), status=403) from None
    base = _joining_base(node_url)
    if refusal := origin_policy().refusal(base + "/"):
        raise JoinRefused(_("This node does not peer with the joining node."), status=403, reason=refusal)
    descriptor = _joining_descriptor(base)
    try:
        credentials = peer_accept(invitation_id=invitation_id, secret=secret, node_url=base, client_id=client_id,
                                  client_secret=client_secret, descriptor=descriptor)
    except InvitationRefused as error:  # used by a join that finished meanwhile
        raise JoinRefused(str(error), status=403) from None
    except PeeringError as error:
        message = _("This node cannot peer with the joining node: it peers with it already, "
                    "or holds another key for it.")
        raise JoinRefused(message, status=403, reason=str(error)) from None
    return Peer.objects.get(node__iri=base + "/"), credentials


def invitation_check(*, invitation_id: str, secret: str, lock: bool = False) -> Invitation:
    """Return the invitation if the secret matches its hash and it is unused and unexpired."""
    invitations = Invitation.objects.select_for_update() if lock else Invitation.objects
    invitation = invitations.filter(pk=_uuid_or_none(invitation_id)).first()
    matches = hmac.compare_digest(invitation.secret_hash if invitation else _NO_HASH, _hash(secret))
    if invitation is None or not matches:
        raise InvitationRefused(_("The invitation is unknown."))
    if invitation.used_at is not None:
        raise InvitationRefused(_("The invitation has been used already; ask for a new one."))
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(_("The invitation has expired; ask for a new one."))
    return invitation


def _joining_base(node_url: str) -> str:
    """The joining node's base URL if this node may contact it; the refusal names no address."""
    if needs_https(node_url):
        message = _("This node is in production and peers over https only: "
                    "the node URL must start with https://.")
        raise JoinRefused(message, status=400)
    try:
        return checked_base_url(node_url)
    except PeeringError as error:
        message = _("This node will not contact the node URL given: it must be the site root of a node "
                    "on a public address.")
        raise JoinRefused(message, status=400, reason=str(error)) from None


def _joining_descriptor(base: str) -> dict[str, Any]:
    """The joining node's checked descriptor; the refusal holds nothing the remote side sent."""
    try:
        return descriptor_fetch(base)
    except (PeeringError, http.PeerRequestError) as error:
        message = _("The node's descriptor could not be fetched from the node URL, or it is not that "
                    "node's signed descriptor.")
        raise JoinRefused(message, status=400, reason=str(error)) from None


@transaction.atomic
def peer_accept(*, invitation_id: str, secret: str, node_url: str, client_id: str, client_secret: str,
                descriptor: dict[str, Any]) -> dict[str, str]:
    """Accept a joining node holding a valid invitation; return this node's credentials for it."""
    invitation = invitation_check(invitation_id=invitation_id, secret=secret, lock=True)
    if Peer.objects.filter(node__iri=node_url + "/").exists():
        raise PeeringError(f"This node already peers with {node_url}.")
    node = node_pin(descriptor)
    application, own_secret = _application_for(node_url)
    application.save()
    Peer.objects.create(node=node, application=application, client_id=client_id[:100], client_secret=client_secret[:255])
    invitation.used_at, invitation.used_by = timezone.now(), node
    invitation.save(update_fields=["used_at", "used_by"])
    return {"client_id": application.client_id, "client_secret": own_secret}


@transaction.atomic
def peer_remove(*, peer: Peer, actor: Any) -> None:
    """Stop peering (node administrators): revoke the peer's client and its tokens; mirrored items and the key stay."""
    raise_unless_node_admin(actor=actor, action=MANAGING_PEERS)
    application = peer.application
    peer.delete()
    if application is not None:
        application.delete()


def descriptor_fetch(base: str) -> dict[str, Any]:
    """Fetch a node's descriptor (at most 64 KiB) from its own URL; check it is that node's, self-signed."""
    url = f"{base}/.well-known/stadtlabor"
    raise_if_insecure(url)
    document = http.get_json(url, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS, max_bytes=MAX_DESCRIPTOR_BYTES)
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
        descriptor_chain(document, decoded)
    except DocumentError as error:
        raise PeeringError(f"The descriptor at {base} is not signed by its own key: {error}") from None


def node_pin(descriptor: dict[str, Any]) -> Node:
    """Pin the key of a descriptor fetched from the node itself; refuse a different key pinned from it before."""
    try:
        return origin_pin(descriptor=descriptor, source=KeyPin.Source.JOINED).node
    except PinConflict as error:
        raise PeeringError(
            f"Peering is refused: {error}. If the node really changed its key, confirm the new key with its "
            "operators and re-pin it (manage.py peer repin)."
        ) from None


def checked_base_url(url: str) -> str:
    """A peer's base URL, normalised, if this node may contact it: https (or http in development), no path."""
    try:
        raise_if_insecure(url)
        base = http.validate_peer_url(url, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS)
    except http.PeerRequestError as error:
        raise PeeringError(f"This node will not contact that address: {error}") from None
    if urlsplit(base).path:
        raise PeeringError(f"A node's address is a site root without a path; got {url}.")
    return base


def needs_https(url: str) -> bool:
    """Whether this node refuses ``url`` for not being https: a production node peers over https only."""
    return bool(settings.HUB_PEERS_HTTPS_ONLY) and url[:8].lower() != "https://"


def raise_if_insecure(url: str) -> None:
    """Refuse a peer URL that is not https on a production node, before anything is resolved or sent."""
    if needs_https(url):
        shown = http.check_outbound_url(url, allow_private=True)  # a malformed URL is refused as such first
        reason = "this node is in production and contacts peers over https only"
        raise http.PeerRefused(f"Peer URL refused: {shown} ({reason})", url=url)


def _application_for(base: str) -> tuple[Application, str]:
    """A new, unsaved confidential client-credentials application for a peer, and its secret in clear.

    It is saved in the transaction that creates the peer: an application without a peer would get
    the scopes of scripts, so none may outlive a failed or interrupted join.
    """
    secret = secrets.token_urlsafe(40)
    application = Application(
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
