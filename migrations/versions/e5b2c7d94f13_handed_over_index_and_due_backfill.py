"""sr_request: index on handed_over_at; due moments for requests made before the clock

The dashboards' delivered-per-week and turnaround figures read a range of
handed_over_at. Requests made before the clock had no due moment (never shown as
overdue): each gets received_at + its target in working days, in batches
(app/service_requests/clock_backfill.py; `flask requests backfill-due` does the same).

Revision ID: e5b2c7d94f13
Revises: e5b1c7d9a2f4
"""
from alembic import op
from sqlalchemy.orm import Session

revision = "e5b2c7d94f13"
down_revision = "e5b1c7d9a2f4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sr_request") as batch:
        batch.create_index("ix_sr_request_handed_over", ["handed_over_at", "id"], unique=False)
    from app.service_requests.clock_backfill import backfill_due_dates

    backfill_due_dates(Session(bind=op.get_bind()))


def downgrade():
    # the due moments stay: they are what the clock would have set
    with op.batch_alter_table("sr_request") as batch:
        batch.drop_index("ix_sr_request_handed_over")
