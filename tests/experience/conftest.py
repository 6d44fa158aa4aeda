"""Fixtures of the experience tests: a report about a method of the network, written as a lab's staff write it."""

from __future__ import annotations

from datetime import date

import pytest

from experience.services import experience_report_create
from hub.roles import SYSTEM

METHOD = "http://127.0.0.1:8999/methods/8d1f0c4e-2f0a-4c47-9d7e-3a1b2c3d4e5f"
OTHER_METHOD = "http://127.0.0.1:8999/methods/5a7c2e10-9b3d-4f6a-8c1e-0d2b4f6a8c1e"


@pytest.fixture
def write(lab):
    """Write a report of this node's first lab (any field can be given), as the system acting."""

    def make(actor=SYSTEM, **fields):
        values = {
            "lab": lab, "method_iri": METHOD, "date": date(2026, 11, 12), "participants": 18,
            "target_groups": ["older-people", "general-public"], "fit": 4, "staircase_step": 3,
            "worked": "Kleine Gruppen, viel Zeit zum Erzählen.", "adapted": "Nur eine Runde statt zwei.",
            "watch_out": "Sitzgelegenheiten unterwegs einplanen.", "time_needed": 120,
        }
        return experience_report_create(actor=actor, **(values | fields))

    return make


@pytest.fixture
def report(write):
    """One published report about ``METHOD``."""
    return write()
