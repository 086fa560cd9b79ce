"""`flask db upgrade` on an empty database builds every table (FAB's and ours), after which
`flask roles sync` and `flask fab create-admin` work, and the migrations match the models.

The commands run as the real `flask` of .venv in a subprocess, against a throwaway
SQLite file, and against a throwaway PostgreSQL database when TEST_DATABASE_URL is set.
"""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from app.extensions import db
from app.search.models import include_object
from app.security.roles import ROLES
from config import database_url

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def _flask(tmp_path, url, *args):
    env = dict(os.environ, FLASK_APP="run.py", DATABASE_URL=url,
               INSTANCE_PATH=str(tmp_path / "instance"),
               UPLOAD_FOLDER=str(tmp_path / "uploads"),
               FAB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    env.pop("SECRET_KEY", None)
    result = subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _upgrade_sync_create_admin(tmp_path, url):
    out = _flask(tmp_path, url, "db", "upgrade")
    assert "Running upgrade" in out
    out = _flask(tmp_path, url, "roles", "sync")
    for role in ROLES:
        assert f"{role}: +" in out
    out = _flask(tmp_path, url, "fab", "create-admin", "--username", "boss",
                 "--firstname", "B", "--lastname", "Oss", "--email", "boss@example.org",
                 "--password", "Secret-pass-1")
    assert "created" in out


def _describe(change):
    """('add_table', Table(...)) → 'add_table fault_report'; nested column changes as is."""
    if isinstance(change, list):
        return ", ".join(_describe(c) for c in change)
    op, *rest = change
    names = [getattr(x, "name", None) or str(x) for x in rest if x is not None][:3]
    return f"{op} {' '.join(map(str, names))}"


def _check_database(url, app):
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            # FAB's security tables and ours
            assert {"ab_user", "ab_role", "ab_permission_view", "ab_user_role"} <= tables
            assert {"audit_entry", "outbox_message", "outbox_attachment", "stored_file"} <= tables
            assert "alembic_version" in tables
            roles = set(conn.scalars(sa.text("SELECT name FROM ab_role")))
            assert {"Admin", "Public", *ROLES} <= roles
            admin_roles = list(conn.scalars(sa.text(
                "SELECT r.name FROM ab_user u JOIN ab_user_role ur ON ur.user_id = u.id "
                "JOIN ab_role r ON r.id = ur.role_id WHERE u.username = 'boss'")))
            assert admin_roles == ["Admin"]
            # Admin holds every permission FAB registered, including our shared screens.
            admin_perms = set(conn.execute(sa.text(
                "SELECT p.name, v.name FROM ab_role r "
                "JOIN ab_permission_view_role pvr ON pvr.role_id = r.id "
                "JOIN ab_permission_view pv ON pv.id = pvr.permission_view_id "
                "JOIN ab_permission p ON p.id = pv.permission_id "
                "JOIN ab_view_menu v ON v.id = pv.view_menu_id WHERE r.name = 'Admin'")).all())
            assert {("can_list", "Outbox"), ("can_list", "AuditLog"), ("can_read", "File")} <= {
                tuple(p) for p in admin_perms}

            # The migrations describe exactly the models: a model change without a
            # migration makes this list non-empty.
            with app.app_context():
                context = MigrationContext.configure(conn, opts={
                    "compare_type": True, "include_object": include_object})
                diff = compare_metadata(context, db.metadata)
            assert diff == [], ("models and migrations differ (run `make migration`): "
                                + "; ".join(_describe(d) for d in diff))
    finally:
        engine.dispose()


def test_upgrade_on_empty_sqlite(tmp_path, app):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _upgrade_sync_create_admin(tmp_path, url)
    _check_database(url, app)
    _check_audit_rows_cannot_be_rewritten_by_sql(url)


def _check_audit_rows_cannot_be_rewritten_by_sql(url):
    """A trigger refuses UPDATE and DELETE of audit rows, even in raw SQL (both databases)."""
    engine = sa.create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO audit_entry (at, actor_type, actor_name, action, entity_type, "
                "subject_type) VALUES (CURRENT_TIMESTAMP, 'system', 'test', 'create', 'X', "
                "'X')"))
        for statement in ("UPDATE audit_entry SET actor_name = 'someone else'",
                          "DELETE FROM audit_entry"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with engine.begin() as conn:
                    conn.execute(sa.text(statement))
        with engine.connect() as conn:
            assert conn.scalar(sa.text(
                "SELECT actor_name FROM audit_entry WHERE entity_type = 'X'")) == "test"
    finally:
        engine.dispose()


def _check_the_app_role_cannot_get_round_the_trigger(tmp_path, owner_url):
    """The app runs as a role that does not own audit_entry: it adds audit rows and
    works on every other table, but cannot UPDATE, DELETE, TRUNCATE or switch the
    trigger off (the owner, who ran the migrations, alone can)."""
    role = f"app_{uuid.uuid4().hex[:8]}"
    owner = sa.create_engine(database_url(owner_url), isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
    app_engine = sa.create_engine(make_url(database_url(owner_url)).set(username=role,
                                                                        password=None))
    try:
        out = _flask(tmp_path, owner_url, "roles", "grant-database-role", role)
        assert "REVOKE UPDATE, DELETE, TRUNCATE" in out
        with app_engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO audit_entry (at, actor_type, actor_name, action, entity_type, "
                "subject_type) VALUES (now(), 'user', 'app', 'create', 'X', 'X')"))
            conn.execute(sa.text("UPDATE ab_user SET first_name = 'Baas' WHERE username = 'boss'"))
            assert conn.scalar(sa.text("SELECT count(*) FROM audit_entry")) >= 2
        for statement, refusal in (
                ("UPDATE audit_entry SET actor_name = 'x'", "permission denied"),
                ("DELETE FROM audit_entry", "permission denied"),
                ("TRUNCATE audit_entry", "permission denied"),
                ("ALTER TABLE audit_entry DISABLE TRIGGER ALL", "must be owner"),
                ("DROP TRIGGER audit_entry_append_only ON audit_entry", "must be owner")):
            with pytest.raises(sa.exc.DBAPIError, match=refusal):
                with app_engine.begin() as conn:
                    conn.execute(sa.text(statement))
    finally:
        app_engine.dispose()
        with owner.connect() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        owner.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL not set")
def test_upgrade_on_empty_postgresql(tmp_path, app):
    server = make_url(database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"test_found_mig_{uuid.uuid4().hex[:8]}"
    admin_engine = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        # the form hosting platforms hand out (Heroku, Render): postgres://
        _upgrade_sync_create_admin(tmp_path, url.replace("postgresql+psycopg://", "postgres://"))
        _check_database(url, app)
        _check_audit_rows_cannot_be_rewritten_by_sql(url)
        _check_the_app_role_cannot_get_round_the_trigger(tmp_path, url)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()
