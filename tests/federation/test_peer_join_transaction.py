"""The joining side's OAuth application exists only together with its peer (issue 11, finding 11).

An application that is not a peer's gets the scopes of scripts (``read write``): if the joining node
stored the application it offers before the other node answered, a crash at that moment would leave
credentials the other node holds and that read network-only items. So nothing is stored until the
answer is in, and then the application and the peer are written in one transaction.
"""

from __future__ import annotations

import pytest
from oauth2_provider.models import Application

from federation.models import Peer
from federation.peering import peer_join
from hub.roles import SYSTEM
from tests.network.fakes import FakeNode

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def inviter():
    node = FakeNode("Einladungslabor", "Einladestadt")
    yield node
    node.close()


def test_no_application_is_stored_while_the_other_node_answers_the_join(node, inviter):
    stored_during_join = []
    inviter.on_join = lambda body: stored_during_join.append(
        Application.objects.filter(client_id=body["client_id"]).exists()
    )
    peer = peer_join(actor=SYSTEM, invitation=inviter.invitation())
    assert stored_during_join == [False]
    assert peer.application.client_id == inviter.joins[0]["client_id"]
    assert peer.application.client_secret != inviter.joins[0]["client_secret"]  # stored hashed


def test_a_refused_join_leaves_no_application(node, inviter):
    inviter.switch("error")
    with pytest.raises(Exception):  # noqa: B017 (the peer answered 500: an http or peering error)
        peer_join(actor=SYSTEM, invitation=inviter.invitation())
    assert not Application.objects.exists() and not Peer.objects.exists()
