"""``manage.py erase_expired``: erase now what the daily task erases (registrations past their time, idea authors'
contacts, participants' lines of feedback), and say what."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ops.erasure import erase_expired


class Command(BaseCommand):
    help = "Erase personal data whose time is up (unconfirmed registrations, registrations of long-ended events, idea authors' names and e-mail addresses, the unpublished lines of participants' feedback) and print what was erased."

    def handle(self, *args, **options) -> None:
        for line in erase_expired(now=timezone.now()):
            self.stdout.write(line)
