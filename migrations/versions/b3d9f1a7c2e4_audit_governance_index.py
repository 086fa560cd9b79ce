"""audit_entry: partial index of the governance log's rows (users, roles, groups, logins)

The governance log lists a few hundred rows among millions, newest first; the database
walked the whole log backwards by id looking for them. This index holds only those rows
(the condition is app/security/governance_audit.py's, in the same words; `IS TRUE`
keeps SQLite without statistics from seeking the types in ix_audit_subject and sorting).

Revision ID: b3d9f1a7c2e4
Revises: 5dd2289d4849
"""
import sqlalchemy as sa
from alembic import op

revision = "b3d9f1a7c2e4"
down_revision = "5dd2289d4849"
branch_labels = None
depends_on = None

# What SQLAlchemy renders for governance_rows() on each database: a partial index
# serves a query whose condition is the same expression.
GOVERNANCE = "(subject_type IN ('User', 'Role', 'Group', 'Login')) IS {}"


def upgrade():
    op.create_index("ix_audit_governance", "audit_entry", ["id", "subject_type"], unique=False,
                    sqlite_where=sa.text(GOVERNANCE.format("1")),
                    postgresql_where=sa.text(GOVERNANCE.format("true")))


def downgrade():
    op.drop_index("ix_audit_governance", table_name="audit_entry")
