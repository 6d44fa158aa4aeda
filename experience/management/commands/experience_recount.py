"""Count the experience figures of every method again from the reports this node holds."""

from typing import Any

from django.core.management.base import BaseCommand

from experience.services import method_experience_recount_all


class Command(BaseCommand):
    help = (
        "Count every method's experience figures again from the reports this node holds (after importing "
        "report rows in bulk, or after one of this node's labs changed its visibility)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        methods = method_experience_recount_all()
        self.stdout.write(f"Counted the experience figures of {methods} methods again.")
