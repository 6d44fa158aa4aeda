"""Create this node's identity: its Ed25519 key, its record and its first lab."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.identity import KeyFileError
from hub.services import node_init


class Command(BaseCommand):
    help = "Create the node's key pair and first lab. Run again, it changes nothing and says so."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The node's name, e.g. 'Zukunftswerk Wiesbaden'.")
        parser.add_argument("--city", required=True, help="The city, e.g. Wiesbaden.")
        parser.add_argument("--lab-name", default="", help="Name of the first lab (default: the node's name).")
        parser.add_argument("--lab-slug", default="", help="Short name of the first lab in its address.")

    def handle(self, *args, name: str, city: str, lab_name: str, lab_slug: str, **options) -> None:
        if not name.strip() or not city.strip():
            raise CommandError("--name and --city must not be empty.")
        try:
            result = node_init(name=name.strip(), city=city.strip(), lab_name=lab_name.strip(), lab_slug=lab_slug)
        except KeyFileError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("The first lab is not valid: " + "; ".join(error.messages)) from None
        node = result.node
        if not result.created:
            self.stdout.write(f"This node is already initialised as {node.name} ({node.iri}); nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Created node {node.name} in {node.city} at {node.iri}"))
        self.stdout.write(f"Public key {node.public_key_multibase}; private key kept in the data directory (mode 0600).")
        self.stdout.write(f"First lab: {result.lab.name} at {result.lab.iri}")
