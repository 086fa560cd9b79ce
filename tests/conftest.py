"""Shared fixtures: one app per test session, clean tables per test, a client per role,
a real SMTP server (aiosmtpd on 127.0.0.1), and the set-up both domains' tests share
(products, a fault location). Helpers are in tests/helpers.py.

Runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""
import os
from decimal import Decimal

import pytest
from sqlalchemy import delete, text

from app import create_app
from app.extensions import db
from app.security.roles import ADMIN
from config import database_url
from tests.helpers import (
    CONTRACTOR_EMAIL,
    PASSWORD,
    PRODUCTS,
    REPLY,
    ROLE_USERS,
    SmtpServer,
    domain_tables,
    log_in,
    tables_with_rows,
)


def _one_backend_per_worker():
    """Under pytest-xdist (`make test` runs two workers) each worker gets a PostgreSQL
    database and a Redis database of its own, so their per-test clean-ups never meet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    index = int(worker.removeprefix("gw"))
    if os.environ.get("TEST_DATABASE_URL"):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        server = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
        name = f"{server.database}_{worker}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        os.environ["TEST_DATABASE_URL"] = server.set(database=name).render_as_string(
            hide_password=False)
    if os.environ.get("TEST_REDIS_URL"):
        from redis.connection import parse_url

        base = os.environ["TEST_REDIS_URL"].rsplit("/", 1)[0]
        number = int(parse_url(os.environ["TEST_REDIS_URL"]).get("db", 0))
        os.environ["TEST_REDIS_URL"] = f"{base}/{(number - index) % 16}"


_one_backend_per_worker()


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


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test starts with empty domain tables and a fresh rate limiter."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            tables = domain_tables()
            filled = tables_with_rows(conn, tables)
            for table in tables:  # children before parents
                if table.name in filled:
                    conn.execute(delete(table))
        app.appbuilder.sm.limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


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
    """deliver() runs one pass of the outbox sender, as `flask mail send` does (pictures
    waiting in quarantine first)."""
    from app.files import process_pending
    from app.mail.sender import send_due

    def run():
        with app.app_context():
            process_pending(limit=1000)
            return send_due(limit=1000)
    return run


@pytest.fixture
def reply_address(app):
    """A reply domain the outbox accepts (the default sender is @localhost); the
    service-request tests use it throughout (their conftest makes it autouse)."""
    old = app.config.get("MAIL_REPLY_ADDRESS")
    app.config["MAIL_REPLY_ADDRESS"] = REPLY
    yield REPLY
    app.config["MAIL_REPLY_ADDRESS"] = old


@pytest.fixture
def products(app):
    """The office's products: three documents and the additional Print A4 page."""
    from app.service_requests.models import Product

    with app.app_context():
        for code, name, kind, price, additional in PRODUCTS:
            db.session.add(Product(code=code, name=name, kind=kind, unit_price=Decimal(price),
                                   is_additional=additional))
        db.session.commit()
    return [p[0] for p in PRODUCTS]


@pytest.fixture
def place(app):
    """Demo locatie 1 with Demo Contractpartner 1 as default, and 3 unused stickers."""
    from app.faults import qr
    from app.faults.models import Contractor, Location

    with app.app_context():
        contractor = Contractor(name="Demo Contractpartner 1", email=CONTRACTOR_EMAIL,
                                phone="020-1234567", contact_person="Jan")
        location = Location(name="Demo locatie 1", street="Laan van Kronenburg 14",
                            postcode="1183 AS", city="Amstelveen",
                            default_contractor=contractor)
        db.session.add_all([contractor, location])
        codes = [s.code for s in qr.create_batch(3)]
        db.session.commit()
        return {"contractor_id": contractor.id, "location_id": location.id, "codes": codes}
