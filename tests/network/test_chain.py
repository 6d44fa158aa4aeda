"""Scenarios 1 to 3: a chain of nodes relays items with their origin's proof; late joiners backfill."""

from __future__ import annotations

import pytest

from federation.proofs import verify
from hub.multikey import decode_public_key
from tests.network.harness import wait_for


def proof_verifies(document: dict, origin_key: str) -> None:
    public = decode_public_key(origin_key)
    verify(document, lambda url: public)


@pytest.fixture(scope="module")
def chain(module_network):
    """A–B–C peered by invitations (A with B, B with C), each with its Celery worker, for this module."""
    a = module_network("Zukunftswerk Wiesbaden", "Wiesbaden", worker=True)
    b = module_network("CitizenLab Mönchengladbach", "Mönchengladbach", worker=True)
    c = module_network("CityLAB Berlin", "Berlin", worker=True)
    b.join(a)
    c.join(b)
    return a, b, c


def test_an_item_created_on_a_reaches_c_through_b_with_as_proof_intact(chain):
    a, b, c = chain
    iri = a.create_method("Zukunftstheater")
    document = wait_for(lambda: c.served(iri), timeout=90, what="the method reaching C through B")
    assert document == a.served(iri) == a.document(iri)
    a_key = a.python("import json; from hub.models import Node; print(json.dumps(Node.objects.get(is_local=True).public_key_multibase))")
    proof_verifies(document, a_key)
    assert document["proof"]["verificationMethod"] == a.iri + "#key-1"
    pinned_on_c = c.python(f"import json; from hub.models import Node; print(json.dumps(Node.objects.get(iri={a.iri!r}).public_key_multibase))")
    assert pinned_on_c == a_key
    title = c.python(f"import json; from methods.models import MethodCard; print(json.dumps(MethodCard.objects.get(iri={iri!r}).title))")
    assert title == "Zukunftstheater"


def test_updates_and_deletes_propagate_and_a_late_old_copy_resurrects_nothing(chain, network):
    a, b, c = chain
    stale = network("Stadtlabor Altstadt", "Altstadt")  # no worker: it pulls only when told to
    stale.join(a)
    iri = a.create_method("Persona-Werkstatt")
    stale.sync()
    assert stale.holdings()[iri] == [1, False]
    a.update_method(iri, summary="Zweite Fassung")
    wait_for(lambda: c.version_of(iri) == (2, False), timeout=90, what="version 2 on C")
    assert c.served(iri)["description"] == "Zweite Fassung"
    a.delete_method(iri)
    wait_for(lambda: c.version_of(iri) == (3, True), timeout=90, what="the tombstone on C")

    c.join(stale)  # a second path to C, which still offers version 1
    report = c.sync()
    assert "Stadtlabor Altstadt" in c.manage("peer", "list").stdout
    assert c.holdings()[iri] == [3, True], report
    exists = c.python(
        f"import json; from methods.models import MethodCard; print(json.dumps(MethodCard.objects.filter(iri={iri!r}).exists()))"
    )
    assert exists is False


def test_a_node_that_joins_late_backfills_the_whole_network_from_one_peer(chain, network):
    a, b, c = chain
    iris = [a.create_method(f"Methode A{n}") for n in range(3)] + [c.create_method("Methode C")]
    wait_for(lambda: all(b.version_of(iri) for iri in iris), timeout=90, what="B holding everything")
    d = network("Quartierslabor Spät", "Spätstadt")
    d.join(b)
    report = d.sync()
    holdings = d.holdings()
    # D pins each origin's key from the origin itself: what B relays of a node that has stopped since
    # (the stale node of the test before) waits, held, until that node can be reached.
    alive = (a.base_url + "/", b.base_url + "/", c.base_url + "/")
    expected = {iri: v for iri, v in b.holdings().items() if iri.startswith(alive)}
    assert {iri: holdings.get(iri) for iri in expected} == expected, report
