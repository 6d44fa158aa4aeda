"""Remote actors and their keys, fetched only through the guarded client, every fetch signed; what their servers offer.

A key id names a document: an actor carrying the key (``publicKey``), or a key naming its ``owner``.
Either way the fetched document's id must be the address it was fetched from, the key must name its
owner and the owner must name the key, so that nobody can claim a key of another server's actor.
What a fetched actor says of its server's signatures (FEP-844e) is noted for that server, whose
requests are then signed accordingly (``fediverse.signing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urldefrag, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from django.conf import settings
from django.utils import timezone

from federation import http
from fediverse import services
from fediverse.models import RemoteActor
from fediverse.signatures import RFC9421_CAPABILITY
from fediverse.signing import signed_exchange
from hub.models import Lab

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
FETCH_TIMEOUT = 5  # seconds for the whole exchange
MAX_ACTOR_BYTES = 256 * 1024
REFETCH_AFTER = timedelta(minutes=1)  # a key that fails is fetched again at most this often (key rotation)
MIN_RSA_BITS, MAX_RSA_BITS = 2048, 8192


class RemoteActorError(Exception):
    """A remote actor or key could not be fetched or does not hold together; the message says why."""


@dataclass(frozen=True)
class ActorKey:
    """A verified remote key: who owns it and the key itself."""

    owner: RemoteActor
    public_key: PublicKeyTypes


def fetch_signed(url: str, *, signer: Lab) -> Any:
    """GET an ActivityStreams document, signed by ``signer`` as its server gets it, within the guarded client's limits."""
    try:
        return signed_exchange(url=url, signer=signer, method="GET", headers={"Accept": ACCEPT},
                               send=lambda headers: http.get_json(url, allow_private=settings.HUB_ALLOW_PRIVATE_PEERS,
                                                                  timeout=FETCH_TIMEOUT, max_bytes=MAX_ACTOR_BYTES,
                                                                  headers=headers))
    except http.PeerRequestError as error:
        raise RemoteActorError(str(error)) from None


def known_key(key_id: str) -> ActorKey | None:
    """The key as stored from an earlier fetch, without fetching."""
    actor = RemoteActor.objects.filter(key_id=key_id).first()
    return ActorKey(owner=actor, public_key=_public_key(actor.public_key_pem)) if actor else None


def key_for(key_id: str, *, signer: Lab, refresh: bool = False) -> ActorKey:
    """The key ``key_id`` names and its owner: stored, or fetched (and stored) when unknown or ``refresh``."""
    stored = RemoteActor.objects.filter(key_id=key_id).first()
    if stored is not None and (not refresh or timezone.now() - stored.fetched_at < REFETCH_AFTER):
        return ActorKey(owner=stored, public_key=_public_key(stored.public_key_pem))
    document_url = urldefrag(key_id).url
    document = _document(fetch_signed(document_url, signer=signer), expected_id=document_url)
    if "publicKey" in document:
        actor = document
    else:
        owner = _iri(document.get("owner"), "the key's owner")
        if document.get("id") != key_id:
            raise RemoteActorError("The key document's id is not the key id that was signed with.")
        actor = _document(fetch_signed(owner, signer=signer), expected_id=owner)
    return _remember(actor, key_id)


def _document(value: Any, *, expected_id: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RemoteActorError("The fetched document is not a JSON object.")
    if value.get("id") != expected_id:
        raise RemoteActorError("The fetched document's id is not the address it was fetched from.")
    return value


def _remember(actor: dict[str, Any], key_id: str) -> ActorKey:
    """Check the actor names the key and owns it, then store (or refresh) it."""
    iri = actor["id"]
    key = _named_key(actor.get("publicKey"), key_id)
    if key.get("owner") != iri:
        raise RemoteActorError("The key's owner is not the actor that carries it.")
    pem = key.get("publicKeyPem")
    public_key = _public_key(pem)
    inbox = _same_host(_iri(actor.get("inbox"), "the actor's inbox"), iri)
    endpoints = actor.get("endpoints") if isinstance(actor.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox")
    shared = _same_host(_iri(shared, "the shared inbox"), iri) if shared else ""
    username = actor.get("preferredUsername")
    handle = f"{username}@{urlsplit(iri).netloc}"[:300] if isinstance(username, str) and username else ""
    remote, _created = RemoteActor.objects.update_or_create(iri=iri, defaults={
        "inbox": inbox, "shared_inbox": shared, "key_id": key_id, "public_key_pem": pem, "handle": handle,
        "fetched_at": timezone.now(),
    })
    services.server_advertisement_record(url=iri, rfc9421=advertises_rfc9421(actor))
    return ActorKey(owner=remote, public_key=public_key)


def advertises_rfc9421(actor: dict[str, Any]) -> bool:
    """Whether an actor's server says it takes RFC 9421 signatures: FEP-844e ``implements`` on its ``generator`` (or itself)."""
    holders = [*_listed(actor.get("generator")), actor]
    for holder in holders:
        entries = _listed(holder.get("implements")) if isinstance(holder, dict) else []
        hrefs = [entry.get("href") if isinstance(entry, dict) else entry for entry in entries]
        if any(isinstance(href, str) and urldefrag(href).url == RFC9421_CAPABILITY for href in hrefs):
            return True  # the bare RFC, or one of its algorithms (the registry's Ed25519 entry is a fragment of it)
    return False


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _named_key(value: Any, key_id: str) -> dict[str, Any]:
    keys = value if isinstance(value, list) else [value]
    for key in keys:
        if isinstance(key, dict) and key.get("id") == key_id:
            return key
    raise RemoteActorError("The actor does not name the key that was signed with.")


def _iri(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > 500 or not value.startswith(("https://", "http://")):
        raise RemoteActorError(f"{what[0].upper()}{what[1:]} is not an http(s) URL.")
    if settings.HUB_PEERS_HTTPS_ONLY and not value.startswith("https://"):
        raise RemoteActorError(f"{what[0].upper()}{what[1:]} must be an https URL.")
    return value


def _same_host(url: str, actor: str) -> str:
    """Deliveries go only to the actor's own server, never to a third one it names."""
    if urlsplit(url).netloc.lower() != urlsplit(actor).netloc.lower():
        raise RemoteActorError("The actor's inbox lies on another server than the actor.")
    return url


def _public_key(pem: Any) -> PublicKeyTypes:
    if not isinstance(pem, str) or len(pem) > 10_000:
        raise RemoteActorError("The key has no PEM-encoded public key.")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeError, TypeError):
        raise RemoteActorError("The key's PEM cannot be read.") from None
    if not isinstance(key, rsa.RSAPublicKey) or not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
        raise RemoteActorError(f"The key must be an RSA key of {MIN_RSA_BITS} to {MAX_RSA_BITS} bits.")
    return key
