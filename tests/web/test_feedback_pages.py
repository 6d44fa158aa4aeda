"""The feedback forms (short link and mail link) and the staff's feedback page: hostile requests first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from events.closing.feedback import feedback_link_for
from events.closing.services import closing_report_write
from events.models import ClosingReport, FeedbackAnswer, Registration
from hub.roles import SYSTEM
from tests.events.factories import checked_in, past_event, seated_event, token_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def event(lab):
    return past_event(lab)


@pytest.fixture
def short_url(event) -> str:
    return f"/f/{feedback_link_for(event=event, actor=SYSTEM).code}"


def visit_of(page: str) -> str:
    return re.search(r'name="visit" value="([^"]+)"', page).group(1)


def open_form(client, url: str) -> str:
    response = client.get(url, **EN)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def test_the_form_asks_one_question_with_five_labelled_faces_in_a_fieldset(client, short_url):
    page = open_form(client, short_url)
    assert re.search(r'<fieldset class="field choice-group faces"[^>]*>\s*<legend>How did you like the event\?', page)
    labels = re.findall(r'<label for="id_rating_\d"><svg class="face"[^>]* aria-hidden="true".*?</svg> ([^<]+)</label>', page)
    assert labels == ["Very dissatisfied", "Dissatisfied", "Neither nor", "Satisfied", "Very satisfied"]
    assert page.count('type="radio" name="rating"') == 5
    assert '<label for="id_text">What should we do differently? (optional)' in page


def test_a_walk_in_answers_once_per_visit_and_a_replay_is_refused(client, short_url):
    visit = visit_of(open_form(client, short_url))
    thanks = client.post(short_url, {"visit": visit, "rating": "4", "text": "Mehr Pausen"}, **EN)
    assert thanks.status_code == 200 and "Thank you!" in thanks.content.decode()
    assert thanks["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in thanks["Cache-Control"]
    replay = client.post(short_url, {"visit": visit, "rating": "1", "text": "noch einmal"}, **EN)
    assert replay.status_code == 409 and "sent already" in replay.content.decode()
    client.post(short_url, {"visit": visit_of(open_form(client, short_url)), "rating": "5"}, **EN)
    assert sorted(FeedbackAnswer.objects.values_list("rating", flat=True)) == [4, 5]


@pytest.mark.parametrize("data", [
    {"rating": "5"},  # no visit
    {"rating": "5", "visit": "forged:value"},
    {"rating": "9", "visit": None},
    {"rating": "", "visit": None},
    {"rating": "5", "text": "x" * 2001, "visit": None},
])
def test_forged_or_wrong_answers_are_refused_and_the_form_says_why(client, short_url, data):
    if data.get("visit", "") is None:
        data = data | {"visit": visit_of(open_form(client, short_url))}
    response = client.post(short_url, data, **EN)
    assert response.status_code == 400 and 'class="error-summary"' in response.content.decode()
    assert 'name="visit" value="' in response.content.decode()  # a new visit to try again with
    assert not FeedbackAnswer.objects.exists()


def test_answers_are_throttled_per_address_and_the_switch_lifts_it(client, short_url, settings):
    settings.HUB_THROTTLE_FEEDBACK = (2, 3600)
    for rating in ("3", "4"):
        assert client.post(short_url, {"visit": visit_of(open_form(client, short_url)), "rating": rating}).status_code == 200
    third = client.post(short_url, {"visit": visit_of(open_form(client, short_url)), "rating": "5"}, **EN)
    assert third.status_code == 429 and int(third["Retry-After"]) > 0 and "try again in" in third.content.decode()
    settings.HUB_THROTTLE_FEEDBACK = None  # HUB_THROTTLE=off
    assert client.post(short_url, {"visit": visit_of(open_form(client, short_url)), "rating": "5"}).status_code == 200
    assert FeedbackAnswer.objects.count() == 3


def test_an_unknown_or_closed_link_says_so(client, event, short_url):
    assert client.get("/f/NOSUCHCD", **EN).status_code == 404
    assert client.get("/f/..%2F..%2Fadmin", **EN).status_code == 404
    with time_machine.travel(event.end + timedelta(days=15)):
        page = client.get(short_url, **EN).content.decode()
        assert "Feedback on this event is closed." in page and 'name="rating"' not in page
        client.post(short_url, {"rating": "5", "visit": "x"})
    assert not FeedbackAnswer.objects.exists()


def test_a_registrant_answers_once_by_the_mails_link(client, lab):
    upcoming = seated_event(lab)
    registration = checked_in(upcoming, 1)
    url = f"/registrations/{token_of(registration)}/feedback"
    with time_machine.travel(upcoming.end + timedelta(hours=3)):
        page = open_form(client, url)
        assert 'name="visit"' not in page
        assert client.post(url, {"rating": "5", "text": "Schön"}, **EN).status_code == 200
        again = client.get(url, **EN).content.decode()
        assert "used to answer already" in again and 'name="rating"' not in again
        assert client.post(url, {"rating": "1"}, **EN).status_code == 409
    assert Registration.objects.get(pk=registration.pk).feedback_given
    assert list(FeedbackAnswer.objects.values_list("rating", "text")) == [(5, "Schön")]
    assert client.get(f"/registrations/{'x' * 43}/feedback").status_code == 404


def test_the_staff_read_the_texts_escaped_and_publish_a_quote(client, lab, event, short_url, person):
    closing_report_write(event=event, actor=SYSTEM, attendees=10, staircase_step=1, published=True)
    client.post(short_url, {"visit": visit_of(open_form(client, short_url)), "rating": "2",
                            "text": "<img src=x onerror=alert(1)> zu laut"})
    staff = Client()
    page_url = f"/staff/events/{event.uuid}/feedback"
    assert staff.get(page_url).status_code == 302
    staff.force_login(person("eigen", "lab-editor", lab=lab))
    page = staff.get(page_url, **EN).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; zu laut" in page and "<img src=x" not in page
    assert '<svg role="img" aria-label="QR code of the feedback link http://127.0.0.1:8000/f/' in page
    assert short_url in page and "1 answer" in page
    answer = FeedbackAnswer.objects.get()
    assert staff.post(page_url, {"answer": answer.pk, "quoted": "1"}).status_code == 302
    assert ClosingReport.objects.get(event=event).quotes == ["<img src=x onerror=alert(1)> zu laut"]
    shown = client.get(f"/events/{event.uuid}", **EN).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; zu laut" in shown and "<img src=x" not in shown
    assert staff.post(page_url, {"answer": "abc", "quoted": "1"}).status_code == 404
    print_page = staff.get(f"{page_url}/print", **EN).content.decode()
    assert "<svg" in print_page and short_url in print_page


def test_another_labs_editor_reads_no_feedback(client, event, second_lab, person):
    client.force_login(person("fremd", "lab-editor", lab=second_lab))
    assert client.get(f"/staff/events/{event.uuid}/feedback").status_code == 403
    assert client.get(f"/staff/events/{event.uuid}/feedback/print").status_code == 403


def test_the_staff_type_in_a_paper_card_and_a_wrong_one_says_why(client, lab, event, person):
    client.force_login(person("eigen", "lab-editor", lab=lab))
    page_url = f"/staff/events/{event.uuid}/feedback"
    wrong = client.post(page_url, {"paper-rating": "7", "paper-text": "x"}, **EN)
    assert wrong.status_code == 400 and 'href="#id_paper-rating"' in wrong.content.decode()
    assert client.post(page_url, {"paper-rating": "3", "paper-text": "Zu kalt im Saal"}).status_code == 302
    assert list(FeedbackAnswer.objects.values_list("rating", "text")) == [(3, "Zu kalt im Saal")]
