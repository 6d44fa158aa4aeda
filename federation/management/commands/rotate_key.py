"""manage.py rotate_key [--yes]: replace this node's key; peers follow through the descriptor's proof chain."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.keyring import fingerprint
from federation.rotation import RotationError, key_rotate
from hub.identity import KeyFileError, key_path
from hub.models import Node
from hub.roles import SYSTEM


class Command(BaseCommand):
    help = ("Replace this node's signing key by a new one. The old key is kept as a retired key and signs the new "
            "descriptor first, so every peer accepts the new key by itself; what the old key signed stays valid.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, yes: bool, **options) -> None:
        node = Node.objects.filter(is_local=True).first()
        if node is None:
            raise CommandError("This node is not initialised yet (manage.py init_node).")
        self.stdout.write(f"This node signs with {node.key_id or node.iri + '#key-1'} ({fingerprint(node.public_key_multibase)}).")
        self.stdout.write("A new key is made; the old one is kept in retired-keys/ beside "
                          f"{key_path().name} and signs the new descriptor first. Back both up afterwards.")
        if not yes and not self._confirmed():
            raise CommandError("Nothing changed: the key was not rotated.")
        try:
            rotation = key_rotate(actor=SYSTEM)
        except (RotationError, KeyFileError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Rotated: this node signs with {rotation.new.key_id} ({fingerprint(rotation.new.public_key_multibase)}) "
            f"now; {rotation.old.key_id} is retired. Descriptor version {rotation.descriptor_version} is published."
        ))
        self.stdout.write("Peers accept the new key at their next sync; nothing needs to be done there.")

    def _confirmed(self) -> bool:
        self.stdout.write("Type yes to rotate the key: ", ending="")
        self.stdout.flush()
        try:
            return input().strip().lower() == "yes"
        except EOFError:
            return False
