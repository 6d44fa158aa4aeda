"""Calendars built from mirrored text: whatever a peer puts in a title, no line of the .ics breaks out."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from tests.api.factories import mirrored_event

pytestmark = pytest.mark.django_db

# What a dishonest peer writes into an event: every line break, and iCalendar's own separators.
HOSTILE = "Fest\rX-INJECTED:cr\nBEGIN:VALARM\r\nTRIGGER:-PT1M\r\nEND:VALARM; Eintritt, frei \\ ja"
PROPERTY_LINE = re.compile(rb"^[A-Z][A-Z0-9-]*[;:]")


def content_lines(body: bytes) -> list[bytes]:
    """The content lines of an iCalendar body: split at CRLF, folded lines joined back (RFC 5545 §3.1)."""
    assert body.endswith(b"\r\n")
    lines: list[bytes] = []
    for line in body[:-2].split(b"\r\n"):
        if line.startswith((b" ", b"\t")):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def assert_no_line_spills(body: bytes) -> None:
    """Every line is one property; no CR or LF hides inside one, and nothing the peer wrote starts a line."""
    for line in content_lines(body):
        assert b"\r" not in line and b"\n" not in line, line
        assert PROPERTY_LINE.match(line), line
        assert not line.startswith((b"X-INJECTED", b"TRIGGER", b"BEGIN:VALARM", b"END:VALARM")), line


@pytest.fixture
def hostile_event(node, remote_lab):
    return mirrored_event(remote_lab, title=HOSTILE, description=HOSTILE, place_name=HOSTILE, place_address=HOSTILE)


def test_a_mirrored_title_with_line_breaks_gives_a_well_formed_event_ics(client, hostile_event):
    response = client.get(f"/events/{hostile_event.uuid}.ics")
    assert response.status_code == 200, response.content[:500]
    assert_no_line_spills(response.content)
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert not vevent.walk("VALARM")
    summary = str(vevent["SUMMARY"])
    assert summary.startswith("Fest") and summary.endswith("; Eintritt, frei \\ ja")
    assert str(vevent["DESCRIPTION"]).endswith("frei \\ ja")


def test_the_calendar_name_is_escaped_and_one_line(client, hostile_event):
    body = client.get(f"/events/{hostile_event.uuid}", HTTP_ACCEPT="text/calendar").content
    assert_no_line_spills(body)
    [name] = [line for line in content_lines(body) if line.startswith(b"X-WR-CALNAME:")]
    assert name == b"X-WR-CALNAME:Fest X-INJECTED:cr BEGIN:VALARM TRIGGER:-PT1M END:VALARM\\; Eintritt\\, frei \\\\ ja"


def test_the_whole_calendar_holds_hostile_mirrored_text_in_its_properties(client, hostile_event):
    response = client.get("/events.ics")
    assert response.status_code == 200
    assert_no_line_spills(response.content)
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["UID"]) == hostile_event.iri and not vevent.walk("VALARM")


def test_a_carriage_return_alone_does_not_go_out_raw_in_the_calendar_name(client, node, remote_lab):
    event = mirrored_event(remote_lab, title="Fest\rX-INJECTED:cr")
    response = client.get(f"/events/{event.uuid}.ics")
    assert response.status_code == 200
    assert_no_line_spills(response.content)
    assert b"X-WR-CALNAME:Fest X-INJECTED:cr\r\n" in response.content
