"""Fill an initialised node with demo labs, method cards and events."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hub.selectors import NodeNotInitialised
from ops.demo import DemoReport, demo_seed


class Command(BaseCommand):
    help = (
        "Add fictional demo content (a neighbourhood lab, German method cards and events around "
        "today) to an initialised node. Run again, it changes nothing and says so."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = demo_seed()
        except NodeNotInitialised as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(
                "The demo content is not valid: " + "; ".join(error.messages)
            ) from None
        self.stdout.write(_message(report))


def _message(report: DemoReport) -> str:
    """The one-line summary of what demo_seed did."""
    if not report.created:
        return "Demo content is already present; nothing changed."
    labs = f"{report.labs} new lab" + ("" if report.labs == 1 else "s")
    return f"Demo content created: {labs}, {report.methods} method cards, {report.events} events."
