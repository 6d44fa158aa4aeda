"""A peer's events with dates no lab can mean (the year 17, a year-long event) are refused with a reason.

A real node pulls from a server of the test's own that signs its events properly; the sync report names
each refused event and why, and the node neither stores nor serves it. The sound event beside them is
mirrored.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from events.models import Event
from federation.codecs import to_document
from hub.models import Node
from tests.network.fakes import FakeNode


@pytest.fixture
def peer():
    """A peer that serves whatever events the test signs, until the test ends."""
    fake = FakeNode("Zeitlabor", "Nirgendwo")
    yield fake
    fake.close()


def event_of(peer: FakeNode, title: str, start: datetime, end: datetime) -> dict:
    """A signed event of the peer's own lab."""
    uid = str(uuid.uuid4())
    event = Event(
        iri=f"{peer.base_url}/events/{uid}", uuid=uid, origin=Node(iri=peer.iri), title=title, start=start, end=end,
        timezone="Europe/Berlin", attendance_mode="in-person", place_name="Rathaus", lab_id=peer.lab_iri,
        date_created=datetime(2026, 1, 1, tzinfo=UTC), date_modified=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return peer.sign(to_document(event))


def test_mirrored_events_in_the_year_17_or_a_year_long_are_rejected_with_a_reason(network, peer):
    node = network("Zukunftswerk Wiesbaden", "Wiesbaden", start=False)
    node.manage("peer", "join", peer.invitation())
    antique = event_of(peer, "Antike", datetime(17, 1, 1, 0, 1, 1, tzinfo=UTC), datetime(2026, 3, 4, 20, tzinfo=UTC))
    endless = event_of(peer, "Endlos", datetime(2027, 3, 4, 18, tzinfo=UTC), datetime(2028, 3, 4, 18, tzinfo=UTC))
    sound = event_of(peer, "Reparaturcafé", datetime(2027, 3, 4, 18, tzinfo=UTC), datetime(2027, 3, 4, 21, tzinfo=UTC))
    peer.feed = [peer.descriptor(), peer.lab(), antique, endless, sound]

    result = node.manage("sync", check=False)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    reasons = dict(re.findall(r"^  rejected (\S+): (.*)$", report, flags=re.MULTILINE))
    assert set(reasons) == {antique["id"], endless["id"]}, report
    assert re.search(r"\bstart: .*2000.*2100", reasons[antique["id"]]), reasons[antique["id"]]
    assert re.search(r"\bend: .*\b8\b", reasons[endless["id"]]), reasons[endless["id"]]
    holdings = node.holdings()
    assert antique["id"] not in holdings and endless["id"] not in holdings
    assert holdings[sound["id"]] == [1, False]
    assert timedelta(weeks=8) < datetime(2028, 3, 4, tzinfo=UTC) - datetime(2027, 3, 4, tzinfo=UTC)
