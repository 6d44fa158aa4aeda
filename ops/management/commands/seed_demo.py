"""Fill an initialised node with demo labs, method cards and events."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hub.selectors import NodeNotInitialised
from ops.demo import DemoReport, demo_network_reports, demo_seed


class Command(BaseCommand):
    help = (
        "Add fictional demo content (a neighbourhood lab, German method cards and events around "
        "today) to an initialised node. Run again, it changes nothing and says so."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reports-about", metavar="ORIGIN",
            help="Instead: report from this node's first lab on the demo methods it mirrors from ORIGIN (a node's "
                 "address), as make demo-network does after the first sync.",
        )

    def handle(self, *args: Any, reports_about: str | None = None, **options: Any) -> None:
        if reports_about:
            self.stdout.write(self._network_reports(reports_about))
            return
        try:
            report = demo_seed()
        except NodeNotInitialised as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(
                "The demo content is not valid: " + "; ".join(error.messages)
            ) from None
        self.stdout.write(_message(report))


    def _network_reports(self, origin: str) -> str:
        try:
            written = demo_network_reports(about=origin)
        except (NodeNotInitialised, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        return f"Experience reports written about {origin}'s methods: {written}."


def _message(report: DemoReport) -> str:
    """The one-line summary of what demo_seed did."""
    if not report.created:
        return "Demo content is already present; nothing changed."
    labs = f"{report.labs} new lab" + ("" if report.labs == 1 else "s")
    return f"Demo content created: {labs}, {report.methods} method cards, {report.events} events."
