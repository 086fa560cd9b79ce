"""The production shape on this machine: gunicorn processes and mail workers on one
PostgreSQL database and Redis, a real SMTP sink that can be stopped and started, and a
small HTTP client (a phone, the portal) for the load driver."""
import asyncio
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller

from tests.helpers import ARTIFACTS, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.I | re.M)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class SmtpSink:
    """aiosmtpd on 127.0.0.1 keeping the Message-ID of every mail it accepted.
    stop()/start() take the server away and bring it back on the same port.
    hold_at=n: the n-th mail (1-based) is held before its answer for `hold` seconds and
    `holding` is set meanwhile (a slow moment to kill the sender in). A mail whose sender
    is gone before the answer was accepted by nobody, so it is not counted (as an MTA
    does not deliver what it never said 250 to)."""

    def __init__(self, hold_at=None, hold=30.0):
        self.port = free_port()
        self.hold_at, self.hold = hold_at, hold
        self.holding = threading.Event()
        self.message_ids = []
        self.seen = 0
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            held = self.seen == self.hold_at
        if held:
            self.holding.set()
            for _ in range(int(self.hold * 20)):
                if server.transport is None or server.transport.is_closing():
                    break
                await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "421 sender gone"
        found = _MESSAGE_ID.search(envelope.original_content or envelope.content)
        with self.lock:
            self.message_ids.append(found.group(1).decode() if found else None)
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def received(self):
        with self.lock:
            return list(self.message_ids)


def process_env(app, database_url, redis_url, smtp_port, tmp_path, **extra):
    """The environment of every process of the deployment (docs/operations.md)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_"))}
    env.update({
        "FLASK_APP": "run.py",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"scale{os.getpid()}x{time.monotonic_ns()}",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),  # the shared folder of every host
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_TIMEOUT": "5",
        "OUTBOX_BACKOFF_SECONDS": "1",
        "OUTBOX_BACKOFF_MAX_SECONDS": "2",
        "PROXY_COUNT": "1",  # the load driver says which client it is (X-Forwarded-For)
        "PUBLIC_BASE_URL": "http://backoffice.test",
    })
    if app.config.get("DATA_ENCRYPTION_KEY"):
        env["DATA_ENCRYPTION_KEY"] = app.config["DATA_ENCRYPTION_KEY"]
    env.update({k: str(v) for k, v in extra.items()})
    return env


def write_figures(name, figures):
    """Print a run's figures and keep them in tests/artifacts/<name>.json."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, indent=2))
    print(f"\n{name}:", json.dumps(figures))


class Processes:
    """Started processes, each in its own process group, stopped at the end."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.started = []

    def _start(self, name, args, env):
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop_all
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.started.append((name, proc, log))
        return proc

    def web(self, name, env, port, workers=2, threads=4):
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
               "GUNICORN_THREADS": str(threads)}
        return self._start(name, [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], env)

    def kill(self, proc):
        """SIGKILL: no clean-up, no goodbye (a crash, the OOM killer, a pulled plug)."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def mail_worker(self, name, env, interval=0.5):
        return self._start(name, [str(BIN / "flask"), "mail", "worker", "--interval",
                                  str(interval)], env)

    def log(self, name):
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")

    def stop_all(self):
        for _name, proc, _log in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc, log in self.started:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
            log.close()


def wait_healthy(port, processes, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = Client(port).get("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"gunicorn on {port} never became healthy")


class Client:
    """A browser, reduced: cookies kept across hosts (cookies know no port), no redirects
    followed unless asked, one client address (X-Forwarded-For, behind PROXY_COUNT=1)."""

    def __init__(self, port, address="127.0.0.1"):
        self.port = port
        self.address = address
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, port=None):
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=60)
        try:
            all_headers = {"X-Forwarded-For": self.address, **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
            return response.status, response.headers, data
        finally:
            connection.close()

    def get(self, path, port=None):
        return self.request("GET", path, port=port)

    def post_form(self, path, fields, port=None):
        return self.request("POST", path, body=urlencode(fields), port=port,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path, data, headers=None, port=None):
        return self.request("POST", path, body=json.dumps(data), port=port,
                            headers={"Content-Type": "application/json", **(headers or {})})

    def csrf(self, path, port=None):
        status, _headers, body = self.get(path, port=port)
        assert status == 200, f"GET {path} → {status}"
        match = _CSRF.search(body.decode())
        assert match, f"no csrf_token on {path}"
        return match.group(1) or match.group(2)
