"""Events people register for on this node, and their registrations, for the tests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from events.models import Event, Registration
from events.registrations.services import registration_confirm, registration_request
from events.registrations.tokens import token_derive
from events.services import event_create
from hub.roles import SYSTEM


def seated_event(lab, **fields) -> Event:
    """A published event in ten days with 20 seats that people register for on this node."""
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)
    values = {
        "title": "Zukunftswerkstatt Nordstadt", "start": start, "end": start + timedelta(hours=3),
        "place_name": "Stadtteilbüro Nordstadt", "place_address": "Marktstraße 5, 65183 Wiesbaden", "lab": lab,
        "registration": "node", "capacity": 20, "accessibility_features": ["step-free-access", "hearing-loop"],
    }
    return event_create(actor=SYSTEM, **(values | fields))


def token_of(registration: Registration) -> str:
    """The token in the registration's links, as the node derives it."""
    return token_derive(registration.uuid, secret=settings.SECRET_KEY)


def registered(event: Event, number: int, *, confirm: bool = True, **fields) -> Registration:
    """Person ``number`` registered through the services, and confirmed unless ``confirm`` is false."""
    values = {"name": f"Person {number}", "email": f"person{number}@example.org", "consent": True} | fields
    registration = registration_request(event=event, **values)
    return registration_confirm(registration=registration) if confirm else registration


def past_event(lab, *, days_ago: int = 3, **fields) -> Event:
    """A published event of this node that ended ``days_ago`` days ago (people registered elsewhere or not at all)."""
    start = timezone.now().replace(microsecond=0) - timedelta(days=days_ago, hours=3)
    values = {
        "title": "Kiezspaziergang Nordstadt", "start": start, "end": start + timedelta(hours=2),
        "place_name": "Nachbarschaftstreff", "lab": lab, "target_groups": ["older-people"],
    }
    return event_create(actor=SYSTEM, **(values | fields))


def checked_in(event: Event, number: int, **fields) -> Registration:
    """Person ``number`` registered, confirmed and checked in at the door."""
    from events.registrations.services import registration_check_in

    registration = registered(event, number, **fields)
    return registration_check_in(event=event, code=registration.code, actor=SYSTEM)
