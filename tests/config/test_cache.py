"""The shared cache in Redis beside the Celery queue: clearing it leaves the queue alone."""

from __future__ import annotations

import uuid

import pytest
import redis

from config.cache import SharedRedisCache
from tests.conftest import require_service

URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def server():
    client = redis.Redis.from_url(URL)
    try:
        client.ping()
    except redis.ConnectionError:
        require_service("Redis on 127.0.0.1:6379")
    return client


def test_clearing_the_cache_keeps_the_brokers_keys(server):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    queue = f"celery-{prefix}"  # what the broker keeps in the same database
    server.rpush(queue, "eine Aufgabe")
    cache = SharedRedisCache(URL, {"KEY_PREFIX": prefix})
    try:
        cache.set_many({f"zähler-{number}": number for number in range(2500)})
        assert cache.get("zähler-7") == 7
        cache.clear()
        assert cache.get("zähler-7") is None and not list(server.scan_iter(match=f"{prefix}:*"))
        assert server.lrange(queue, 0, -1) == [b"eine Aufgabe"]
    finally:
        server.delete(queue)
