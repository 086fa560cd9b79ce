"""sr_request: partial indexes of the Overdue and Balance due lists, in the list's order

Both lists hold few requests among a million (often none); the database walked the
order index through every request looking for them. Each index holds only its list's
requests (running: open and not waiting on the customer; something still to be paid),
newest first, with the condition's columns (app/service_requests/models.py, the same
words).

Revision ID: c6e2a8d4f1b7
Revises: b3d9f1a7c2e4
"""
import sqlalchemy as sa
from alembic import op

revision = "c6e2a8d4f1b7"
down_revision = "b3d9f1a7c2e4"
branch_labels = None
depends_on = None

# What SQLAlchemy renders for running_condition() and balance_due_condition() on each
# database (IS 1 on SQLite, IS true on PostgreSQL): a partial index serves a query whose
# condition is the same expression.
RUNNING = ("(status IN ('received', 'assigned', 'documents_received', 'in_preparation', "
           "'prepared', 'correction_needed', 'ready')) IS {}")
BALANCE_DUE = "(balance_due > 0) IS {}"


def _create(name, columns, condition):
    op.create_index(name, "sr_request", columns, unique=False,
                    sqlite_where=sa.text(condition.format("1")),
                    postgresql_where=sa.text(condition.format("true")))


def upgrade():
    _create("ix_sr_request_running_received", ["received_at", "id", "due_at", "status"], RUNNING)
    _create("ix_sr_request_balance_due_received", ["received_at", "id", "balance_due"],
            BALANCE_DUE)


def downgrade():
    op.drop_index("ix_sr_request_balance_due_received", table_name="sr_request")
    op.drop_index("ix_sr_request_running_received", table_name="sr_request")
