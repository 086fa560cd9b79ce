"""dashboard_daily_count (per-day counts behind the dashboards); fault_rating.contractor_id;
index (status, assigned_to_id) for the open work per writer

The dashboards read closed days from dashboard_daily_count; the nightly job
`dashboard.daily_counts` writes them (the first run, or `flask dashboard rebuild`, from
the oldest record). Each rating gets the partner of its work order (filled in here), so
the Ratings list filters on it and the per-partner trend counts by it.

Revision ID: a7c3e1f5d9b8
Revises: 0e78abf2253b
"""
import sqlalchemy as sa
from alembic import op

revision = "a7c3e1f5d9b8"
down_revision = "0e78abf2253b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dashboard_daily_count",
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("domain", "measure", "dimension", "day", "key",
                                name="pk_dashboard_daily_count"),
    )
    with op.batch_alter_table("sr_request") as batch:
        batch.create_index("ix_sr_request_status_assigned", ["status", "assigned_to_id"],
                           unique=False)
    with op.batch_alter_table("fault_rating") as batch:
        batch.add_column(sa.Column("contractor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_fault_rating_contractor_id", "fault_contractor",
                                 ["contractor_id"], ["id"])
        batch.create_index("ix_fault_rating_contractor", ["contractor_id", "created_at", "id"],
                           unique=False)
    op.execute("UPDATE fault_rating SET contractor_id = (SELECT contractor_id FROM "
               "fault_work_order WHERE fault_work_order.id = fault_rating.work_order_id)")


def downgrade():
    with op.batch_alter_table("fault_rating") as batch:
        batch.drop_index("ix_fault_rating_contractor")
        batch.drop_constraint("fk_fault_rating_contractor_id", type_="foreignkey")
        batch.drop_column("contractor_id")
    with op.batch_alter_table("sr_request") as batch:
        batch.drop_index("ix_sr_request_status_assigned")
    op.drop_table("dashboard_daily_count")
