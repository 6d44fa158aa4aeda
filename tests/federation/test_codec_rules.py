"""The codecs' checks that were made cheaper for the mirror keep refusing exactly what they refused.

``is_http_iri`` scans ASCII strings with ``str`` methods instead of a loop over the characters; the
cross-field rules run the model's ``clean`` on an instance made without ``Model.__init__``; the
controlled lists are sets made once. Each is compared here with what it replaced.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from events.models import Event
from federation.codecs import DocumentError, from_document, to_document
from federation.codecs.methods import method_to_document
from federation.codecs.shape import MAX_IRI, is_http_iri
from hub.models import Node
from methods.models import MethodCard

BASE = "http://127.0.0.1:8001"
ORIGIN = Node(iri=BASE + "/", name="Zukunftswerk", city="Wiesbaden", public_key_multibase="z6Mk")
START = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)


def is_http_iri_before(value: object, max_length: int = MAX_IRI) -> bool:
    """The check as it was written first: one Python test per character."""
    if not isinstance(value, str) or len(value) > max_length or any(c.isspace() or c < " " or c == "\x7f" for c in value):
        return False
    try:
        parts = urlsplit(value)
        return parts.scheme in {"http", "https"} and bool(parts.hostname)
    except ValueError:
        return False


iri_characters = st.sampled_from(
    list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x7f\x85\xa0\u1680\u2000\u2028\u2029\u200b\u3000\ufeffüé/:?#[]@.-_~%")
) | st.characters(blacklist_categories=("Cs",))


@hypothesis_settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(["http://a.example/", "https://lab.example", "ftp://a.example/", "http://", "", "http://[::1"]),
       rest=st.text(iri_characters, max_size=12))
def test_iri_check_refuses_and_accepts_what_it_did(prefix, rest):
    value = prefix + rest
    assert is_http_iri(value) == is_http_iri_before(value)
    assert is_http_iri(value, 20) == is_http_iri_before(value, 20)


@pytest.mark.parametrize("character", [" ", "\t", "\n", "\x00", "\x1f", "\x7f", "\x85", "\xa0", "\u2028", "\u3000"])
def test_iris_with_whitespace_or_control_characters_are_refused(character):
    assert not is_http_iri(f"http://a.example/x{character}y")
    assert is_http_iri_before(f"http://a.example/x{character}y") is False


def test_iris_with_other_characters_are_accepted():
    for value in ("http://a.example/ü", "https://a.example/\u200b", "http://a.example/a?b=c#d"):
        assert is_http_iri(value) and is_http_iri_before(value)


def method_document(**fields) -> dict:
    values = {
        "iri": f"{BASE}/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f", "origin": ORIGIN, "title": "Zukunftstheater",
        "slug": "8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f", "summary": "Szenen spielen", "phase": "entwerfen",
        "lab_id": f"{BASE}/labs/zukunftswerk", "date_created": START, "date_modified": START,
    }
    return method_to_document(MethodCard(**(values | fields)), steps=[])


def event_document(**fields) -> dict:
    values = {
        "iri": f"{BASE}/events/0f6e8a2c-5b1d-4e3f-9a7b-2c4d6e8f0a1b", "origin": ORIGIN, "title": "Zukunftstheater",
        "start": START, "end": START + timedelta(hours=2), "timezone": "Europe/Berlin", "attendance_mode": "in-person",
        "place_name": "Luisenforum", "lab_id": f"{BASE}/labs/zukunftswerk", "date_created": START, "date_modified": START,
    }
    return to_document(Event(**(values | fields)))


def reasons_of(model: type, fields: dict) -> str:
    """What ``model(**fields).clean()`` says, as ``raise_if_inconsistent`` words it."""
    try:
        model(**fields).clean()
    except Exception as error:  # noqa: BLE001 - the ValidationError is what is compared
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return ""


@pytest.mark.parametrize(
    ("document", "model", "fields"),
    [
        (lambda: method_document(duration_min=60, duration_max=30), MethodCard, {"duration_min": 60, "duration_max": 30}),
        (lambda: method_document(group_size_min=9, group_size_max=3), MethodCard, {"group_size_min": 9, "group_size_max": 3}),
        (lambda: method_document(duration_min=60, duration_max=30, group_size_min=9, group_size_max=3), MethodCard,
         {"duration_min": 60, "duration_max": 30, "group_size_min": 9, "group_size_max": 3}),
        (lambda: event_document(place_name=""), Event, {"attendance_mode": "in-person"}),
        (lambda: event_document(attendance_mode="hybrid"), Event, {"attendance_mode": "hybrid", "place_name": "Luisenforum"}),
        (lambda: event_document(registration="required"), Event, {"registration": "required", "place_name": "Luisenforum"}),
        (lambda: event_document(attendance_mode="online", place_name="", online_url="https://meet.example.org/r",
                                registration="required"), Event,
         {"attendance_mode": "online", "online_url": "https://meet.example.org/r", "registration": "required"}),
    ],
)
def test_inconsistent_documents_are_refused_with_the_models_reasons(document, model, fields):
    expected = reasons_of(model, fields)
    assert expected
    with pytest.raises(DocumentError) as refused:
        from_document(document())
    assert str(refused.value) == f"the document is inconsistent: {expected}"


def test_consistent_documents_pass_and_a_refusal_leaves_nothing_behind():
    assert from_document(method_document(duration_min=30, duration_max=60)).fields["duration_max"] == 60
    assert from_document(event_document()).fields["place_name"] == "Luisenforum"
    with pytest.raises(DocumentError):
        from_document(method_document(duration_min=60, duration_max=30))
    assert from_document(method_document(duration_min=None, duration_max=5)).fields["duration_min"] is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(phase="träumen"), "document.phase must be one of "),
        (lambda d: d.update(difficulty="leicht-ish"), "document.difficulty must be one of "),
        (lambda d: d.update(license="CC0"), "document.license must be one of "),
        (lambda d: d.update(targetGroup=["kinder", "kinder"]), "document.targetGroup must be a list of distinct values from: "),
        (lambda d: d.update(visibility="draft"), "document.visibility must be one of network, public"),
    ],
)
def test_controlled_lists_name_every_allowed_value_in_order(change, reason):
    document = method_document()
    change(document)
    with pytest.raises(DocumentError, match=re.escape(reason)) as refused:
        from_document(document)
    listed = str(refused.value).split(": ", 1)[-1] if "from: " in str(refused.value) else str(refused.value).split("one of ", 1)[1]
    assert listed.split(", ") == sorted(listed.split(", "))
