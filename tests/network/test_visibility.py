"""Scenario 8: network items reach peers but never anonymous readers; no feed carries personal data."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def status_of(url: str, accept: str = "application/ld+json") -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def api_titles(node, token: str | None = None) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(node.base_url + "/api/methods/?page_size=100", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return [item["title"] for item in json.loads(response.read())["results"]]


def test_network_items_reach_peers_and_never_anonymous_readers(network):
    a, b = network("Zukunftswerk Wiesbaden", "Wiesbaden"), network("CityLAB Berlin", "Berlin")
    b.join(a)
    shared = a.create_method("Intern geteilte Methode", visibility="network")
    public = a.create_method("Öffentliche Methode")
    b.sync()
    assert b.holdings()[shared] == [1, False]
    path = shared.removeprefix(a.base_url)
    for node in (a, b):
        assert status_of(node.base_url + path) == 404
        assert status_of(node.base_url + path, accept="text/html") == 404
        assert "Intern geteilte Methode" not in api_titles(node)
        assert "Öffentliche Methode" in api_titles(node)
    b.manage("shell", "-c", "from django.contrib.auth.models import User; User.objects.create_user('leser', is_staff=True)")
    b.manage("grant", "leser", "coordinator")
    token = b.manage("issue_token", "--user", "leser", "--scope", "read").stdout.strip()
    assert "Intern geteilte Methode" in api_titles(b, token)
    assert public


def test_no_feed_carries_personal_data_drafts_or_secrets(network):
    a, b = network("Zukunftswerk Wiesbaden", "Wiesbaden"), network("CityLAB Berlin", "Berlin")
    b.join(a)
    a.manage("shell", "-c", (
        "from django.contrib.auth.models import User; "
        "User.objects.create_user('erika.beispiel', email='erika.beispiel@example.org', password='Geheim-Wort-123', "
        "first_name='Erika', last_name='Beispiel', is_staff=True)"))
    a.create_method("Entwurf mit Notizen", visibility="draft")
    a.create_method("Veröffentlichte Methode")
    a.invite()
    feed = b.python(
        f"""
        import json
        from django.conf import settings
        from federation import http
        from federation.models import Peer
        from federation.sync.pull import token_for
        peer = Peer.objects.get(node__iri={a.iri!r})
        page = http.get_json({a.base_url!r} + "/api/federation/feed?after=0&limit=500", token=token_for(peer),
                             allow_private=settings.HUB_ALLOW_PRIVATE_PEERS)
        secrets = [peer.client_secret, peer.access_token]
        print(json.dumps({{"page": page, "secrets": secrets}}))
        """
    )
    text = json.dumps(feed["page"], ensure_ascii=False)
    assert "Veröffentlichte Methode" in text
    for private in ["erika", "Erika", "Beispiel", "example.org", "Entwurf mit Notizen", "Geheim", "pbkdf2",
                    "client_secret", *feed["secrets"]]:
        assert private not in text, private
    types = {item["type"] for item in feed["page"]["orderedItems"]}
    assert types <= {"Node", "Lab", "MethodCard", "Event", "Tombstone"}
