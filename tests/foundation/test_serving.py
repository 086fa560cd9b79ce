"""`make run`'s server: gunicorn with the settings in gunicorn.conf.py, SQLite in WAL mode
with a busy timeout, and /healthz for load balancers."""
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_connections_use_wal_and_wait_when_busy(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_healthz_says_ok_without_login_and_names_a_failing_redis(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app.extensions.pop("redis_client", None)
    try:
        response = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = ""
        app.extensions.pop("redis_client", None)
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok",
                                   "redis": "unreachable"}


def test_healthz_is_not_rate_limited(client):
    assert all(client.get("/healthz").status_code == 200 for _ in range(40))


def test_gunicorn_serves_the_app_with_its_config(tmp_path):
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2",
           "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "SECRET_KEY": "test", "REDIS_URL": ""}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c",
                               "gunicorn.conf.py"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # A wait, not a timing: a busy CI machine may take a while to import the app.
        deadline, answer = time.monotonic() + 120, None
        while time.monotonic() < deadline and answer is None and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    answer = r.status, r.read()
            except OSError:
                time.sleep(0.2)
        assert answer is not None, "gunicorn did not answer"
        assert answer[0] == 200 and b'"database":"ok"' in answer[1]
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=30)
    assert err.count("Booting worker") == 2, err
    assert "gthread" in err
