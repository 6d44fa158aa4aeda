"""Access tokens for scripts, as ``manage.py issue_token`` mints them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value

from federation.oauth import CLIENT_SCOPES, scopes_allowed

MAX_TOKEN_LIFETIME = timedelta(days=365)


def script_application(*, user: AbstractBaseUser) -> Application:
    """The user's OAuth application for scripts, created on first use; its tokens act for the user."""
    application, _created = Application.objects.get_or_create(
        user=user,
        name=f"Scripts of {user.get_username()}",
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
        },
    )
    return application


@transaction.atomic
def access_token_issue(*, user: AbstractBaseUser, scopes: Sequence[str], lifetime: timedelta) -> str:
    """Mint an access token for the user's script application and return it; only its hash is stored."""
    raise_if_token_refused(user=user, scopes=scopes, lifetime=lifetime)
    application = script_application(user=user)
    raw_token = secrets.token_urlsafe(32)
    token = AccessToken(
        user=user,
        application=application,
        scope=" ".join(dict.fromkeys(scopes)),
        expires=timezone.now() + lifetime,
    )
    set_token_value(token, raw_token)  # with RFC 9700 storage on, this keeps only the checksum
    token.save()
    return raw_token


SCOPE_NEEDS = {
    "read": "reading network-only items needs a role on this node (coordinator, lab-editor or node-admin)",
    "write": "writing needs the role lab-editor or node-admin",
}


def raise_if_token_refused(*, user: AbstractBaseUser, scopes: Sequence[str], lifetime: timedelta) -> None:
    """Refuse unknown scopes, scopes the user's roles do not allow, inactive users and lifetimes out of range."""
    unknown = [scope for scope in scopes if scope not in CLIENT_SCOPES]
    if unknown or not scopes:
        named = f"The scope {' '.join(unknown)!r} is unknown or not for scripts" if unknown else "No scope given"
        raise ValidationError(f"{named}; a script's token may carry: {', '.join(CLIENT_SCOPES)}.")
    if not user.is_active:
        raise ValidationError(f"The user {user.get_username()!r} is inactive.")
    allowed = scopes_allowed(user)
    for scope in (scope for scope in CLIENT_SCOPES if scope in scopes and scope not in allowed):
        raise ValidationError(
            f"The user {user.get_username()!r} may not hold a token with scope {scope!r}: {SCOPE_NEEDS[scope]}. "
            f"Grant the role first with `manage.py grant {user.get_username()} ROLE`."
        )
    if not timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise ValidationError(f"A token lives longer than 0 seconds and at most {MAX_TOKEN_LIFETIME.days} days.")
