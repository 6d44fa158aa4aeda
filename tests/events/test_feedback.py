"""Participants' feedback: anonymous, once per registration link or per visit, only while the event takes it.

Hostile cases first: double answers, replayed and forged visits, forged values, closed windows.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from events.closing.feedback import (
    feedback_from_paper,
    feedback_from_registration,
    feedback_from_visit,
    feedback_invite,
    feedback_link_for,
    feedback_quote,
    feedback_visit_new,
)
from events.closing.selectors import feedback_event_by_code
from events.closing.services import closing_report_write
from events.models import ClosingReport, Event, FeedbackAnswer, Registration
from events.registrations.services import registration_cancel
from events.services import event_cancel, event_seats_publish
from hub.models import ChangeLogEntry
from hub.problems import Conflict
from hub.roles import SYSTEM
from tests.api.factories import mirrored_event
from tests.events.factories import checked_in, past_event, registered, seated_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages in English, as the assertions read them."""
    with translation.override("en"):
        yield

REPORT = {"attendees": 12, "staircase_step": 2, "staircase_evidence": "Zwölf Menschen aus dem Haus kamen."}


@pytest.fixture
def held(lab):
    """An event of this node with three people checked in and one who did not come."""
    event = seated_event(lab)
    people = [checked_in(event, number) for number in (1, 2, 3)] + [registered(event, 4)]
    return Event.objects.get(pk=event.pk), people


def after(event: Event, **delta):
    return time_machine.travel(event.end + timedelta(**(delta or {"hours": 3})), tick=False)


# --- hostile ------------------------------------------------------------------------------------


def test_a_registration_answers_once(held):
    event, people = held
    with after(event):
        feedback_from_registration(registration=people[0], rating=5, text="Gern wieder")
        with pytest.raises(Conflict, match="used to answer already"):
            feedback_from_registration(registration=people[0], rating=1)
    assert list(FeedbackAnswer.objects.values_list("rating", flat=True)) == [5]


def test_a_replayed_visit_is_refused(lab):
    event = past_event(lab)
    visit = feedback_visit_new(event)
    feedback_from_visit(event=event, visit=visit, rating=4)
    with pytest.raises(Conflict, match="sent already"):
        feedback_from_visit(event=event, visit=visit, rating=1, text="noch einmal")
    assert FeedbackAnswer.objects.count() == 1
    feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=2)  # a new visit answers again
    assert FeedbackAnswer.objects.count() == 2


@pytest.mark.parametrize("forge", [
    lambda visit, event: visit[:-2] + ("AA" if not visit.endswith("AA") else "BB"),  # the signature changed
    lambda visit, event: signing.dumps({"event": str(event.uuid), "visit": "x"}, salt="something else"),
    lambda visit, event: signing.dumps({"event": str(event.uuid), "visit": "x"}, key="not-the-nodes-key",
                                       salt="events.closing.feedback-visit"),
    lambda visit, event: signing.dumps({"event": str(event.uuid), "visit": 7}, salt="events.closing.feedback-visit"),
    lambda visit, event: signing.dumps(["a", "list"], salt="events.closing.feedback-visit"),
    lambda visit, event: "",
    lambda visit, event: None,
    lambda visit, event: {"visit": visit},
    lambda visit, event: "x" * 100_000,
])
def test_a_forged_visit_is_refused(lab, forge):
    event = past_event(lab)
    with pytest.raises(ValidationError) as error:
        feedback_from_visit(event=event, visit=forge(feedback_visit_new(event), event), rating=5)
    assert "visit" in error.value.message_dict and not FeedbackAnswer.objects.exists()


def test_a_visit_of_another_event_or_a_stale_one_is_refused(lab):
    event, other = past_event(lab), past_event(lab, title="Anderes")
    with pytest.raises(ValidationError, match="expired or was changed"):
        feedback_from_visit(event=event, visit=feedback_visit_new(other), rating=5)
    visit = feedback_visit_new(event)
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        with pytest.raises(ValidationError, match="expired or was changed"):
            feedback_from_visit(event=event, visit=visit, rating=5)
    assert not FeedbackAnswer.objects.exists()


@pytest.mark.parametrize(("rating", "text", "field"), [
    (0, "", "rating"), (6, "", "rating"), (-1, "", "rating"), (True, "", "rating"), (None, "", "rating"),
    ("5; DROP TABLE", "", "rating"), ([5], "", "rating"), (4.5, "", "rating"), ("", "", "rating"),
    (3, "x" * 2001, "text"),
])
def test_forged_values_are_refused(lab, rating, text, field):
    event = past_event(lab)
    with pytest.raises(ValidationError) as error:
        feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=rating, text=text)
    assert field in error.value.message_dict and not FeedbackAnswer.objects.exists()


def test_text_is_kept_as_written_without_control_characters(lab):
    event = past_event(lab)
    written = '<script>alert("x")</script>\x07\r\nZweite Zeile\u202e'
    answer = feedback_from_visit(event=event, visit=feedback_visit_new(event), rating="3", text=written)
    assert answer.rating == 3 and answer.text == '<script>alert("x")</script>\nZweite Zeile'


def test_feedback_is_taken_from_the_start_until_two_weeks_after_the_end(held):
    event, people = held
    with pytest.raises(Conflict, match="opens when the event begins"):
        feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=5)
    with after(event, days=14, minutes=1):
        with pytest.raises(Conflict, match="closed"):
            feedback_from_registration(registration=people[0], rating=5)
    with time_machine.travel(event.start + timedelta(minutes=30), tick=False):
        feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=5)
    assert FeedbackAnswer.objects.count() == 1 and not Registration.objects.filter(feedback_given=True).exists()


def test_a_cancelled_or_mirrored_event_and_a_cancelled_registration_take_no_feedback(held, remote_lab):
    event, people = held
    registration_cancel(registration=people[3])
    with after(event):
        with pytest.raises(Conflict, match="Only people who had a seat"):
            feedback_from_registration(registration=people[3], rating=5)
    cancelled = event_cancel(event=past_event(event.lab, title="Abgesagt"), actor=SYSTEM)
    with pytest.raises(Conflict, match="closed"):
        feedback_from_visit(event=cancelled, visit=feedback_visit_new(cancelled), rating=5)
    mirrored = mirrored_event(remote_lab)
    with pytest.raises(Conflict, match="closed"):
        feedback_from_visit(event=mirrored, visit=feedback_visit_new(mirrored), rating=5)
    assert not FeedbackAnswer.objects.exists()


# --- anonymity ------------------------------------------------------------------------------------


def test_an_answer_keeps_nothing_about_who_gave_it(held):
    event, people = held
    with after(event):
        answer = feedback_from_registration(registration=people[1], rating=4, text="Mehr Stühle")
    fields = {field.name for field in FeedbackAnswer._meta.concrete_fields}
    assert fields == {"id", "event", "rating", "text", "quoted", "visit_hash"}
    assert answer.visit_hash is None
    registration = Registration.objects.get(pk=people[1].pk)
    assert registration.feedback_given and registration.feedback_invited_at is None
    assert not [field for field in Registration._meta.get_fields() if field.related_model is FeedbackAnswer]


# --- the report's figures and quotes ------------------------------------------------------------


def test_answers_and_quotes_go_into_the_published_report_and_the_rest_stays_internal(lab):
    event = past_event(lab)
    closing_report_write(event=event, actor=SYSTEM, published=True, **REPORT)
    answers = [feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=rating, text=text)
               for rating, text in [(5, "Mehr davon"), (4, "Geheimer Hinweis an das Labor"), (5, "")]]
    report = ClosingReport.objects.get(event=event)
    assert report.feedback_ratings == [0, 0, 0, 1, 2] and report.quotes == []
    event_seats_publish(event_id=event.pk)  # the signing the answers queued
    assert json.loads(ChangeLogEntry.objects.get(iri=event.iri).document)["closingReport"]["feedbackRatings"] == [0, 0, 0, 1, 2]

    feedback_quote(answer=answers[0], quoted=True, actor=SYSTEM)
    document = ChangeLogEntry.objects.get(iri=event.iri).document
    assert json.loads(document)["closingReport"]["feedbackQuote"] == ["Mehr davon"]
    assert all("Geheimer Hinweis" not in entry.document for entry in ChangeLogEntry.objects.all())
    feedback_quote(answer=answers[0], quoted=False, actor=SYSTEM)
    assert "feedbackQuote" not in json.loads(ChangeLogEntry.objects.get(iri=event.iri).document)["closingReport"]


def test_quotes_need_text_the_labs_editors_and_stay_few(lab, second_lab, person):
    event = past_event(lab)
    answers = [feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=4, text=f"Zeile {n}")
               for n in range(11)]
    silent = feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=4)
    with pytest.raises(Conflict, match="no text"):
        feedback_quote(answer=silent, quoted=True, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        feedback_quote(answer=answers[0], quoted=True, actor=person("fremd", "lab-editor", lab=second_lab))
    for answer in answers[:10]:
        feedback_quote(answer=answer, quoted=True, actor=SYSTEM)
    with pytest.raises(Conflict, match="at most 10 quotes"):
        feedback_quote(answer=answers[10], quoted=True, actor=SYSTEM)


def test_the_short_link_finds_its_event_and_nothing_else(lab):
    event = past_event(lab)
    link = feedback_link_for(event=event, actor=SYSTEM)
    assert feedback_link_for(event=event, actor=SYSTEM) == link and len(link.code) == 8
    assert feedback_event_by_code(link.code) == event and feedback_event_by_code(link.code.lower()) == event
    for other in ("", "ABC", "../x", "A" * 500, None, link.code + "X"):
        assert feedback_event_by_code(other) is None


# --- the mail after the event -------------------------------------------------------------------


def test_everyone_checked_in_is_asked_once_after_the_event(held, tasks_at_once, django_capture_on_commit_callbacks):
    event, people = held
    mail.outbox.clear()
    assert feedback_invite(now=event.end + timedelta(minutes=30)) == 0  # too early
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_invite(now=event.end + timedelta(hours=3)) == 3  # not the one who did not come
    assert feedback_invite(now=event.end + timedelta(hours=4)) == 0
    # The nudge also sends the confirmations still queued from registering (their commits never ran here).
    asked = [message.to[0] for message in mail.outbox if "/feedback" in message.body]
    assert sorted(asked) == ["person1@example.org", "person2@example.org", "person3@example.org"]


def test_without_check_ins_everyone_with_a_seat_is_asked_but_not_for_old_or_cancelled_events(lab, tasks_at_once):
    event = seated_event(lab)
    registered(event, 1), registered(event, 2, confirm=False)
    assert feedback_invite(now=event.end + timedelta(days=15)) == 0  # feedback is closed by then
    assert feedback_invite(now=event.end + timedelta(hours=3)) == 1
    cancelled = seated_event(lab, title="Abgesagt")
    registered(cancelled, 3)
    event_cancel(event=cancelled, actor=SYSTEM)
    assert feedback_invite(now=cancelled.end + timedelta(hours=3)) == 0


# --- retention ------------------------------------------------------------------------------------


def test_the_erasure_empties_unpublished_texts_with_the_registrations(lab, settings):
    settings.HUB_REGISTRATION_RETENTION_DAYS = 30
    event = past_event(lab)
    kept = feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=5, text="Bitte veröffentlichen")
    erased = feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=2, text="Zu laut")
    feedback_quote(answer=kept, quoted=True, actor=SYSTEM)
    output = io.StringIO()
    with time_machine.travel(event.end + timedelta(days=29)):
        call_command("erase_expired", stdout=output)
    assert FeedbackAnswer.objects.get(pk=erased.pk).text == "Zu laut"
    with time_machine.travel(event.end + timedelta(days=31)):
        call_command("erase_expired", stdout=output)
    assert "Erased 1 lines of feedback" in output.getvalue()
    assert FeedbackAnswer.objects.get(pk=erased.pk).text == "" and FeedbackAnswer.objects.get(pk=erased.pk).rating == 2
    assert FeedbackAnswer.objects.get(pk=kept.pk).text == "Bitte veröffentlichen"


def test_staff_type_in_paper_cards_of_their_labs_events_once_they_began(lab, second_lab, person):
    event = past_event(lab, days_ago=30)  # long after the window of the forms: cards arrive late
    answer = feedback_from_paper(event=event, rating=4, text="Auf Papier", actor=person("eigen", "lab-editor", lab=lab))
    assert (answer.rating, answer.text, answer.visit_hash) == (4, "Auf Papier", None)
    with pytest.raises(PermissionDenied):
        feedback_from_paper(event=event, rating=4, actor=person("fremd", "lab-editor", lab=second_lab))
    with pytest.raises(Conflict, match="opens when the event begins"):
        feedback_from_paper(event=seated_event(lab), rating=4, actor=SYSTEM)
    with pytest.raises(ValidationError):
        feedback_from_paper(event=event, rating=9, actor=SYSTEM)
    assert FeedbackAnswer.objects.count() == 1
