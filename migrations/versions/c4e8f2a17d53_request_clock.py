"""sr_request clock: due_at, waiting_since, waiting_seconds, index (status, due_at)

Existing requests get no due moment (they are never shown as overdue) until edited.

Revision ID: c4e8f2a17d53
Revises: b7d3e9a41c20
"""
import sqlalchemy as sa
from alembic import op

revision = "c4e8f2a17d53"
down_revision = "b7d3e9a41c20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sr_request") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("waiting_seconds", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.create_index("ix_sr_request_status_due_at", ["status", "due_at"], unique=False)


def downgrade():
    with op.batch_alter_table("sr_request") as batch:
        batch.drop_index("ix_sr_request_status_due_at")
        batch.drop_column("waiting_seconds")
        batch.drop_column("waiting_since")
        batch.drop_column("due_at")
