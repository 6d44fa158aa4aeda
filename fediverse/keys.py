"""Each lab actor's RSA key: made on first use, kept in the database, never shown."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from fediverse.models import ActorKey
from hub.models import Lab

KEY_BITS = 2048  # what Mastodon makes and expects


def actor_key(lab: Lab) -> ActorKey:
    """The lab's key, made now if it has none (two processes making it at once keep the first one stored)."""
    existing = ActorKey.objects.filter(lab=lab).first()
    if existing is not None:
        return existing
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    try:
        with transaction.atomic():
            return ActorKey.objects.create(lab=lab, private_key_pem=_private_pem(private), public_key_pem=public_pem(private))
    except IntegrityError:
        return ActorKey.objects.get(lab=lab)


def signing_key(lab: Lab) -> rsa.RSAPrivateKey:
    """The private key the lab's actor signs with."""
    return serialization.load_pem_private_key(actor_key(lab).private_key_pem.encode("ascii"), password=None)


def public_pem(private: rsa.RSAPrivateKey) -> str:
    """The public half of a key as PEM (SubjectPublicKeyInfo), as actor documents carry it."""
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _private_pem(private: rsa.RSAPrivateKey) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
