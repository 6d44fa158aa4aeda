"""Reading the catalogue: lists and details of every type, visibility, drafts, pages and query counts."""

import pytest

from hub.models import Lab, Node
from tests.api.factories import (
    make_event,
    make_method,
    mirrored_event,
    mirrored_method,
    peer_client,
    results,
    titles,
)


@pytest.mark.django_db
def test_method_detail_shows_identity_origin_lab_and_steps_in_order(anonymous, lab, node, settings):
    method = make_method(lab, steps=[{"title": "Einladen", "text": "Wen?"}, {"title": "Skizzieren"}])
    body = anonymous.get(f"/api/methods/{method.uuid}/").json()
    assert body["iri"] == f"{settings.HUB_BASE_URL}/methods/{method.uuid}"
    assert body["origin"] == {"iri": node.iri, "name": node.name, "city": node.city}
    assert body["lab"] == {"iri": lab.iri, "name": lab.name, "city": lab.city}
    assert (body["is_local"], body["version"], body["visibility"]) == (True, 1, "public")
    assert [(step["position"], step["title"]) for step in body["steps"]] == [(1, "Einladen"), (2, "Skizzieren")]
    assert body["date_modified"].endswith("+01:00") or body["date_modified"].endswith("+02:00")


@pytest.mark.django_db
def test_method_list_holds_local_and_mirrored_cards_by_title(anonymous, lab, remote_lab):
    make_method(lab, title="Zukunftstheater")
    mirrored_method(remote_lab)
    body = anonymous.get("/api/methods/").json()
    assert body["count"] == 2
    assert [(item["title"], item["is_local"]) for item in body["results"]] == [
        ("Stadtspaziergang", False), ("Zukunftstheater", True)
    ]
    assert body["results"][0]["origin"]["city"] == "Fernstadt"


@pytest.mark.django_db
def test_a_mirrored_method_whose_lab_is_unknown_here_shows_no_lab(anonymous, remote_lab):
    method = mirrored_method(remote_lab)
    remote_lab.delete()
    assert anonymous.get(f"/api/methods/{method.uuid}/").json()["lab"] is None
    assert results(anonymous.get("/api/methods/"))[0]["lab"] is None


@pytest.mark.django_db
def test_event_times_carry_the_offset_of_the_events_own_zone(anonymous, lab):
    event = make_event(lab, timezone="America/New_York")
    body = anonymous.get(f"/api/events/{event.uuid}/").json()
    assert body["timezone"] == "America/New_York"
    assert body["start"] == "2027-03-04T12:00:00-05:00"
    assert body["end"] == "2027-03-04T14:00:00-05:00"
    assert body["lab"]["iri"] == lab.iri and body["is_local"] is True


@pytest.mark.django_db
def test_event_list_holds_local_and_mirrored_events(anonymous, lab, remote_lab):
    make_event(lab)
    mirrored_event(remote_lab)
    assert sorted(titles(anonymous.get("/api/events/"))) == ["Fernfest", "Offene Werkstatt"]


@pytest.mark.django_db
def test_labs_are_listed_and_shown_by_their_id(anonymous, lab, remote_lab):
    assert [item["iri"] for item in results(anonymous.get("/api/labs/"))] == [remote_lab.iri, lab.iri]
    body = anonymous.get(f"/api/labs/{remote_lab.pk}/").json()
    assert (body["id"], body["slug"], body["is_local"]) == (remote_lab.pk, "fernlabor", False)
    assert body["origin"]["iri"] == remote_lab.origin.iri


@pytest.mark.django_db
def test_a_lab_is_found_by_its_iri(anonymous, lab, remote_lab):
    found = results(anonymous.get("/api/labs/", {"iri": remote_lab.iri}))
    assert [item["id"] for item in found] == [remote_lab.pk]


@pytest.mark.django_db
def test_nodes_list_this_node_and_pinned_ones(anonymous, node, remote_node):
    nodes = results(anonymous.get("/api/nodes/"))
    assert {(item["iri"], item["is_local"]) for item in nodes} == {(node.iri, True), (remote_node.iri, False)}
    assert all(item["public_key_multibase"].startswith("z6Mk") for item in nodes)


@pytest.mark.django_db
def test_anonymous_readers_see_public_items_only(anonymous, lab, remote_lab):
    make_method(lab, title="Öffentlich")
    hidden = make_method(lab, title="Nur im Netzwerk", visibility="network")
    make_event(lab, visibility="network")
    Lab.objects.filter(pk=remote_lab.pk).update(visibility="network")
    assert titles(anonymous.get("/api/methods/")) == ["Öffentlich"]
    assert anonymous.get(f"/api/methods/{hidden.uuid}/").status_code == 404
    assert results(anonymous.get("/api/events/")) == []
    assert [item["slug"] for item in results(anonymous.get("/api/labs/"))] == [lab.slug]


@pytest.mark.django_db
def test_a_token_with_scope_read_sees_network_items(reader, lab):
    network = make_method(lab, title="Nur im Netzwerk", visibility="network")
    assert titles(reader.get("/api/methods/")) == ["Nur im Netzwerk"]
    assert reader.get(f"/api/methods/{network.uuid}/").status_code == 200


@pytest.mark.django_db
def test_a_peers_federation_token_sees_network_items(lab):
    make_event(lab, visibility="network")
    assert len(results(peer_client().get("/api/events/"))) == 1


@pytest.mark.django_db
def test_a_staff_login_sees_network_items_and_other_logins_do_not(client, staff, django_user_model, lab):
    make_method(lab, visibility="network")
    client.force_login(staff)
    assert len(client.get("/api/methods/").json()["results"]) == 1
    client.force_login(django_user_model.objects.create_user("besuch", password="ein-langes-passwort"))
    assert client.get("/api/methods/").json()["results"] == []


@pytest.mark.django_db
def test_drafts_appear_to_nobody(reader, lab):
    draft = make_method(lab, visibility="draft")
    make_event(lab, visibility="draft")
    assert results(reader.get("/api/methods/")) == []
    assert results(reader.get("/api/events/")) == []
    assert reader.get(f"/api/methods/{draft.uuid}/").status_code == 404


@pytest.mark.django_db
def test_page_size_is_twenty_by_default_and_capped_at_a_hundred(anonymous, lab):
    for number in range(105):
        make_method(lab, title=f"Methode {number:03}")
    assert len(results(anonymous.get("/api/methods/"))) == 20
    assert len(results(anonymous.get("/api/methods/", {"page_size": 7}))) == 7
    capped = anonymous.get("/api/methods/", {"page_size": 1000}).json()
    assert (capped["count"], len(capped["results"])) == (105, 100)
    assert len(results(anonymous.get("/api/methods/", {"page_size": 100, "page": 2}))) == 5


@pytest.fixture
def catalog(lab, remote_lab, remote_node):
    """At least fifty items of every type, local and mirrored, the methods with steps."""
    for number in range(25):
        make_method(lab, title=f"Methode {number}", steps=[{"title": "Eins"}, {"title": "Zwei"}])
        mirrored_method(remote_lab, slug=f"fern-{number}").steps.create(position=1, title="Los")
        make_event(lab, title=f"Termin {number}")
        mirrored_event(remote_lab, slug=f"fern-{number}")
    for number in range(50):
        Lab.objects.create(
            iri=f"{remote_node.base_url}/labs/l{number}", origin=remote_node, slug=f"l{number}", name="L", city="C"
        )
        Node.objects.create(iri=f"http://10.0.0.{number}/", name=f"Knoten {number}", city="C", public_key_multibase="z")


@pytest.mark.django_db
def test_a_page_of_5_and_of_50_items_take_the_same_few_queries(reader, catalog, django_assert_max_num_queries):
    # the token with its user and application, its owner's roles, the change log's head (for the kept
    # pages), the count, the page, and the steps of the methods on it
    for path in ("/api/methods/", "/api/events/", "/api/labs/", "/api/nodes/"):
        for size in (5, 50):
            with django_assert_max_num_queries(6):
                assert len(results(reader.get(path, {"page_size": size}))) == size
