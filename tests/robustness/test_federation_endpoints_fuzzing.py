"""The peering endpoints under garbage: join, nudge, the feed and the relayed descriptor.

Whatever the body, headers, token or query, and whatever descriptor the joining node serves, the
answer is never a server error, and every refusal is ``application/problem+json`` with a detail.
"""

from __future__ import annotations

import secrets
import socket
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauth2_provider.models import AccessToken, Application, set_token_value

from federation.models import Peer
from federation.peering import InvitationContent, invitation_read, peer_invite
from hub.models import Node
from hub.roles import SYSTEM
from tests.network.fakes import FakeNode
from tests.robustness.documents import EDGE_TEXTS, damaged, json_values, resigned

FUZZING = settings(max_examples=120, deadline=None, database=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large, HealthCheck.large_base_example])
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def problem_or_success(response) -> None:
    """Never a server error; every refusal is problem details saying why."""
    assert response.status_code < 500, (response.status_code, response.content[:500])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
        assert orjson.loads(response.content)["detail"]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Host names other than loopback do not resolve, so that no generated address reaches the network."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, "not resolved in the robustness tests")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class ServedDescriptor(FakeNode):
    """A joining node that serves whatever descriptor the test sets."""

    served_descriptor: Any = None

    def descriptor(self, **kwargs):
        if self.served_descriptor is not None and not kwargs:
            return self.served_descriptor
        return super().descriptor(**kwargs)


@pytest.fixture
def joining_node():
    fake = ServedDescriptor("Beitrittslabor", "Beitrittsstadt")
    yield fake
    fake.close()


def join_bodies(fake: FakeNode, invitation: InvitationContent) -> st.SearchStrategy[bytes]:
    """Join requests from plausible (most of them, so that the descriptor checks run) to garbage."""
    texts = st.text(max_size=30) | st.sampled_from(EDGE_TEXTS)

    def mostly(plausible: st.SearchStrategy, garbage: st.SearchStrategy) -> st.SearchStrategy:
        return st.sampled_from([True] * 4 + [False]).flatmap(lambda usual: plausible if usual else garbage)

    odd_nodes = st.sampled_from([fake.base_url + "/", "http://127.0.0.1:1", "ftp://127.0.0.1/", "http://",
                                 "http://user:pw@127.0.0.1:1", f"{fake.base_url}/path", "http://[::1",
                                 "http://example.invalid", "http://127.0.0.1:99999"])
    fields = st.fixed_dictionaries({
        "invitation": mostly(st.just(invitation.id), st.just("00000000-0000-0000-0000-000000000000") | texts),
        "secret": mostly(st.just(invitation.secret), texts),
        "node": mostly(st.just(fake.base_url), odd_nodes | texts),
        "client_id": mostly(st.just("c"), texts | st.just("c" * 500)),
        "client_secret": mostly(st.just("s"), texts),
    })
    extra = st.dictionaries(st.sampled_from(["invitation", "secret", "node", "client_id", "x"]), json_values,
                            max_size=1)
    objects = st.builds(lambda base, changes: {**base, **changes}, fields, mostly(st.just({}), extra))
    garbage = st.one_of(json_values.map(orjson.dumps), st.binary(max_size=200),
                        st.sampled_from([b"", b"{", b"\xff\xfe", b"{}" + b" " * 17_000, b"[" * 5000]))
    return mostly(objects.map(orjson.dumps), garbage)


@pytest.fixture
def joins_unthrottled(settings):  # pytest-django's settings, not hypothesis's
    """A join rate high enough that the fuzzer meets the endpoint rather than its 429s."""
    settings.HUB_THROTTLE_JOIN = (1_000_000, 3600)


@pytest.mark.django_db
def test_the_join_endpoint_answers_any_request_without_a_server_error(node, joining_node, joins_unthrottled):
    invitation = invitation_read(peer_invite(actor=SYSTEM))
    client = Client()
    # Mostly damaged (a successful join costs a hashed client secret, ~0.5 s), sometimes signed again.
    damaged_descriptors = damaged(joining_node.descriptor()).flatmap(
        lambda document: st.sampled_from([document, resigned(joining_node, document)])
    )
    descriptors = st.sampled_from([True] * 6 + [False]).flatmap(
        lambda damage: damaged_descriptors if damage else st.none()
    )

    @FUZZING
    @given(body=join_bodies(joining_node, invitation), content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]), descriptor=descriptors)
    def join_is_answered(body, content_type, descriptor):
        joining_node.served_descriptor = descriptor
        with rolled_back():
            response = client.post("/api/federation/join", body, content_type=content_type)
            problem_or_success(response)
            assert response.status_code in (201, 400, 403, 413, 415), response.status_code

    join_is_answered()


@pytest.mark.django_db
def test_a_join_with_a_descriptor_whose_protocol_version_is_a_list_is_refused(node, joining_node):
    invitation = invitation_read(peer_invite(actor=SYSTEM))
    joining_node.served_descriptor = {**joining_node.descriptor(), "protocolVersion": ["1"]}
    body = {"invitation": invitation.id, "secret": invitation.secret, "node": joining_node.base_url,
            "client_id": "c", "client_secret": "s"}
    response = Client(raise_request_exception=False).post("/api/federation/join", body, content_type="application/json")
    assert response.status_code == 400, response.status_code  # as for a descriptor that cannot be fetched: no oracle
    problem_or_success(response)


def tokens(peer_token: str, stranger_token: str, reader_token: str) -> st.SearchStrategy[dict[str, str]]:
    """Authorization headers, most often the peer's own token, otherwise others or garbage."""
    garbage = st.sampled_from([f"Bearer {stranger_token}", f"Bearer {reader_token}", "Bearer", "Bearer ",
                               "Basic Zm9vOmJhcg==", "bearer " + peer_token, "Bearer \x7f", f"Bearer {peer_token}x",
                               "Bearer " + "a" * 5000])
    latin = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)
    header = st.sampled_from([True] * 3 + [False]).flatmap(
        lambda usual: st.just(f"Bearer {peer_token}") if usual else garbage | latin
    )
    return st.sampled_from([True] * 5 + [False]).flatmap(
        lambda sent: header.map(lambda value: {"HTTP_AUTHORIZATION": value}) if sent else st.just({})
    )


def federation_token(application: Application) -> str:
    """A token with scope federation of a client-credentials application, as a peer's grant yields it."""
    raw_token = secrets.token_urlsafe(32)
    token = AccessToken(application=application, scope="federation", expires=timezone.now() + timedelta(hours=1))
    set_token_value(token, raw_token)
    token.save()
    return raw_token


def client_credentials_application(name: str) -> Application:
    return Application.objects.create(name=name, client_type=Application.CLIENT_CONFIDENTIAL,
                                      authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)


@pytest.fixture
def credentials(node, staff_token) -> tuple[str, str, str]:
    """Tokens: a peer's, one with scope federation but of no peer, one with scopes read and write."""
    application = client_credentials_application("Nachbar")
    neighbour = Node.objects.create(iri="http://127.0.0.1:8302/", name="Nachbar", city="Nachbarstadt",
                                    public_key_multibase="z6MkNachbar")
    Peer.objects.create(node=neighbour, application=application, client_id="x", client_secret="y")
    return federation_token(application), federation_token(client_credentials_application("Fremd")), staff_token


@pytest.mark.django_db
def test_the_nudge_endpoint_answers_any_request_without_a_server_error(credentials):
    client = Client()

    @FUZZING
    @given(method=st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE"]), headers=tokens(*credentials),
           body=st.binary(max_size=100) | json_values.map(orjson.dumps))
    def nudge_is_answered(method, headers, body):
        with rolled_back():
            response = client.generic(method, "/api/federation/nudge", body, content_type="application/json",
                                      **headers)
            problem_or_success(response)
            if response.status_code < 400:
                assert response.status_code == 202 and headers["HTTP_AUTHORIZATION"] == f"Bearer {credentials[0]}"

    nudge_is_answered()


CURSORS = st.text(max_size=25) | st.sampled_from(["0", "1" * 21, "-1", "0x10", "1e3", "٣", "²", "１", "", " 1"])


@pytest.mark.django_db
def test_the_feed_and_descriptor_endpoints_answer_any_query_without_a_server_error(credentials):
    client = Client()

    @FUZZING
    @given(after=CURSORS, limit=CURSORS, iri=st.text(max_size=40) | st.sampled_from(EDGE_TEXTS),
           headers=tokens(*credentials))
    def feed_is_answered(after, limit, iri, headers):
        feed = client.get("/api/federation/feed", {"after": after, "limit": limit}, **headers)
        problem_or_success(feed)
        problem_or_success(client.get("/api/federation/descriptor", {"iri": iri}, **headers))

    feed_is_answered()


@pytest.mark.parametrize("query", ["after=%C2%B2", "limit=%C2%B2"])
@pytest.mark.django_db
def test_a_cursor_of_unicode_digits_is_refused_with_a_reason(credentials, query):
    response = Client(raise_request_exception=False).get(
        f"/api/federation/feed?{query}", HTTP_AUTHORIZATION=f"Bearer {credentials[0]}"
    )
    assert response.status_code == 400, response.status_code
    problem_or_success(response)
