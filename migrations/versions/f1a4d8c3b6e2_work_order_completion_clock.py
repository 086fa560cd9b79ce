"""fault_work_order: completion clock (complete_due_at, index with the status)

Each order is due for completion a number of days after it was made, per its report's
priority (FAULTS_TARGETS complete_days); orders made before this get theirs here, in
batches (app/faults/clock.py).

Revision ID: f1a4d8c3b6e2
Revises: e5b2c7d94f13
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "f1a4d8c3b6e2"
down_revision = "e5b2c7d94f13"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("fault_work_order") as batch:
        batch.add_column(sa.Column("complete_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_fault_work_order_status_complete_due",
                           ["status", "complete_due_at", "id"], unique=False)
    from app.faults.clock import backfill_complete_due

    backfill_complete_due(Session(bind=op.get_bind()))


def downgrade():
    with op.batch_alter_table("fault_work_order") as batch:
        batch.drop_index("ix_fault_work_order_status_complete_due")
        batch.drop_column("complete_due_at")
