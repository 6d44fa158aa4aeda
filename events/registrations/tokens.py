"""The secret in a registration's links, and the short code its person shows at the door.

The token is an HMAC of the registration's uuid under the node's secret key: 256 bits nobody can
guess, which the node can write into every later mail (a reminder, a promotion) without keeping
it. Only its SHA-256 is stored, so a copy of the database opens no registration.
"""

from __future__ import annotations

import base64
import hashlib
import re
from uuid import UUID

from django.conf import settings
from django.utils.crypto import salted_hmac

from events.models import Registration

TOKEN_SALT = "events.registrations.token"
# 32 bytes in URL-safe base64 without padding: 43 characters.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"
TOKEN = re.compile(TOKEN_PATTERN)


def token_derive(uuid: UUID, *, secret: str | bytes) -> str:
    """The token of the registration with this uuid under one secret key."""
    digest = salted_hmac(TOKEN_SALT, str(uuid), secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_new(uuid: UUID) -> tuple[str, str]:
    """A new registration's token and its hash, under the current secret key."""
    token = token_derive(uuid, secret=settings.SECRET_KEY)
    return token, token_hash(token)


def registration_token(registration: Registration) -> str:
    """The token in this registration's links, as its earlier mails carried it.

    Under a rotated secret key (the old one in ``SECRET_KEY_FALLBACKS``) the old token still opens
    the registration. Without the old key, the registration gets a new token: earlier links stop.
    """
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        token = token_derive(registration.uuid, secret=secret)
        if token_hash(token) == registration.token_hash:
            return token
    token, registration.token_hash = token_new(registration.uuid)
    Registration.objects.filter(pk=registration.pk).update(token_hash=registration.token_hash)
    return token


def registration_url(token: str) -> str:
    """The page where a registration's person confirms or cancels it; its last segment is the token."""
    return f"{settings.HUB_BASE_URL}/registrations/{token}"


def feedback_url(token: str) -> str:
    """The page where a registration's person answers the feedback question about its event, once."""
    return f"{registration_url(token)}/feedback"


def registration_by_token(token: str) -> Registration | None:
    """The registration this token belongs to (its event loads when asked for); None for any other text.

    Read with a statement written out: every link of every mail comes here first, and compiling the
    ORM's query would cost more than the rest of a confirmation's Python.
    """
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    table = Registration._meta.db_table
    found = Registration.objects.raw(f"SELECT * FROM {table} WHERE token_hash = %s", [token_hash(token)])  # noqa: S608
    return next(iter(found), None)
