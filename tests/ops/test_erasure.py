"""The daily erasure: the beat schedule runs it, and it erases what manage.py erase_expired erases."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from events.models import Registration
from ops.tasks import erase_expired
from tests.events.factories import registered, seated_event


def test_beat_runs_the_erasure_daily_and_the_reminders_hourly():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["ops.tasks.erase_expired"] == 24 * 3600
    assert schedule["events.tasks.registrations_remind"] == 3600


@pytest.mark.django_db
def test_the_task_erases_registrations_after_the_retention_period(lab, settings, caplog):
    settings.HUB_REGISTRATION_RETENTION_DAYS = 30
    event = seated_event(lab)
    registered(event, 1)
    with time_machine.travel(event.end + timedelta(days=31)):
        erase_expired()
    assert not Registration.objects.exists()
    assert "Erased 1 registrations of “Zukunftswerkstatt Nordstadt” (ended more than 30 days ago)" in caplog.text
    assert "person1" not in caplog.text


@pytest.mark.django_db
def test_the_command_erases_idea_authors_contacts_too_and_says_how_many(lab, settings):
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from ideas.models import Idea
    from ideas.services import idea_submit

    settings.HUB_IDEA_RETENTION_DAYS = 30
    idea = idea_submit(lab=lab, title="Mehr Bänke", text="Am Markt fehlen Bänke.", author_name="Rosa",
                       author_email="rosa@example.org")
    output = io.StringIO()
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        call_command("erase_expired", stdout=output)
    assert "Erased the name and e-mail address of 1 idea authors (kept 30 days)" in output.getvalue()
    assert "rosa" not in output.getvalue()
    assert Idea.objects.get(pk=idea.pk).author_email == ""
