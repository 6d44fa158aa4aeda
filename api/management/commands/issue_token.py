"""Mint an OAuth 2.0 access token for a script: ``manage.py issue_token --user NAME --scope "read write"``.

The token is printed once, alone on standard output, so that a script can capture it; everything
meant for people goes to standard error. Only its checksum is stored.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.services import access_token_issue

DURATION = re.compile(r"^(\d+)([smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """A duration such as ``30d``, ``12h``, ``90m`` or ``3600s``."""
    match = DURATION.match(text.strip())
    if match is None:
        raise CommandError(f"--expires takes a number and a unit s, m, h or d, such as 30d; got {text!r}.")
    return timedelta(seconds=int(match[1]) * UNIT_SECONDS[match[2]])


class Command(BaseCommand):
    help = "Print a new access token for a user's scripts (their OAuth application is created on first use)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="user name of the token's owner")
        parser.add_argument("--scope", required=True, help='space-separated scopes, such as "read write"')
        parser.add_argument("--expires", default="30d", help="lifetime such as 30d, 12h or 90m (default 30d)")

    def handle(self, *args, **options) -> None:
        user = self.user(options["user"])
        lifetime = parse_duration(options["expires"])
        try:
            token = access_token_issue(user=user, scopes=options["scope"].split(), lifetime=lifetime)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Access token for {user.get_username()} with scope {options['scope']!r}, valid for {lifetime}. "
            "It is shown only this once:"
        )
        self.stdout.write(token)

    def user(self, username: str) -> AbstractBaseUser:
        """The user with this name, or a CommandError naming it."""
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {username!r}.") from None
