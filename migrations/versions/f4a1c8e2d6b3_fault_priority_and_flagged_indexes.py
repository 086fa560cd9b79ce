"""fault lists: sort by priority on (priority, id); the Flagged list's partial index

Sorting the fault reports by priority sorted all 300,000 of them (no index began with
it). The Flagged work orders (often none) walked every order backwards by id looking
for them: a partial index holds only the flagged ones, newest first (its condition is
app/faults/models.py's flagged_condition(), in the same words). On a SQLite database
with statistics the new indexes get theirs (see e2c7a9f3b5d1).

Revision ID: f4a1c8e2d6b3
Revises: e2c7a9f3b5d1
"""
import sqlalchemy as sa
from alembic import op

revision = "f4a1c8e2d6b3"
down_revision = "e2c7a9f3b5d1"
branch_labels = None
depends_on = None

FLAGGED = "(flagged_at IS NOT NULL) IS {}"


def upgrade():
    op.create_index("ix_fault_report_priority", "fault_report", ["priority", "id"], unique=False)
    op.create_index("ix_fault_work_order_flagged", "fault_work_order", ["id", "flagged_at"],
                    unique=False, sqlite_where=sa.text(FLAGGED.format("1")),
                    postgresql_where=sa.text(FLAGGED.format("true")))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        op.execute("ANALYZE ix_fault_report_priority")
        op.execute("ANALYZE ix_fault_work_order_flagged")


def downgrade():
    op.drop_index("ix_fault_work_order_flagged", table_name="fault_work_order")
    op.drop_index("ix_fault_report_priority", table_name="fault_report")
