"""Closing reports and feedback over the API: who reads and writes them, their shapes, problems and scopes."""

from __future__ import annotations

import pytest

from events.closing.feedback import feedback_from_visit, feedback_visit_new
from events.closing.services import closing_report_write
from events.models import ClosingReport, FeedbackAnswer
from hub.problems import PROBLEM_CONTENT_TYPE
from hub.roles import SYSTEM
from tests.api.factories import mirrored_event, token_client
from tests.events.factories import past_event, seated_event

pytestmark = pytest.mark.django_db
METHOD = "https://hub.berlin.example/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f"
REPORT = {
    "attendees": 21, "target_groups_reached": ["older-people"], "contributions_count": 4, "contributions": "Vier Ideen",
    "method_iris": [METHOD], "report": "Gut besucht.", "staircase_step": 3, "staircase_evidence": "Sie kommen wieder.",
    "published": True,
}


@pytest.fixture
def event(lab):
    return past_event(lab)


@pytest.fixture
def editor(lab, person):
    return token_client(person("eigen", "lab-editor", lab=lab), "read write")


def url(event, rest: str = "closing-report/") -> str:
    return f"/api/events/{event.uuid}/{rest}"


def test_the_labs_editor_writes_the_report_and_everyone_reads_it_once_published(editor, anonymous, event):
    created = editor.put(url(event), REPORT | {"published": False}, format="json")
    assert created.status_code == 201 and created.json()["published"] is False
    assert anonymous.get(url(event)).status_code == 404
    assert editor.get(url(event)).json()["attendees"] == 21  # the lab's own staff read the draft
    changed = editor.patch(url(event), {"published": True, "attendees": 22}, format="json")
    assert changed.status_code == 200
    body = anonymous.get(url(event)).json()
    assert (body["event"], body["attendees"], body["staircase_step"], body["staircase_level"]) == (event.iri, 22, 3, "output")
    assert body["method_iris"] == [METHOD] and body["feedback"] == {
        "answers": 0, "ratings": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}, "mean": None, "quotes": []}
    assert body["date_published"] and ClosingReport.objects.get().published


@pytest.mark.parametrize(("client_name", "status"), [("anonymous", 401), ("reader", 403)])
def test_writing_needs_scope_write(request, event, client_name, status):
    response = request.getfixturevalue(client_name).put(url(event), REPORT, format="json")
    assert response.status_code == status and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert not ClosingReport.objects.exists()


def test_another_labs_editor_and_a_coordinator_are_refused(event, second_lab, person):
    for client in (token_client(person("fremd", "lab-editor", lab=second_lab), "read write"),
                   token_client(person("koordination", "coordinator"), "read")):
        response = client.put(url(event), REPORT, format="json")
        assert response.status_code == 403 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert not ClosingReport.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"attendees": -1}, "attendees"), ({"attendees": "21"}, "attendees"), ({"attendees": True}, "attendees"),
    ({"staircase_step": 8}, "staircase_step"), ({"target_groups_reached": ["aliens"]}, "target_groups_reached"),
    ({"method_iris": ["javascript:alert(1)"]}, "method_iris"), ({"method_iris": [METHOD] * 21}, "method_iris"),
    ({"report": "x" * 5001}, "report"), ({"staircase_evidence": ""}, "staircase_evidence"),
    ({"feedback_ratings": [9, 9, 9, 9, 9]}, "feedback_ratings"), ({"quotes": ["erfunden"]}, "quotes"),
    ({"published": "yes"}, "published"),
])
def test_wrong_input_is_a_problem_naming_the_field(editor, event, change, field):
    response = editor.put(url(event), REPORT | change, format="json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert any(name.split(".")[0] == field for name in response.json()["errors"]) and not ClosingReport.objects.exists()


def test_a_report_before_the_end_or_for_a_mirrored_event_is_refused(editor, lab, node, remote_lab):
    upcoming = seated_event(lab)
    response = editor.put(url(upcoming), REPORT, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "once the event is over" in response.json()["detail"]
    assert response.json()["errors"] == {"end": [response.json()["detail"]]}
    assert editor.put(url(mirrored_event(remote_lab)), REPORT, format="json").status_code == 403
    assert editor.put("/api/events/00000000-0000-0000-0000-000000000000/closing-report/", REPORT,
                      format="json").status_code == 404


def test_a_mirrored_events_published_report_is_read_like_any(anonymous, node, remote_lab):
    event = mirrored_event(remote_lab)
    ClosingReport.objects.create(event=event, attendees=40, staircase_step=6, staircase_evidence="Neue Bank",
                                 feedback_ratings=[0, 0, 0, 1, 1], quotes=["Super"], published=True,
                                 date_published=event.start)
    body = anonymous.get(url(event)).json()
    assert body["staircase_level"] == "outcome" and body["feedback"]["answers"] == 2 and body["feedback"]["mean"] == 4.5
    assert anonymous.get(url(event, "feedback/")).json()["quotes"] == ["Super"]


def test_feedback_figures_for_readers_and_the_texts_for_the_labs_staff(editor, anonymous, reader, event):
    closing_report_write(event=event, actor=SYSTEM, attendees=10, staircase_step=1, published=True)
    for rating, text in [(5, "Gern wieder"), (2, "Zu eng im Raum")]:
        feedback_from_visit(event=event, visit=feedback_visit_new(event), rating=rating, text=text)
    public = anonymous.get(url(event, "feedback/")).json()
    assert public["answers"] == 2 and public["ratings"]["5"] == 1 and "answers_given" not in public
    assert "Zu eng" not in str(public) and "answers_given" not in reader.get(url(event, "feedback/")).json()
    staff = editor.get(url(event, "feedback/"))
    assert "no-store" in staff["Cache-Control"]
    assert [(answer["rating"], answer["text"], answer["quoted"]) for answer in staff.json()["answers_given"]] == [
        (5, "Gern wieder", False), (2, "Zu eng im Raum", False)]
    first = FeedbackAnswer.objects.order_by("pk").first()
    quoted = editor.patch(url(event, f"feedback/{first.pk}/"), {"quoted": True}, format="json")
    assert quoted.status_code == 200 and quoted.json()["quoted"] is True
    assert anonymous.get(url(event, "feedback/")).json()["quotes"] == ["Gern wieder"]
    assert anonymous.patch(url(event, f"feedback/{first.pk}/"), {"quoted": False}, format="json").status_code == 401
    assert editor.patch(url(event, "feedback/999999/"), {"quoted": True}, format="json").status_code == 404
    assert editor.patch(url(event, f"feedback/{first.pk}/"), {"quoted": True, "text": "x"}, format="json").status_code == 400


def test_no_feedback_figures_without_a_published_report(anonymous, event):
    response = anonymous.get(url(event, "feedback/"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and "no published closing report" in response.json()["detail"]
