"""/metrics: sync figures per peer and item counts in the Prometheus text format, for allowed clients only."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime

import pytest

from config.env import ConfigurationError, load
from federation.models import Peer, SyncRun
from hub.models import Node
from hub.multikey import encode_public_key, generate_key
from ops.metrics import Family, exposition

TOKEN = "m" * 40
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (\S+)$')


def make_peer(iri: str, **fields) -> Peer:
    node = Node.objects.create(iri=iri, name="Nachbar", city="Nachbarstadt",
                               public_key_multibase=encode_public_key(generate_key().public_key()))
    return Peer.objects.create(node=node, client_id="x", client_secret="y", **fields)


def parse(text: str) -> dict[tuple[str, frozenset], float]:
    """The samples of a text exposition, checking every line's syntax and that TYPE comes before samples."""
    assert text.endswith("\n")
    typed, samples = set(), {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in {"counter", "gauge"} and name not in typed
            typed.add(name)
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match[1], match[2] or "", match[3]
        assert name in typed, f"{name} has no TYPE line before it"
        pairs = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels))
        samples[(name, pairs)] = float(value)
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


@pytest.fixture
def scrape(client):
    """GET /metrics from a given address (default loopback) with given headers."""

    def get(remote: str = "127.0.0.1", **headers):
        return client.get("/metrics", REMOTE_ADDR=remote, headers=headers)

    return get


@pytest.mark.django_db
def test_loopback_reads_the_metrics_in_the_text_format(scrape):
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    parse(response.content.decode())


@pytest.mark.django_db
def test_sync_figures_per_peer(scrape, node):
    last = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    wiesbaden = make_peer("https://hub.wiesbaden.example/", last_success_at=last, failures=2)
    quiet = make_peer("https://hub.quiet.example/")
    SyncRun.objects.create(peer=wiesbaden, finished_at=last, applied=5, rejected=1)
    SyncRun.objects.create(peer=wiesbaden, finished_at=last, applied=2)
    SyncRun.objects.create(peer=wiesbaden, finished_at=last, error="the peer answered 503")
    SyncRun.objects.create(peer=wiesbaden, applied=3)  # still running: its pages count, the run not yet
    samples = parse(scrape().content.decode())
    peer = "https://hub.wiesbaden.example"
    assert value(samples, "hub_sync_runs_total", peer=peer, result="ok") == 2
    assert value(samples, "hub_sync_runs_total", peer=peer, result="failed") == 1
    assert value(samples, "hub_sync_items_applied_total", peer=peer) == 10
    assert value(samples, "hub_sync_items_rejected_total", peer=peer) == 1
    assert value(samples, "hub_sync_last_success_timestamp_seconds", peer=peer) == last.timestamp()
    assert value(samples, "hub_peer_failures", peer=peer) == 2
    never = quiet.base_url
    assert value(samples, "hub_sync_runs_total", peer=never, result="ok") == 0
    assert value(samples, "hub_sync_items_applied_total", peer=never) == 0
    assert value(samples, "hub_sync_last_success_timestamp_seconds", peer=never) == 0


@pytest.mark.django_db
def test_items_are_counted_by_type_and_origin(scrape, node, remote_lab):
    samples = parse(scrape().content.decode())
    assert value(samples, "hub_items", type="Lab", origin="local") == 1
    assert value(samples, "hub_items", type="Lab", origin="mirrored") == 1
    assert value(samples, "hub_items", type="Event", origin="local") == 0
    assert value(samples, "hub_items", type="MethodCard", origin="mirrored") == 0
    assert value(samples, "hub_items", type="Idea", origin="local") == 0
    assert value(samples, "hub_items", type="ExperienceReport", origin="local") == 0


@pytest.mark.django_db
def test_the_figures_take_a_few_queries_whatever_the_number_of_peers(scrape, node, django_assert_max_num_queries):
    for number in range(5):
        peer = make_peer(f"https://hub{number}.example/")
        SyncRun.objects.create(peer=peer, finished_at=datetime(2026, 3, 1, tzinfo=UTC), applied=1)
    with django_assert_max_num_queries(7):  # one per item type, and the peers
        assert scrape().status_code == 200


@pytest.mark.django_db
def test_another_address_gets_a_bare_403(scrape):
    response = scrape("203.0.113.7")
    assert response.status_code == 403
    assert response.content == b"Forbidden\n"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_the_client_behind_the_local_proxy_is_judged_by_the_address_the_proxy_saw(scrape):
    assert scrape("127.0.0.1", x_forwarded_for="203.0.113.7").status_code == 403
    assert scrape("127.0.0.1", x_forwarded_for="127.0.0.1").status_code == 200


@pytest.mark.django_db
def test_a_client_cannot_claim_an_allowed_address_in_x_forwarded_for(scrape):
    assert scrape("203.0.113.7", x_forwarded_for="127.0.0.1").status_code == 403
    # Through the proxy, an address the client put first is not the one the proxy appended.
    assert scrape("127.0.0.1", x_forwarded_for="127.0.0.1, 203.0.113.7").status_code == 403
    assert scrape("127.0.0.1", x_forwarded_for="not-an-address").status_code == 403


@pytest.mark.django_db
def test_configured_networks_are_allowed(scrape, settings):
    settings.HUB_METRICS_ALLOWED_IPS = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::/32"))
    assert scrape("10.1.2.3").status_code == 200
    assert scrape("::ffff:10.1.2.3").status_code == 200
    assert scrape("2001:db8::7").status_code == 200
    assert scrape("127.0.0.1", x_forwarded_for="10.9.9.9").status_code == 200
    assert scrape("127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_the_token_opens_the_metrics_from_anywhere(scrape, settings):
    settings.HUB_METRICS_TOKEN = TOKEN
    assert scrape("203.0.113.7", authorization=f"Bearer {TOKEN}").status_code == 200
    assert scrape("203.0.113.7", authorization=f"Bearer {TOKEN[:-1]}x").status_code == 403
    assert scrape("203.0.113.7", authorization=f"Basic {TOKEN}").status_code == 403


@pytest.mark.django_db
def test_without_a_configured_token_no_token_opens_the_metrics(scrape, settings):
    settings.HUB_METRICS_TOKEN = ""
    assert scrape("203.0.113.7", authorization="Bearer ").status_code == 403
    assert scrape("203.0.113.7", authorization="Bearer anything").status_code == 403


def test_label_values_are_escaped():
    text = exposition([Family("hub_x", "gauge", "A help\\text\nwith a newline.", [({"peer": 'a"b\\c\nd'}, 1.5)])])
    assert text == ('# HELP hub_x A help\\\\text\\nwith a newline.\n# TYPE hub_x gauge\n'
                    'hub_x{peer="a\\"b\\\\c\\nd"} 1.5\n')
    assert parse(text) == {("hub_x", frozenset({("peer", 'a\\"b\\\\c\\nd')})): 1.5}


def test_the_metrics_settings_default_to_loopback_and_no_token(tmp_path):
    config = load({"HUB_DATA_DIR": str(tmp_path)})
    loopback = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    assert (config.metrics_allowed_ips, config.metrics_trusted_proxies, config.metrics_token) == (loopback, loopback, "")


def test_the_metrics_settings_are_read_from_the_environment(tmp_path):
    config = load({"HUB_DATA_DIR": str(tmp_path), "HUB_METRICS_ALLOWED_IPS": "10.0.0.0/8, 192.0.2.5",
                   "HUB_METRICS_TRUSTED_PROXIES": "none", "HUB_METRICS_TOKEN": TOKEN})
    assert config.metrics_allowed_ips == (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.5/32"))
    assert (config.metrics_trusted_proxies, config.metrics_token) == ((), TOKEN)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("HUB_METRICS_ALLOWED_IPS", "10.0.0.0/8,everyone", "HUB_METRICS_ALLOWED_IPS must be comma-separated"),
        ("HUB_METRICS_TRUSTED_PROXIES", "127.0.0.1:80", "HUB_METRICS_TRUSTED_PROXIES must be comma-separated"),
        ("HUB_METRICS_TOKEN", "short", "at least 32 characters"),
    ],
)
def test_malformed_metrics_settings_refuse_to_start(tmp_path, name, raw, message):
    with pytest.raises(ConfigurationError, match=message):
        load({"HUB_DATA_DIR": str(tmp_path), name: raw})
