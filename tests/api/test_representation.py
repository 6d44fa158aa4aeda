"""Method cards and events are written out by hand for speed; they must read exactly as Django REST
framework's generic serialisation of the declared fields would write them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from api.serializers import EventOutputSerializer, MethodOutputSerializer
from events.selectors import events_listed
from methods.selectors import methods_listed
from tests.api.factories import START, make_event, make_method, mirrored_event, mirrored_method

pytestmark = pytest.mark.django_db


def generic(serializer_class, item) -> dict:
    """The declared fields, field by field, as ModelSerializer writes them."""
    return serializers.ModelSerializer.to_representation(serializer_class(), item)


def assert_same(serializer_class, items) -> None:
    assert items
    for item in items:
        by_hand, by_fields = serializer_class(item).data, generic(serializer_class, item)
        assert list(by_hand) == list(by_fields)  # same keys in the same order
        assert by_hand == by_fields
        assert JSONRenderer().render(by_hand) == JSONRenderer().render(by_fields)


def test_method_cards_read_as_the_declared_fields_would(lab, remote_lab):
    make_method(lab, title="Zukunftstheater", steps=[{"title": "Einladen", "text": "Wen?"}, {"title": "Spielen"}],
                materials=["Karten", "Stifte"], roles=["Moderation"], target_groups=["older-people"],
                keywords=["Theater"], duration_min=60, duration_max=90, difficulty="low",
                group_size_min=4, group_size_max=12, source="https://example.org/handbuch")
    make_method(lab, title="Persona Workshop", language="en", visibility="network", body="**Personas**")
    mirrored_method(remote_lab, slug="ohne-labor", title="Ohne Labor")
    mirrored_method(remote_lab, slug="fern", title="Fernmethode", based_on=f"{lab.origin.base_url}/methods/x")
    remote_lab.delete()  # a mirrored card whose lab is not known here shows no lab
    assert_same(MethodOutputSerializer, list(methods_listed(include_network=True)))


def test_events_read_as_the_declared_fields_would(lab, remote_lab):
    make_event(lab, title="Offene Werkstatt", latitude=Decimal("52.520008"), longitude=Decimal("13.404954"),
               target_groups=["general-public", "older-people"], languages=["de", "en"], accessibility_features=["step-free-access", "hearing-loop"],
               capacity=20, registration="required", registration_url="https://example.org/anmeldung",
               keywords=["Werkstatt"])
    make_event(lab, title="Online-Sprechstunde", timezone="America/New_York", attendance_mode="online",
               place_name="", online_url="https://example.org/raum", start=START + timedelta(days=200),
               end=START + timedelta(days=200, hours=1))
    mirrored_event(remote_lab, title="Fernfest")
    assert_same(EventOutputSerializer, list(events_listed(include_network=True)))


def test_times_follow_the_active_time_zone_and_language_as_before(lab):
    make_method(lab)
    with translation.override("en"):
        assert_same(MethodOutputSerializer, list(methods_listed(include_network=False)))
