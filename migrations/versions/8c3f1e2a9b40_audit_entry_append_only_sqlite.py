"""audit_entry append-only on SQLite too

PostgreSQL has had a trigger since 5a1c0de2e7b1; SQLite relied on the application's
checks, so a raw UPDATE or DELETE (the sqlite3 shell, a script) rewrote history. These
triggers refuse both. Retention on SQLite: drop the trigger on purpose, archive, put
it back (docs/operations.md).

Revision ID: 8c3f1e2a9b40
Revises: 6759e0181731
"""
from alembic import op

revision = "8c3f1e2a9b40"
down_revision = "6759e0181731"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(f"""
            CREATE TRIGGER audit_entry_no_{event.lower()}
            BEFORE {event} ON audit_entry
            BEGIN
                SELECT RAISE(ABORT, 'audit_entry is append-only');
            END
        """)


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_entry_no_{event}")
