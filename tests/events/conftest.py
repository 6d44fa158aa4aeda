"""Fixtures of the event tests."""

from __future__ import annotations

import pytest

from events.models import Event
from tests.events.factories import seated_event


@pytest.fixture
def event(lab) -> Event:
    """A published event with 20 seats that people register for on this node."""
    return seated_event(lab)
