"""Logs: one line per request (request id, user, method, masked path, status, time),
JSON when LOG_FORMAT=json; the mail worker logs each send and each job run; and a real
gunicorn's access log and our request lines hold no link token."""
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.jobs import run_due
from app.mail import queue
from tests.helpers import HttpBrowser, free_port, log_in_with_form

ROOT = Path(__file__).resolve().parents[2]


def _request_lines(caplog):
    return [r for r in caplog.records if r.name == "app.requests"]


def test_one_line_per_request_with_id_user_status_and_masked_path(app, caplog):
    caplog.set_level(logging.INFO, logger="app.requests")
    token = secrets.token_urlsafe(32)
    client = app.test_client()
    response = client.get(f"/track/{token}", headers={"X-Request-ID": "lb-4711"})
    assert response.headers["X-Request-ID"] == "lb-4711"
    [line] = _request_lines(caplog)
    fields = line.fields
    assert fields["request_id"] == "lb-4711"
    assert fields["user"] == "anonymous" and fields["method"] == "GET"
    assert fields["path"] == "/track/…" and fields["status"] == response.status_code
    assert fields["duration_ms"] >= 0
    assert token not in line.getMessage() and token not in json.dumps(fields)

    caplog.clear()
    log_in_with_form(client, "viewer")
    client.get("/service-requests/list/", headers={"X-Request-ID": "not a valid id!"})
    line = _request_lines(caplog)[-1]
    assert line.fields["user"] == "viewer" and line.fields["status"] == 200
    assert line.fields["request_id"] != "not a valid id!"  # made anew
    assert len(line.fields["request_id"]) == 16


def test_the_mail_worker_logs_each_send_without_body_or_link(app, smtp_server, deliver,
                                                             caplog):
    caplog.set_level(logging.INFO, logger="app")
    link = f"http://backoffice.test/track/{secrets.token_urlsafe(32)}"
    with app.app_context():
        queue("klant@example.org", "Uw aanvraag", f"Volg uw aanvraag: {link}")
        from app.extensions import db

        db.session.commit()
    assert deliver() == (1, 0)
    [sent] = [r for r in caplog.records if getattr(r, "fields", {}).get("result") == "sent"]
    assert sent.fields["attempt"] == 1 and isinstance(sent.fields["outbox_id"], int)
    text = "\n".join(r.getMessage() + json.dumps(getattr(r, "fields", {}))
                     for r in caplog.records)
    assert link not in text and "Volg uw aanvraag" not in text


def test_each_job_run_is_logged(app, caplog):
    caplog.set_level(logging.INFO, logger="app")
    with app.app_context():
        run_due(only="security.expired_sessions", force=True)
    [line] = [r for r in caplog.records if getattr(r, "fields", {}).get("job")]
    assert line.fields == {"job": "security.expired_sessions", "run": line.fields["run"],
                           "result": "ok"}


def _get(url, **headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def gunicorn(app, tmp_path_factory):
    """gunicorn (1 worker) serving the test database, JSON logs, an access log file."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("access", "error", "stderr")}
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": "gunicorn-test", "INSTANCE_PATH": str(tmp_path),
           "UPLOAD_FOLDER": str(tmp_path / "uploads"), "LOG_FORMAT": "json", "REDIS_URL": "",
           "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2", "PORT": str(port)}
    with open(logs["stderr"], "wb") as stderr:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py",
             "--access-logfile", str(logs["access"]), "--error-logfile", str(logs["error"])],
            cwd=ROOT, env=env, stdout=stderr, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40  # ~5 s on an idle machine; 2 shared cores
        while _get_or_none(f"{base}/healthz") != 200:
            assert process.poll() is None, logs["stderr"].read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer in 40 s"
            time.sleep(0.2)
        yield base, process, logs
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _get_or_none(url):
    try:
        return _get(url)
    except OSError:
        return None


def test_gunicorn_logs_hold_no_link_token(gunicorn):
    base, process, logs = gunicorn
    tokens = [secrets.token_urlsafe(32), secrets.token_urlsafe(32)]
    assert _get(f"{base}/track/{tokens[0]}", **{"X-Request-ID": "proof-1"}) < 500
    assert _get(f"{base}/wo/{tokens[1]}") < 500
    time.sleep(0.2)  # each line is flushed as it is written

    access = logs["access"].read_text()
    assert "/track/…" in access and "/wo/…" in access  # the lines are there, masked
    lines = [json.loads(line) for line in logs["stderr"].read_text().splitlines()
             if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "app.requests"]
    assert {"request_id": "proof-1", "path": "/track/…", "user": "anonymous"}.items() \
        <= next(r for r in requests if r["request_id"] == "proof-1").items()
    assert any(r["path"] == "/wo/…" for r in requests)
    everything = "".join(path.read_text() for path in logs.values())
    for token in tokens:
        assert token not in everything


def test_gunicorn_refuses_a_cookie_copied_before_logout(gunicorn):
    base, _process, _logs = gunicorn
    browser = HttpBrowser(base).log_in("admin")
    copy = browser.copy()
    assert copy.get("/outboxview/list/")[0] == 200
    browser.log_out()
    status, location, _ = copy.get("/outboxview/list/")
    assert status == 302 and "/login" in location
