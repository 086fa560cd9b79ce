"""The shared store for several processes: Redis when REDIS_URL is set, else nothing.

Rate limits, sessions and the cache use it when it is there and fall back to their
one-host defaults (memory, the database, no cache) when it is not.
"""
EXTENSION_KEY = "redis_client"


def redis_client(app):
    """The app's Redis client (made once), or None without REDIS_URL."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get(EXTENSION_KEY)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                      health_check_interval=30)
        app.extensions[EXTENSION_KEY] = client
    return client
