"""The scale proof runs where PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL,
else redis://127.0.0.1:6379/2 when it answers) are there; elsewhere it is skipped."""
import os

import pytest


def _redis_url():
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/2"
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    except Exception:  # not there: the proof is skipped, with the reason
        return None
    return url


@pytest.fixture(scope="session")
def scale_backends():
    database = os.environ.get("TEST_DATABASE_URL", "")
    if not database.startswith(("postgresql", "postgres:")):
        pytest.skip("the scale proof needs PostgreSQL (TEST_DATABASE_URL)")
    redis_url = _redis_url()
    if redis_url is None:
        pytest.skip("the scale proof needs Redis (TEST_REDIS_URL or redis://127.0.0.1:6379/2)")
    return database, redis_url
