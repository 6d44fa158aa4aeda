"""The catalog and the event list run a bounded number of queries, whatever the page size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from methods.models import MethodCard
from tests.web.content import network_content

pytestmark = pytest.mark.django_db

MANY = 120
QUERY_BOUND = 14
# The catalog counts two facets more (tried in N labs, worked with a group) and reads the change log's
# head for its kept pages (web.kept).
CATALOG_QUERY_BOUND = QUERY_BOUND + 3


@pytest.fixture
def many_items(lab):
    """Many mirrored methods and events from two remote nodes, spread over their labs."""
    network = network_content()
    labs = [network.citylab, network.citizenlab]
    start = timezone.now() + timedelta(days=1)
    MethodCard.objects.bulk_create(
        MethodCard(
            iri=f"{labs[n % 2].origin.base_url}/methods/m{n}", origin=labs[n % 2].origin, lab=labs[n % 2],
            slug=f"m{n}", title=f"Methode {n:03}", summary="Kurz", phase="erkunden",
            target_groups=["general-public"], duration_min=30, group_size_min=2, group_size_max=8,
        )
        for n in range(MANY)
    )
    Event.objects.bulk_create(
        Event(
            iri=f"{labs[n % 2].origin.base_url}/events/e{n}", origin=labs[n % 2].origin, lab=labs[n % 2],
            title=f"Veranstaltung {n:03}", start=start + timedelta(hours=n), end=start + timedelta(hours=n + 1),
            place_name="Rathaus", accessibility_features=["step-free-access"],
        )
        for n in range(MANY)
    )


@pytest.mark.parametrize("per_page", [12, 96])
def test_catalog_queries_do_not_grow_with_the_page_size(client, many_items, django_assert_max_num_queries, per_page):
    with django_assert_max_num_queries(CATALOG_QUERY_BOUND):
        response = client.get("/methods/", {"per_page": per_page, "target_group": "general-public"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="card method-card"') == per_page


@pytest.mark.parametrize("per_page", [12, 96])
def test_event_list_queries_do_not_grow_with_the_page_size(client, many_items, django_assert_max_num_queries, per_page):
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get("/events/", {"per_page": per_page, "accessibility": "step-free-access"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="card event-card') == per_page


@pytest.mark.parametrize("path", ["/", "/network/", "/labs/"])
def test_overview_pages_run_a_bounded_number_of_queries(client, many_items, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(QUERY_BOUND):
        assert client.get(path).status_code == 200
