# ruff: noqa: N999 -- the command is `manage.py import`, so its module is named import
"""Recreate this node's own items from a bundle written by `export` (restore and move; see docs/import.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.bundle import BundleError, bundle_import


class Command(BaseCommand):
    help = (
        "Read a bundle written by `manage.py export` and recreate this node's labs, method cards, events "
        "and tombstones exactly as signed, in one transaction. Use it on a fresh database with the same "
        "HUB_BASE_URL and the node's key file in HUB_DATA_DIR (without init_node), or on this node after "
        "its own items were removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH", help="The bundle file to read.")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            result = bundle_import(data=data)
        except BundleError as error:
            raise CommandError(f"{path} was not imported: {error}") from None
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"Imported into {result.node.name} ({result.node.iri}): {counts['Lab']} labs, {counts['MethodCard']} "
            f"method cards, {counts['Event']} events, " + (f"{counts['Idea']} ideas, " if counts["Idea"] else "")
            + (f"{counts['ExperienceReport']} experience reports, " if counts["ExperienceReport"] else "")
            + f"{counts['Tombstone']} tombstones."
        ))
        if result.node_created:
            self.stdout.write("This node's identity was recreated from the bundle's descriptor and the key file.")
        self.stdout.write("Peers are not part of a bundle: join them again with `manage.py peer join`.")
