"""The load step: gunicorn with 2 workers on loopback, driven by wrk for a few seconds
per URL. Skipped (with a note) where wrk is not installed."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .measure import free_port

ROOT = Path(__file__).resolve().parent.parent


def session_cookie(app, username):
    """A logged-in session cookie, made by the app itself (as conftest's log_in)."""
    client = app.test_client()
    with app.app_context():
        uid = app.appbuilder.sm.find_user(username=username).id
    with client.session_transaction() as session:
        session["_user_id"] = str(uid)
        session["_fresh"] = True
    client.get("/")  # a server-side session store saves on a response
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return f"{cookie.key}={cookie.value}" if cookie else ""


def _wait(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except Exception:  # noqa: BLE001 — not up yet
            time.sleep(0.5)
    return False


def _wrk(url, cookie, seconds, connections=10):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-H", f"Cookie: {cookie}", url], capture_output=True, text=True, timeout=seconds + 30)
    text = out.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {"requests_per_s": float(rps.group(1)) if rps else None,
            "p50_ms": round(float(p50.group(1)) * scale[p50.group(2)], 1) if p50 else None,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0}


def run(app, urls, seconds):
    """{name: wrk result} for each (name, path), or {"skipped": why}."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed"}
    port = free_port()
    env = dict(os.environ, BENCH_SCALE=os.environ.get("BENCH_SCALE", "1"))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "bench.wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        if not _wait(base + "/report"):
            return {"skipped": "gunicorn did not answer"}
        cookie = session_cookie(app, "bench-admin")
        return {name: _wrk(base + path, cookie, seconds) for name, path in urls}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
