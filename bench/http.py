"""Plain HTTP/1.1 on loopback for the benchmarks: a token from a node, and a timed walk through its feed."""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


def federation_token(base_url: str, client_id: str, client_secret: str) -> str:
    """A token with scope federation from the node's token endpoint (client credentials)."""
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "scope": "federation"}).encode()
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    request = urllib.request.Request(
        f"{base_url}/o/token/", data=body, headers={"Authorization": f"Basic {basic}"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


@dataclass
class FeedWalk:
    """The pages of a feed as served, and how long each took to arrive."""

    pages: list[bytes] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    items: int = 0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds)


def feed_walk(base_url: str, token: str, *, limit: int = 100) -> FeedWalk:
    """Follow the feed from the start to the empty page on one keep-alive connection, as a peer does.

    Each page is read whole as bytes and its cursor taken from ``next`` with a byte search, so the
    client's own parsing stays out of the timing.
    """
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/activity+json"}
    walk, after = FeedWalk(), "0"
    try:
        while True:
            started = time.perf_counter()
            connection.request("GET", f"/api/federation/feed?after={after}&limit={limit}", headers=headers)
            response = connection.getresponse()
            body = response.read()
            walk.seconds.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"feed page after {after}: HTTP {response.status}: {body[:300]!r}")
            walk.pages.append(body)
            following = _next_cursor(body)
            if following is None:
                return walk
            walk.items += body.count(b'"proof":{')
            after = following
    finally:
        connection.close()


def _next_cursor(body: bytes) -> str | None:
    head = body[:body.find(b'"orderedItems":')]
    marker = head.find(b'"next":"')
    if marker < 0:
        return None
    url = head[marker + 8:head.index(b'"', marker + 8)].decode()
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["after"][0]
