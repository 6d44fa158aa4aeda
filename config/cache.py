"""The cache the node's processes share, when it lives in Redis beside the Celery queue."""

from __future__ import annotations

from itertools import islice

from django.core.cache.backends.redis import RedisCache

CLEAR_BATCH = 1000


class SharedRedisCache(RedisCache):
    """Django's Redis cache, except that ``clear`` removes this node's keys only.

    Without ``HUB_CACHE_URL`` the cache uses the broker's Redis database, where Django's own
    ``clear`` (``FLUSHDB``) would also drop the queued tasks.
    """

    def clear(self) -> bool:
        """Delete every key under this cache's prefix."""
        client = self._cache.get_client(None, write=True)
        found = client.scan_iter(match=f"{self.key_prefix}:*", count=CLEAR_BATCH)
        while keys := list(islice(found, CLEAR_BATCH)):
            client.delete(*keys)
        return True
