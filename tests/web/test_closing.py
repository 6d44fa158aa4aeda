"""The staff's closing report page and the published report on the event's page."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from events.closing.services import closing_report_write
from events.models import ClosingReport, Event
from hub.roles import SYSTEM
from tests.api.factories import make_method, mirrored_event
from tests.events.factories import checked_in, past_event, seated_event

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FORM = {
    "attendees": "17", "target_groups_reached": ["older-people"], "contributions_count": "5",
    "contributions": "Fünf Ideen", "report": "Es regnete, aber alle kamen.", "staircase_step": "3",
    "staircase_evidence": "Die Gruppe trifft sich wieder.", "published": "on",
}


@pytest.fixture
def editor(client, lab, person):
    client.force_login(person("eigen", "lab-editor", lab=lab))
    return client


def text_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.content.decode()[:3000]
    return response.content.decode()


def test_the_form_starts_with_the_people_checked_in_and_saves_a_published_report(editor, lab):
    method = make_method(lab, title="Kiezspaziergang")
    event = seated_event(lab, method_iris=[method.iri])
    checked_in(event, 1), checked_in(event, 2)
    Event.objects.filter(pk=event.pk).update(start=event.start.replace(year=2025), end=event.end.replace(year=2025))
    page = text_of(editor.get(f"/staff/events/{event.uuid}/closing-report", **EN))
    assert 'name="attendees" value="2"' in page and f'value="{method.iri}"' in page and "Kiezspaziergang" in page
    assert "<legend>Highest step reached on the impact staircase" in page and "4. Awareness or skills changed (outcome)" in page
    response = editor.post(f"/staff/events/{event.uuid}/closing-report", FORM | {"method_iris": [method.iri]}, **EN)
    assert response.status_code == 302
    report = ClosingReport.objects.get(event=event)
    assert (report.attendees, report.staircase_step, report.published, report.method_iris) == (17, 3, True, [method.iri])
    saved = text_of(editor.get(response["Location"], **EN))
    link = f'/staff/experience-reports/new?method={quote(method.iri, safe="")}&amp;event={quote(event.iri, safe="")}'
    assert link in saved and "Write an experience report" in saved


def test_wrong_values_come_back_with_their_errors_and_nothing_is_saved(editor, lab):
    event = past_event(lab)
    url = f"/staff/events/{event.uuid}/closing-report"
    page = text_of(editor.post(url, FORM | {"attendees": "-3", "staircase_step": "9", "staircase_evidence": "",
                                            "more_methods": "javascript:alert(1)"}, **EN), 400)
    assert 'class="error-summary"' in page and "9 is not one of the available choices" in page
    assert "greater than or equal to 0" in page
    assert "is no web address" in page and not ClosingReport.objects.exists()
    page = text_of(editor.post(url, FORM | {"staircase_evidence": ""}, **EN), 400)
    assert "Say in a line what shows that this step was reached." in page and not ClosingReport.objects.exists()


def test_the_report_waits_for_the_end_of_the_event(editor, lab):
    event = seated_event(lab)
    page = text_of(editor.get(f"/staff/events/{event.uuid}/closing-report", **EN))
    assert "once the event is over" in page and "<form method=\"post\" novalidate" not in page
    assert editor.post(f"/staff/events/{event.uuid}/closing-report", FORM).status_code == 200
    assert not ClosingReport.objects.exists()


def test_only_the_events_lab_writes_its_report(client, lab, second_lab, person, remote_lab):
    event = past_event(lab)
    url = f"/staff/events/{event.uuid}/closing-report"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(person("fremd", "lab-editor", lab=second_lab))
    assert client.get(url).status_code == 403 and client.post(url, FORM).status_code == 403
    client.force_login(person("koordination", "coordinator"))
    assert client.get(url).status_code == 403
    client.force_login(person("eigen", "lab-editor", lab=lab))
    assert client.get(f"/staff/events/{mirrored_event(remote_lab).uuid}/closing-report").status_code == 404
    assert not ClosingReport.objects.exists()


def test_saving_needs_the_csrf_token(lab, person):
    event = past_event(lab)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person("eigen", "lab-editor", lab=lab))
    assert client.post(f"/staff/events/{event.uuid}/closing-report", FORM).status_code == 403
    assert not ClosingReport.objects.exists()


def test_the_event_page_shows_a_published_report_escaped_and_no_draft(client, lab):
    event = past_event(lab)
    written = {"attendees": 17, "staircase_step": 4, "staircase_evidence": "<b>Sechs</b> nutzen es",
               "report": "<script>alert('x')</script>\nZweite Zeile", "target_groups_reached": ["older-people"]}
    closing_report_write(event=event, actor=SYSTEM, published=False, **written)
    assert "What came of it" not in text_of(client.get(f"/events/{event.uuid}", **EN))
    closing_report_write(event=event, actor=SYSTEM, published=True)
    page = text_of(client.get(f"/events/{event.uuid}", **EN))
    assert "What came of it" in page and "<dd>17</dd>" in page and "Older people" in page
    assert "4. Awareness or skills changed" in page and "outcome" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>Zweite Zeile" in page and "<script>alert" not in page
    assert "&lt;b&gt;Sechs&lt;/b&gt;" in page and "No participant has answered yet." in page


def test_a_mirrored_events_report_shows_on_its_page(client, node, remote_lab):
    event = mirrored_event(remote_lab)
    ClosingReport.objects.create(event=event, attendees=40, staircase_step=2, staircase_evidence="Viele Ältere",
                                 feedback_ratings=[0, 0, 1, 2, 3], quotes=["Toll!"], published=True,
                                 date_published=event.start)
    page = text_of(client.get(f"/events/{event.uuid}", **EN))
    assert "<dd>40</dd>" in page and "6 answers" in page and "Toll!" in page and "Very satisfied" in page


def test_the_event_page_offers_the_labs_staff_the_closing_report_once_the_event_is_over(editor, lab):
    over, upcoming = past_event(lab), seated_event(lab)
    page = text_of(editor.get(f"/events/{over.uuid}", **EN))
    assert f'href="/staff/events/{over.uuid}/closing-report"' in page and f'href="/staff/events/{over.uuid}/feedback"' in page
    page = text_of(editor.get(f"/events/{upcoming.uuid}", **EN))
    assert "/closing-report" not in page and f'href="/staff/events/{upcoming.uuid}/feedback"' in page
