"""Write this node's own signed documents into one bundle file (backup and move; see docs/import.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation.bundle import BundleError, BundleExport, bundle_export
from hub.selectors import NodeNotInitialised


class Command(BaseCommand):
    help = (
        "Write this node's descriptor and the signed documents of its own labs, method cards, events "
        "and tombstones into one signed JSON-LD bundle. `manage.py import` reads it back. The private "
        "key is not in the bundle: back up HUB_DATA_DIR/node-key.pem separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, metavar="PATH", help="The bundle file to write.")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")

    def handle(self, *args: Any, path: Path, force: bool, **options: Any) -> None:
        if path.exists() and not force:
            raise CommandError(f"{path} exists; give --force to overwrite it.")
        try:
            bundle = bundle_export()
        except (BundleError, NodeNotInitialised) as error:
            raise CommandError(str(error)) from None
        try:
            _write_private(path, bundle.data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {_contents(bundle)} to {path}."))
        if bundle.drafts or bundle.mirrored:
            self.stdout.write(
                f"Not in the bundle: {bundle.drafts} drafts (never signed) and {bundle.mirrored} items "
                "mirrored from other nodes (they come back from their origins)."
            )


def _write_private(path: Path, data: bytes) -> None:
    """Write the file readable by its owner only (it holds network-only items), replacing it atomically."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".bundle-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _contents(bundle: BundleExport) -> str:
    """The bundle's items by type, as a phrase."""
    names = {"Lab": "labs", "MethodCard": "method cards", "Event": "events", "Idea": "ideas",
             "ExperienceReport": "experience reports", "Tombstone": "tombstones"}
    parts = [f"{bundle.counts.get(type_name, 0)} {name}" for type_name, name in names.items()
             if type_name not in OPTIONAL or bundle.counts.get(type_name)]
    return "the node descriptor, " + ", ".join(parts)


# The types named only when the bundle holds some (the phrase stayed as it was before they existed).
OPTIONAL = ("Idea", "ExperienceReport")
