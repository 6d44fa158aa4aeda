"""Request rates count the real client: a reader cannot claim a new address for every request."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": "3/min", "client": "5/min"}}


def test_a_forged_x_forwarded_for_does_not_give_a_fresh_rate(anonymous, node, low_rates):
    """A client that reaches the node directly (not through the trusted proxy) names no address but its own."""
    statuses = [anonymous.get("/api/labs/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code
                for number in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_the_trusted_proxy_each_client_has_its_own_rate(anonymous, node, low_rates):
    """nginx on this machine (loopback, trusted by default) writes the client's address into X-Forwarded-For."""
    first = [anonymous.get("/api/labs/", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]
    assert anonymous.get("/api/labs/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200


def test_a_client_behind_the_proxy_cannot_prepend_an_address_of_its_own(anonymous, node, low_rates):
    """nginx appends to what the client sent; only the hop the trusted proxy wrote counts."""
    statuses = [anonymous.get("/api/labs/", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.1").status_code
                for number in range(4)]
    assert statuses == [200, 200, 200, 429]
