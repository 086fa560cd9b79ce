"""On PostgreSQL the app runs as a database role that does not own the tables.

The owner runs the migrations; the app's role gets SELECT/INSERT/UPDATE/DELETE on every
table, but on audit_entry only SELECT and INSERT. Only the owner can UPDATE, DELETE,
TRUNCATE, drop or disable the append-only trigger, so neither a bug nor a stolen app
password rewrites the audit trail.
"""
import re

from flask import current_app
from sqlalchemy import text

from ..extensions import db

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role):
    if not _ROLE_NAME.fullmatch(role):
        raise ValueError(f"not a plain role name: {role!r}")
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_entry FROM {role}",
        # tables and sequences the owner's later migrations create
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]


def grant_app_role(role):
    """Run the grants on the app's database (PostgreSQL only); returns what ran."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        current_app.logger.info("not PostgreSQL: nothing to grant")
        return []
    statements = grant_statements(role)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    return statements
