"""SQLite: statistics for the indexes of b3d9f1a7c2e4, c6e2a8d4f1b7 and d8f4b2c6e9a1

On a SQLite database that has statistics (sqlite_stat1, written by ANALYZE) an index
without them is taken for the most selective of all: the request list of a status
walked the new open-work index (status, …) and sorted every request of that status
(2.2 s for Paid at a million) instead of walking (status, received_at, id). ANALYZE of
one index reads that index only. A database without statistics needs none (every index
is then estimated alike); PostgreSQL analyses by itself.

Revision ID: e2c7a9f3b5d1
Revises: d8f4b2c6e9a1
"""
import sqlalchemy as sa
from alembic import op

revision = "e2c7a9f3b5d1"
down_revision = "d8f4b2c6e9a1"
branch_labels = None
depends_on = None

INDEXES = ("ix_audit_governance", "ix_sr_request_running_received",
           "ix_sr_request_balance_due_received", "ix_sr_request_open_work")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        return
    for name in INDEXES:
        op.execute(f"ANALYZE {name}")


def downgrade():
    pass
