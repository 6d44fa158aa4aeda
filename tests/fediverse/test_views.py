"""WebFinger, NodeInfo, actors, outboxes and objects over HTTP: public items of public labs, nothing else."""

from __future__ import annotations

import pytest

from fediverse.documents.collections import PAGE_SIZE
from hub.choices import Visibility
from hub.models import Lab
from hub.roles import SYSTEM
from methods.services import method_create
from tests.events.factories import seated_event

pytestmark = pytest.mark.django_db


def test_webfinger_finds_a_public_lab_by_its_account(client, public_lab, settings):
    response = client.get("/.well-known/webfinger", {"resource": f"acct:{public_lab.slug}@127.0.0.1:8000"})
    assert response.status_code == 200 and response["Content-Type"] == "application/jrd+json"
    links = {link["rel"]: link["href"] for link in response.json()["links"]}
    assert links["self"] == f"{settings.HUB_BASE_URL}/ap/labs/{public_lab.slug}"


@pytest.mark.parametrize("resource", ["acct:testlabor-teststadt@elsewhere.example", "acct:nobody@127.0.0.1:8000", "https://x.example/"])
def test_webfinger_knows_no_other_account(client, public_lab, resource):
    assert client.get("/.well-known/webfinger", {"resource": resource}).status_code == 404


@pytest.mark.parametrize("visibility", [Visibility.NETWORK, Visibility.DRAFT])
def test_a_lab_that_is_not_public_is_no_actor(client, public_lab, visibility):
    Lab.objects.filter(pk=public_lab.pk).update(visibility=visibility)
    assert client.get("/.well-known/webfinger", {"resource": f"acct:{public_lab.slug}@127.0.0.1:8000"}).status_code == 404
    for path in ("", "/outbox", "/followers", "/icon.png"):
        assert client.get(f"/ap/labs/{public_lab.slug}{path}").status_code == 404


def test_nodeinfo_names_activitypub_and_counts_public_labs(client, public_lab):
    links = client.get("/.well-known/nodeinfo").json()["links"]
    document = client.get(links[-1]["href"].removeprefix("http://127.0.0.1:8000")).json()
    assert document["version"] == "2.1" and document["protocols"] == ["activitypub"]
    assert document["usage"]["users"]["total"] == 1 and document["openRegistrations"] is False


def test_the_actor_answers_activity_json_and_sends_browsers_to_the_lab_page(client, public_lab):
    response = client.get(f"/ap/labs/{public_lab.slug}", HTTP_ACCEPT="application/activity+json")
    assert response["Content-Type"] == "application/activity+json" and response.json()["type"] == "Organization"
    browser = client.get(f"/ap/labs/{public_lab.slug}", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert browser.status_code == 302 and browser["Location"].endswith(f"/labs/{public_lab.slug}")
    assert client.get(f"/ap/labs/{public_lab.slug}/icon.png").content.startswith(b"\x89PNG")


def test_the_outbox_holds_public_events_and_methods_newest_first_paged(client, public_lab):
    for number in range(PAGE_SIZE):
        seated_event(public_lab, title=f"Veranstaltung {number}")
    method_create(actor=SYSTEM, title="Neueste Methode", summary="S", phase="erkunden", lab=public_lab, steps=[{"title": "A"}])
    seated_event(public_lab, title="Netzwerkintern", visibility=Visibility.NETWORK)
    seated_event(public_lab, title="Entwurf", visibility=Visibility.DRAFT)
    outbox = client.get(f"/ap/labs/{public_lab.slug}/outbox").json()
    assert (outbox["type"], outbox["totalItems"]) == ("OrderedCollection", PAGE_SIZE + 1)
    first = client.get(f"/ap/labs/{public_lab.slug}/outbox", {"page": 1}).json()
    assert first["type"] == "OrderedCollectionPage" and len(first["orderedItems"]) == PAGE_SIZE
    assert first["orderedItems"][0]["object"]["name"] == "Neueste Methode"
    assert first["orderedItems"][1]["object"]["name"] == f"Veranstaltung {PAGE_SIZE - 1}"
    second = client.get(f"/ap/labs/{public_lab.slug}/outbox", {"page": 2}).json()
    names = [item["object"]["name"] for item in first["orderedItems"] + second["orderedItems"]]
    assert "Netzwerkintern" not in names and "Entwurf" not in names and len(names) == PAGE_SIZE + 1
    assert client.get(f"/ap/labs/{public_lab.slug}/outbox", {"page": 3}).status_code == 404


def test_only_public_items_are_objects(client, public_lab):
    public = seated_event(public_lab)
    network = seated_event(public_lab, visibility=Visibility.NETWORK)
    draft = seated_event(public_lab, visibility=Visibility.DRAFT)
    assert client.get(f"/ap/events/{public.uuid}").json()["type"] == "Event"
    assert client.get(f"/ap/events/{network.uuid}").status_code == 404
    assert client.get(f"/ap/events/{draft.uuid}").status_code == 404


def test_the_followers_collection_counts_but_names_nobody(client, public_lab):
    document = client.get(f"/ap/labs/{public_lab.slug}/followers").json()
    assert document == {"@context": document["@context"], "id": document["id"], "type": "OrderedCollection", "totalItems": 0}


def test_the_fediverse_face_can_be_switched_off(client, public_lab, settings):
    settings.HUB_FEDIVERSE = False
    assert client.get(f"/ap/labs/{public_lab.slug}").status_code == 404
    assert client.get("/.well-known/webfinger", {"resource": f"acct:{public_lab.slug}@127.0.0.1:8000"}).status_code == 404
