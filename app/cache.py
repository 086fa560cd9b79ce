"""The one cache: Redis when REDIS_URL is set, else a small in-process TTL cache.

    from app.cache import cache
    pairs = cache().remember("permissions", key, compute, ttl=3600)
    cache().invalidate("permissions")   # after the change is committed

Values are grouped by name; `invalidate(name)` drops a whole group by moving its
generation on (one INCR in Redis), so every process sees the change on its next read.
Values must be JSON (lists, dicts, strings, numbers) to go through Redis.

Without Redis the cache lives in each process: `invalidate` is seen at once by the
process that made the change, and by other processes (gunicorn workers) when their
copy ages out after CACHE_LOCAL_TTL_SECONDS at most. Several hosts need Redis.
"""
import json
import logging
import threading
import time

from flask import current_app

from .shared_store import redis_client

log = logging.getLogger(__name__)
EXTENSION_KEY = "cache"


class LocalCache:
    def __init__(self, max_ttl, max_items=10_000):
        self.max_ttl = max_ttl
        self.max_items = max_items
        self._items = {}
        self._generations = {}
        self._lock = threading.Lock()

    def remember(self, name, key, compute, ttl):
        full = (name, self._generations.get(name, 0), key)
        now = time.monotonic()
        found = self._items.get(full)
        if found is not None and found[0] > now:
            return found[1]
        value = compute()
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.clear()  # rare: a bounded cache, not an LRU
            self._items[full] = (now + min(ttl, self.max_ttl), value)
        return value

    def invalidate(self, name):
        with self._lock:
            self._generations[name] = self._generations.get(name, 0) + 1
            self._items = {k: v for k, v in self._items.items() if k[0] != name}


class RedisCache:
    def __init__(self, client, prefix):
        self.client = client
        self.prefix = f"{prefix}:cache"

    def remember(self, name, key, compute, ttl):
        try:
            generation = int(self.client.get(f"{self.prefix}:{name}:generation") or 0)
            full = f"{self.prefix}:{name}:{generation}:{key}"
            found = self.client.get(full)
        except Exception:  # Redis away: answer from the database, slower but right
            log.warning("cache unreachable, computing %s", name)
            return compute()
        if found is not None:
            return json.loads(found)
        value = compute()
        try:
            self.client.set(full, json.dumps(value), ex=int(ttl))
        except Exception:
            log.warning("cache unreachable, %s not kept", name)
        return value

    def invalidate(self, name):
        self.client.incr(f"{self.prefix}:{name}:generation")


def cache(app=None):
    """The app's cache (made once per app)."""
    app = app or current_app
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        client = redis_client(app)
        found = (RedisCache(client, app.config["REDIS_KEY_PREFIX"]) if client is not None
                 else LocalCache(app.config.get("CACHE_LOCAL_TTL_SECONDS", 10)))
        app.extensions[EXTENSION_KEY] = found
    return found
