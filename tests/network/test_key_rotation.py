"""Key rotation across live nodes (protocol section 3): A rotates its key; B, its peer, and C, which knows
A only through B's relay, both follow A's descriptor's proof chain, keep A's old items (signed by the
retired key) and accept A's new ones. A forged rotation, a new key for A signed by nothing but itself,
relayed by a dishonest peer, is refused by both and reported; their pins stay.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from federation.codecs import DescribedKey, node_to_document
from hub.models import Node
from tests.network.fakes import FakeNode, method_document


@pytest.fixture
def dishonest():
    fake = FakeNode("Schattenlabor", "Nirgendwo")
    yield fake
    fake.close()


def pin_of(node, iri: str) -> dict:
    """How ``node`` holds the key of the node ``iri``: key, key id, source, and the statuses of its key history."""
    return node.python(
        "import json; from hub.models import Node; from federation.models import NodeKey, KeyPin\n"
        f"n = Node.objects.get(iri={iri!r})\n"
        "print(json.dumps({'key': n.public_key_multibase, 'key_id': n.key_id,"
        " 'source': KeyPin.objects.get(node=n).source,"
        " 'history': dict(NodeKey.objects.filter(node=n).values_list('key_id', 'status'))}))"
    )


def forged_rotation(forger: FakeNode, a, a_key: str) -> tuple[dict, dict]:
    """A descriptor for A naming the forger's key as A's new key (A's real key as retired), signed only by the
    forger's key, and a method card of A's signed with it."""
    forged_id = a.iri + "#key-3"
    node = Node(iri=a.iri, name="Zukunftswerk Wiesbaden", city="Wiesbaden", version=99,
                public_key_multibase=forger.public_key, date_modified=datetime(2026, 12, 1, tzinfo=UTC))
    keys = [DescribedKey(id=forged_id, key=forger.public_key),
            DescribedKey(id=a.iri + "#key-2", key=a_key, retired=datetime(2026, 12, 1, tzinfo=UTC))]
    descriptor = forger.sign(node_to_document(node, [], keys), verification_method=forged_id)
    item = forger.sign(method_document(a.base_url, "Übernommen"), verification_method=forged_id)
    return descriptor, item


def rejections(report: str) -> dict[str, str]:
    return dict(re.findall(r"^  rejected (\S+): (.*)$", report, flags=re.MULTILINE))


def test_a_rotation_reaches_peers_and_relayed_nodes_and_a_forged_one_is_refused(network, dishonest):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = network("CitizenLab Mönchengladbach", "Mönchengladbach")
    c = network("CityLAB Berlin", "Berlin")
    forger = dishonest
    old = a.create_method("Kiezspaziergang")
    b.join(a)
    c.join(b)  # C and A never peer: C knows A through B
    for node in (b, c):
        node.manage("peer", "join", forger.invitation())  # a peer that relays nothing yet
        node.sync()
    assert c.served(old) == a.served(old)  # C pinned A from A's own descriptor, as always

    rotated = a.manage("rotate_key", "--yes").stdout
    assert f"this node signs with {a.iri}#key-2" in rotated
    new = a.create_method("Ideenwand")
    a_key = a.served(a.iri + ".well-known/stadtlabor")["verificationMethod"][0]
    assert a_key["id"] == a.iri + "#key-2"
    forged_descriptor, forged_item = forged_rotation(forger, a, a_key["publicKeyMultibase"])
    forger.feed = [forger.descriptor(), forged_descriptor, forged_item]

    for node in (b, c):  # each pulls the forgery from the dishonest peer, and A's rotation from A or through B
        report = node.sync()
        found = rejections(report)
        assert "conflicts with the key pinned for this node" in found[a.iri], report
        assert f"proof not verified against the key of {a.iri}" in found[forged_item["id"]], report
        assert found.keys() == {a.iri, forged_item["id"]}, report
        pin = pin_of(node, a.iri)
        assert (pin["key"], pin["key_id"], pin["source"]) == (a_key["publicKeyMultibase"], a_key["id"], "rotation")
        assert pin["history"] == {a.iri + "#key-1": "retired", a.iri + "#key-2": "current"}
        assert node.served(old) == a.served(old)  # still signed by #key-1, as A signed it
        assert node.served(old)["proof"]["verificationMethod"] == a.iri + "#key-1"
        assert node.served(new) == a.served(new)
        assert node.served(new)["proof"]["verificationMethod"] == a.iri + "#key-2"
        assert node.served(forged_item["id"]) is None
