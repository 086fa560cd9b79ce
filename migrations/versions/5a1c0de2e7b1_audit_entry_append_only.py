"""audit_entry append-only in the database (PostgreSQL)

The app already refuses to change audit rows; this trigger also refuses raw SQL
UPDATE and DELETE, so not even a hand-typed statement rewrites history.
Retention is still possible by TRUNCATE or by dropping the trigger on purpose.

Revision ID: 5a1c0de2e7b1
Revises: 4816efd60e2f
"""
from alembic import op

revision = "5a1c0de2e7b1"
down_revision = "4816efd60e2f"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: the application's checks are the guard
    op.execute("""
        CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit_entry is append-only';
        END
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER audit_entry_append_only
        BEFORE UPDATE OR DELETE ON audit_entry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
    op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
