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
from oauth2_provider.scopes import get_scopes_backend

from api.permissions import WRITE_SCOPE, is_active_staff

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
    application = script_application(user=user)
    raise_if_token_refused(user=user, application=application, scopes=scopes, lifetime=lifetime)
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


def raise_if_token_refused(
    *, user: AbstractBaseUser, application: Application, scopes: Sequence[str], lifetime: timedelta
) -> None:
    """Refuse scopes the application may not hold, write tokens for non-staff, and lifetimes out of range."""
    available = get_scopes_backend().get_available_scopes(application=application)
    refused = [scope for scope in scopes if scope not in available]
    if refused or not scopes:
        named = f"The scope {' '.join(refused)!r} is unknown or not for scripts" if refused else "No scope given"
        raise ValidationError(f"{named}; a script's token may carry: {', '.join(available)}.")
    if not user.is_active:
        raise ValidationError(f"The user {user.get_username()!r} is inactive.")
    if WRITE_SCOPE in scopes and not is_active_staff(user):
        raise ValidationError(
            f"The user {user.get_username()!r} is not staff, and only staff may write: "
            f"a token with scope {WRITE_SCOPE!r} would be refused."
        )
    if not timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise ValidationError(f"A token lives longer than 0 seconds and at most {MAX_TOKEN_LIFETIME.days} days.")
