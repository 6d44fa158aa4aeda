"""A dishonest peer claims a city this node has not met: it relays a descriptor of its own making for
that city's IRI and items "of" that city signed with its own key. The node must not pin that key,
must not show or serve the forged items, and once it reaches the real city it holds that city's
genuine items only (protocol section 3: keys are pinned only from their origin).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from federation.codecs import key_id, node_to_document
from hub.models import Node
from tests.network.fakes import FakeNode, method_document
from tests.network.harness import wait_for


@pytest.fixture
def dishonest():
    """M: a peer that relays whatever it likes."""
    fake = FakeNode("Schattenlabor", "Nirgendwo")
    yield fake
    fake.close()


def rejections(report: str) -> dict[str, str]:
    """The ``rejected ID: REASON`` lines of a sync report, by id."""
    return dict(re.findall(r"^  rejected (\S+): (.*)$", report, flags=re.MULTILINE))


def pinned_key(node, iri: str) -> str | None:
    """The key ``node`` has pinned for the node ``iri``, or None."""
    return node.python(
        "import json; from hub.models import Node; "
        f"print(json.dumps(Node.objects.filter(iri={iri!r}).values_list('public_key_multibase', flat=True).first()))"
    )


def forged_descriptor(forger: FakeNode, city_iri: str) -> dict:
    """A descriptor for ``city_iri`` naming the forger's key, signed as that city's key: self-consistent."""
    node = Node(iri=city_iri, name="CityLAB Berlin", city="Berlin", public_key_multibase=forger.public_key,
                version=1, date_modified=datetime(2026, 1, 1, tzinfo=UTC))
    return forger.sign(node_to_document(node, [city_iri + "labs/citylab"]), verification_method=key_id(city_iri))


def test_a_peer_cannot_claim_a_city_the_node_has_not_met(network, dishonest):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    c = network("CityLAB Berlin", "Berlin", start=False)  # its address is known; nothing answers there yet
    genuine = c.create_method("Kiezspaziergang")
    c_key = c.python("import json; from hub.models import Node; print(json.dumps(Node.objects.get(is_local=True).public_key_multibase))")

    a.manage("peer", "join", dishonest.invitation())
    forged = dishonest.sign(method_document(c.base_url, "Untergeschoben"), verification_method=key_id(c.iri))
    unsigned = {name: value for name, value in c.document(genuine).items() if name != "proof"}
    forged_update = dishonest.sign({**unsigned, "name": "Übernommen", "version": 2}, verification_method=key_id(c.iri))
    dishonest.feed = [dishonest.descriptor(), dishonest.lab(), forged_descriptor(dishonest, c.iri), forged, forged_update]

    report = a.sync()
    assert pinned_key(a, c.iri) is None, report
    assert a.served(forged["id"]) is None and a.served(genuine) is None
    holdings = a.holdings()
    assert c.iri not in holdings and forged["id"] not in holdings and genuine not in holdings  # nothing relayed on
    assert re.search(rf"^{re.escape(dishonest.base_url)}: ok in .*, 2 applied, 0 unchanged, 3 held, 0 rejected$",
                     report, flags=re.MULTILINE), report
    waiting = a.manage("peer", "keys").stdout
    assert f"{c.iri} is not pinned: 3 documents held" in waiting, waiting

    c.start()
    b = network("CitizenLab Mönchengladbach", "Mönchengladbach")
    b.join(c)
    b.sync()
    a.join(b)
    due = "from federation.models import HeldDocument; from django.utils import timezone; " \
          "print(int(not HeldDocument.objects.filter(next_attempt_at__gt=timezone.now()).exists()))"
    wait_for(lambda: a.python(due), timeout=30, what="the held documents' next attempt")  # backoff after C was down
    report = a.sync()

    assert pinned_key(a, c.iri) == c_key, report
    assert a.served(genuine) == c.served(genuine)
    assert a.served(genuine)["name"] == "Kiezspaziergang"
    assert a.served(forged["id"]) is None
    reasons = rejections(report)
    assert f"proof not verified against the key of {c.iri}" in reasons[forged["id"]], report
    assert f"proof not verified against the key of {c.iri}" in reasons[genuine], report  # the forged version 2
    assert a.holdings()[genuine] == [1, False]
    assert a.python("from federation.models import HeldDocument; print(HeldDocument.objects.count())") == 0
    keys = a.manage("peer", "keys").stdout
    assert re.search(rf"^{re.escape(c.iri)} CityLAB Berlin \(Berlin\)$", keys, flags=re.MULTILINE), keys
    assert f"key {c_key}" in keys and "pinned from the descriptor fetched from the origin itself" in keys
