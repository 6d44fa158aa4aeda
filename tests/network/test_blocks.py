"""Block and allow (protocol §8) with live nodes: A peers with B and C, B with C, and A blocks C.

A must then hold and serve nothing of C's, refuse C's token, refuse the copies of C's items that B
relays, and take C's items back through the usual sync once the block is lifted. A node in allow-list
mode takes nothing relayed from an origin it does not allow. A block list is taken only from a peer
whose pinned key signed it, and its entries wait for an administrator's confirmation.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from federation.codecs import key_id
from federation.proofs import sign_jcs
from hub.multikey import generate_key
from tests.network.fakes import FakeNode


def rejections(report: str) -> dict[str, str]:
    """The ``rejected ID: REASON`` lines of a sync report, by id."""
    return dict(re.findall(r"^  rejected (\S+): (.*)$", report, flags=re.MULTILINE))


def fetch(url: str, token: str) -> tuple[int, dict]:
    """GET with a bearer token: the status and the JSON answer."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def token_at(holder, other) -> str:
    """The federation token ``holder`` uses to pull from ``other`` (fetched now if it has none)."""
    return holder.python(
        f"""
        import json
        from federation.models import Peer
        from federation.sync.pull import token_for
        print(json.dumps(token_for(Peer.objects.select_related("node").get(node__iri={other.iri!r}))))
        """
    )


def of(node, holdings: dict) -> set[str]:
    return {iri for iri in holdings if iri.startswith(node.base_url + "/")}


@pytest.fixture(scope="module")
def blocked(module_network):
    """A, B and C with items each, fully synced; then A blocks C and C and B carry on."""
    a = module_network("Zukunftswerk Wiesbaden", "Wiesbaden")
    b = module_network("CitizenLab Mönchengladbach", "Mönchengladbach", start=False)
    b.environment["HUB_BLOCKLIST_PUBLISH"] = "1"  # B coordinates: it publishes its block list
    b.start()
    c = module_network("Schattenlabor Spamhausen", "Spamhausen")
    a.join(b)
    a.join(c)
    b.join(c)
    before = c.create_method("Werbeveranstaltung")
    b.create_method("Stadtteilspaziergang")
    b.sync()
    c.sync()  # C now holds a token of A's
    a.sync()
    assert before in a.holdings()
    c_token = token_at(c, a)
    blocking = a.manage("peer", "block", c.base_url, "--reason", "Verbreitet Werbung").stdout
    after = c.create_method("Noch mehr Werbung")
    b.sync()
    report = a.sync()
    return {"a": a, "b": b, "c": c, "before": before, "after": after, "c_token": c_token,
            "blocking": blocking, "report": report}


def test_blocking_reports_what_it_removed(blocked):
    assert re.search(r"Blocked http://127\.0\.0\.1:\d+/: removed \d+ document\(s\) \(.*1 method cards", blocked["blocking"])


def test_the_blocking_node_holds_nothing_of_the_blocked_origin(blocked):
    a, c = blocked["a"], blocked["c"]
    assert of(c, a.holdings()) == set()
    assert a.served(blocked["before"]) is None  # its page answers 404


def test_the_blocking_nodes_feed_serves_nothing_of_the_blocked_origin(blocked):
    a, b, c = blocked["a"], blocked["b"], blocked["c"]
    status, page = fetch(f"{a.base_url}/api/federation/feed?after=0&limit=500", token_at(b, a))
    assert status == 200 and page["orderedItems"]
    assert [item["id"] for item in page["orderedItems"] if item["id"].startswith(c.base_url)] == []


def test_the_blocked_nodes_token_gets_403_saying_it_is_blocked(blocked):
    a, c = blocked["a"], blocked["c"]
    status, problem = fetch(f"{a.base_url}/api/federation/feed?after=0", blocked["c_token"])
    assert status == 403 and problem["detail"] == f"This node has blocked the node {c.iri}: it serves it nothing."


def test_copies_of_the_blocked_origins_items_relayed_by_a_peer_are_rejected(blocked):
    a, c, report = blocked["a"], blocked["c"], blocked["report"]
    assert rejections(report)[blocked["after"]] == "origin blocked"
    assert f"{c.base_url}: not pulled, origin blocked" in report
    assert "PAUSED, origin blocked" in a.manage("peer", "list").stdout


def test_a_node_in_allowlist_mode_takes_nothing_relayed_from_an_origin_it_does_not_allow(blocked, network):
    b, c = blocked["b"], blocked["c"]
    d = network("Quartierslabor Vorsicht", "Vorsicht", start=False)
    d.environment["HUB_FEDERATION_MODE"] = "allowlist"
    d.start()
    d.manage("peer", "allow", b.base_url)
    d.join(b)
    report = d.sync()
    held = d.holdings()
    assert of(c, held) == set() and of(b, held)
    assert rejections(report)[blocked["before"]] == "origin not on the allow list"


def test_a_block_list_not_signed_by_the_coordinators_pinned_key_is_refused(blocked):
    from federation.codecs.blocklists import BlockListEntry, blocklist_to_document

    a, now = blocked["a"], datetime.now(UTC)
    fake = FakeNode("Falsche Koordination", "Nirgendwo")
    try:
        a.manage("peer", "join", fake.invitation())
        path = "/api/federation/blocklist"
        document = blocklist_to_document(
            iri=fake.base_url + path, origin=fake.iri, date_modified=now,
            entries=[BlockListEntry(origin=blocked["b"].iri, reason="Erfunden", date=now)],
        )
        fake.documents[path] = sign_jcs(document, generate_key(), key_id(fake.iri))  # another key, its key id
        refused = a.manage("peer", "subscribe-blocks", fake.base_url, check=False)
        assert refused.returncode != 0
        assert "is not signed by the key pinned for that node" in refused.stderr
        assert "Proposed" in a.manage("peer", "blocks", "--proposed").stdout
        assert blocked["b"].iri not in a.manage("peer", "blocks", "--proposed").stdout
        stranger = a.manage("peer", "subscribe-blocks", "http://127.0.0.1:9", check=False)
        assert stranger.returncode != 0 and "only a peer whose key this node has pinned" in stranger.stderr
    finally:
        a.manage("peer", "remove", fake.base_url, check=False)
        fake.close()


def test_unblocking_lets_the_origins_items_come_back_through_sync(blocked):
    a, c = blocked["a"], blocked["c"]
    assert "Unblocked" in a.manage("peer", "unblock", c.base_url).stdout
    a.sync()
    held = a.holdings()
    assert {blocked["before"], blocked["after"], c.iri} <= of(c, held)


def test_a_coordinators_block_list_entries_stay_proposed_until_confirmed(blocked):
    a, b, c = blocked["a"], blocked["b"], blocked["c"]
    b.manage("peer", "block", c.base_url, "--reason", "Werbung im ganzen Netz")
    subscribed = a.manage("peer", "subscribe-blocks", b.base_url).stdout
    assert f"1 new entry proposed, applied only once confirmed: {c.iri}" in subscribed
    assert "Werbung im ganzen Netz" in a.manage("peer", "blocks", "--proposed").stdout
    newest = c.create_method("Werbung, vorgeschlagen")
    a.sync()
    assert newest in a.holdings()  # a proposal refuses nothing
    a.manage("peer", "block", c.base_url, "--confirm")
    assert of(c, a.holdings()) == set()
    assert "Werbung im ganzen Netz" in a.manage("peer", "blocks").stdout

