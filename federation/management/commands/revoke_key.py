"""manage.py revoke_key [--since TIME] [--yes]: after a key leaked, revoke it and sign with a new key;
peers' operators re-pin the new key after comparing its fingerprint."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from federation.keyring import fingerprint
from federation.rotation import RotationError, key_revoke
from hub.identity import KeyFileError
from hub.models import Node
from hub.roles import SYSTEM


def moment(text: str) -> datetime:
    """An ISO 8601 date and time; without an offset, in this node's time zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--since takes a date and time such as 2026-12-01T08:00+01:00; got {text!r}.") from None
    return value if value.tzinfo else timezone.make_aware(value)


class Command(BaseCommand):
    help = ("After this node's key (or its data folder) leaked: revoke every key it has signed with and sign with a "
            "new one. Peers do not accept the new key by themselves: tell their operators its fingerprint, out of band.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=moment,
                            help="When the key may have leaked (default: now). Proofs created from then on are refused "
                                 "by peers; this node's own items signed since then are signed again.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, since: datetime | None, yes: bool, **options) -> None:
        node = Node.objects.filter(is_local=True).first()
        if node is None:
            raise CommandError("This node is not initialised yet (manage.py init_node).")
        when = f"from {timezone.localtime(since):%Y-%m-%d %H:%M:%S %Z}" if since else "from now on"
        self.stdout.write(f"Every key this node has signed with is revoked {when}, the current one "
                          f"{node.key_id} ({fingerprint(node.public_key_multibase)}) included, and a new key is made.")
        self.stdout.write("Peers refuse the new key until their operators re-pin it; call them after this.")
        if not yes and not self._confirmed():
            raise CommandError("Nothing changed: no key was revoked.")
        try:
            rotation = key_revoke(actor=SYSTEM, since=since)
        except (RotationError, KeyFileError) as error:
            raise CommandError(str(error)) from None
        new = rotation.new
        self.stdout.write(self.style.SUCCESS(f"Revoked {', '.join(row.key_id for row in rotation.revoked)}. "
                                             f"This node signs with {new.key_id} now."))
        if rotation.resigned:
            self.stdout.write(f"Signed {rotation.resigned} item(s) again with the new key (their proofs fell after "
                              "the revocation time).")
        self.stdout.write("Give every peer's operators, by phone or in person, this fingerprint and key:")
        self.stdout.write(f"  {fingerprint(new.public_key_multibase)}")
        self.stdout.write(f"  {new.public_key_multibase}")
        self.stdout.write(f"They check it with `manage.py peer keys` and run: manage.py peer repin {node.iri} "
                          f"--key {new.public_key_multibase}")

    def _confirmed(self) -> bool:
        self.stdout.write("Type yes to revoke the keys: ", ending="")
        self.stdout.flush()
        try:
            return input().strip().lower() == "yes"
        except EOFError:
            return False
