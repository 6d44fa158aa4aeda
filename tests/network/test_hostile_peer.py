"""Scenario 4: a hostile peer. A real node peers with a server of the test's own and pulls one page of
good and bad documents; every bad one is refused with a reason, the good ones are mirrored, nothing is
fetched from addresses the documents name, and the key pinned for another node stays as it was. A peer
whose feed never ends is reported, not followed.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from federation.codecs import key_id
from tests.network.fakes import ConnectionCounter, FakeNode, HostileFeed, method_document

SCRIPT = '<script>alert("gekapert")</script>'


@pytest.fixture
def hostile():
    """The hostile peer (and nothing else) answering on a port of its own until the test ends."""
    fake = FakeNode("Schattenlabor", "Nirgendwo")
    yield fake
    fake.close()


@pytest.fixture
def listener():
    """An address named in a document that nobody should ever contact."""
    counter = ConnectionCounter()
    yield counter
    counter.close()


def pinned_key(node, iri: str) -> str:
    """The key ``node`` has pinned for the node ``iri``."""
    return node.python(
        f"import json; from hub.models import Node; print(json.dumps(Node.objects.get(iri={iri!r}).public_key_multibase))"
    )


def rejections(report: str) -> dict[str, str]:
    """The ``rejected ID: REASON`` lines of a sync report, by id."""
    return dict(re.findall(r"^  rejected (\S+): (.*)$", report, flags=re.MULTILINE))


def page_html(node, iri: str) -> str:
    """The HTML page the node shows a visitor for a method card."""
    request = urllib.request.Request(node.base_url + "/methods/" + iri.rsplit("/", 1)[1], headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def test_a_hostile_peers_bad_documents_are_refused_with_reasons_and_its_good_ones_mirrored(network, hostile, listener):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = network("CityLAB Berlin", "Berlin")
    a.join(b)
    b_key = b.served(b.base_url + "/.well-known/stadtlabor")["verificationMethod"][0]["publicKeyMultibase"]
    assert pinned_key(a, b.iri) == b_key
    b_method = b.create_method("Stadtspaziergang")
    a.manage("sync", "--peer", b.base_url)
    assert a.version_of(b_method) == (1, False)

    joined = a.manage("peer", "join", hostile.invitation()).stdout
    assert f"Peered with Schattenlabor (Nirgendwo) at {hostile.base_url}" in joined
    assert hostile.joins and hostile.joins[0]["node"] == a.base_url

    good = hostile.method("Zukunftswerkstatt")
    scripted = hostile.method("Skriptfalle", summary=SCRIPT)
    claims_b = hostile.sign(method_document(b.base_url, "Untergeschoben"), verification_method=key_id(b.iri))
    deletes_b = hostile.sign({"@context": good["@context"], "id": b_method, "type": "Tombstone",
                              "formerType": "MethodCard", "version": 2, "deleted": "2026-02-01T00:00:00+00:00"})
    tampered = hostile.method("Echt")
    tampered["name"] = "Nachträglich geändert"
    takes_b_key = hostile.descriptor(iri=b.iri, name="Gekapertes Labor", version=2)  # newer than what A holds
    remote_context = hostile.method("Fremder Kontext")
    remote_context["@context"] = [*good["@context"], listener.url + "/context.jsonld"]
    remote_key = hostile.sign(method_document(hostile.base_url, "Fremder Schlüssel"),
                              verification_method=listener.url + "/key")
    oversized = hostile.method("Riesig", body="x" * 300_000)
    wrong_type = hostile.method("Person")
    wrong_type["type"] = "Person"
    too_deep = hostile.method("Verschachtelt")
    too_deep["keywords"] = [[[[[[[[[[[[["tief"]]]]]]]]]]]]]
    hostile.feed = [
        hostile.descriptor(), hostile.lab(), good, claims_b, deletes_b, tampered, takes_b_key, remote_context,
        remote_key, oversized, wrong_type, too_deep, 42, scripted,
    ]

    result = a.manage("sync", check=False)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report  # refused documents do not make the sync fail
    assert re.search(rf"^{re.escape(hostile.base_url)}: ok in .*, 2 page\(s\), 4 applied, 0 unchanged, 10 rejected$",
                     report, flags=re.MULTILINE), report
    reasons = rejections(report)
    assert f"proof not verified against the key of {b.iri}: the signature does not match" in reasons[claims_b["id"]]
    assert f"proof not verified against the key of {b.iri}" in reasons[b_method]
    assert f"proof not verified against the key of {hostile.iri}" in reasons[tampered["id"]]
    assert "signature does not match" in reasons[tampered["id"]]
    assert "conflicts with the key pinned for this node" in reasons[b.iri]
    assert "@context must be" in reasons[remote_context["id"]]
    assert f"unknown verification method '{listener.url}/key'" in reasons[remote_key["id"]]
    assert "the limit is 262144" in reasons[oversized["id"]]
    assert "unknown type 'Person'" in reasons[wrong_type["id"]]
    assert "nested deeper than 12 levels" in reasons[too_deep["id"]]
    assert "must be a JSON object" in reasons["42"]
    assert len(reasons) == 10, report

    assert listener.connections == 0
    assert pinned_key(a, b.iri) == b_key
    assert pinned_key(a, hostile.iri) == hostile.public_key
    peers = a.manage("peer", "list").stdout
    assert f"CityLAB Berlin (Berlin) {b.base_url}" in peers and "Gekapert" not in peers
    assert a.version_of(b_method) == (1, False)
    assert a.served(b_method)["name"] == "Stadtspaziergang"
    assert a.served(claims_b["id"]) is None
    holdings = a.holdings()
    assert holdings[hostile.lab_iri] == holdings[good["id"]] == holdings[scripted["id"]] == [1, False]
    assert holdings[b.iri] == [1, False]
    for refused in (tampered, remote_context, remote_key, oversized, wrong_type, too_deep):
        assert a.served(refused["id"]) is None

    assert a.served(scripted["id"]) == scripted  # stored and relayed exactly as its origin signed it
    html = page_html(a, scripted["id"])
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;gekapert&quot;)&lt;/script&gt;" in html
    assert hostile.served("/api/federation/feed") == 2  # its page, then the empty one after it


@pytest.fixture
def endless():
    """A peer whose feed goes on with empty pages that each link to a next one."""
    fake = HostileFeed("empty")
    yield fake
    fake.close()


def test_a_peer_whose_feed_never_ends_is_reported_and_not_followed(network, endless):
    a = network("Zukunftswerk Wiesbaden", "Wiesbaden")
    a.manage("peer", "join", endless.invitation())

    result = a.manage("sync", check=False)
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    assert re.search(rf"^{re.escape(endless.base_url)}: FAILED in .*, 1 page\(s\), 3 applied", report, re.MULTILINE), report
    assert "error: the peer's feed sent an empty page with a next link; an empty page ends the walk" in report
    assert endless.served("/api/federation/feed") == 2
    assert a.holdings()[endless.lab_iri] == [1, False]  # the honest first page stays applied
