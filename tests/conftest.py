"""Shared fixtures: one app per test session, clean tables per test, a client per role,
a real SMTP server (aiosmtpd on 127.0.0.1), and helpers for forms with CSRF on.

Runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""
import os
import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, text

from app import create_app
from app.extensions import db
from app.security.roles import ADMIN, ROLES
from config import database_url

PASSWORD = "Test-password-1"
# One user per role; the username is the role name in lower case.
ROLE_USERS = {role.lower(): role for role in [ADMIN, *ROLES]}


def _database_uri(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
    db.create_all()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=_database_uri(tmp_path_factory),
        UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
    )
    with app.app_context():
        _reset_schema()
        from app.security.sync import sync_roles

        sync_roles()
        sm = app.appbuilder.sm
        for username, role in ROLE_USERS.items():
            sm.add_user(username, username.title(), "Test", f"{username}@example.org",
                        sm.find_role(role), PASSWORD)
        db.session.commit()
    return app


def _domain_tables():
    """Every table but FAB's own (users, roles, permissions survive between tests)."""
    return [t for t in reversed(db.metadata.sorted_tables) if not t.name.startswith("ab_")]


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts with empty domain tables and a fresh rate limiter."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in _domain_tables():
                conn.execute(delete(table))
        app.appbuilder.sm.limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


def user_id(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def log_in(client, app, username):
    """Log a test client in as `username` without the login form (the form itself,
    and its rate limit, are tested in test_security.py)."""
    uid = user_id(app, username)
    with client.session_transaction() as session:
        session["_user_id"] = str(uid)
        session["_fresh"] = True
        session["locale"] = "nl"
    return client


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_for(app):
    """client_for("Writer") → a test client logged in with that role."""
    def make(role):
        return log_in(app.test_client(), app, role.lower())
    return make


@pytest.fixture
def admin_client(client_for):
    return client_for(ADMIN)


@pytest.fixture
def viewer_client(client_for):
    return client_for("Viewer")


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, url):
    """GET `url` and return the CSRF token of its (first) form."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} → {response.status_code}"
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {url}"
    return match.group(1) or match.group(2)


def submit(client, form_url, data=None, post_url=None, **kwargs):
    """Fill the form at `form_url` like a browser: its CSRF token plus `data`."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, form_url)
    return client.post(post_url or form_url, data=data, **kwargs)


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.handler = _Collector()
        # A concrete port: aiosmtpd's start() connects to the port it was given
        # to see that the server is up, so port=0 cannot work.
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        return [m for _, m in self.handler.messages]

    def to(self, address):
        return [m for rcpts, m in self.handler.messages if address in rcpts]


@pytest.fixture
def smtp_server(app):
    """Start aiosmtpd and point the app's mail settings at it; restore afterwards."""
    server = SmtpServer()
    server.start()
    state = app.extensions["mail"]
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"], state.server, state.port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    state.server, state.port = "127.0.0.1", server.port
    yield server
    server.stop()
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"], state.server, state.port = old


@pytest.fixture
def deliver(app):
    """deliver() runs one pass of the outbox sender, as `flask mail send` does."""
    from app.mail.sender import send_due

    def run():
        with app.app_context():
            return send_due(limit=1000)
    return run
