"""every sortable column of a growing table: an index (column, …, id)

A sort link orders by the column, then by the rest of the index that begins with it
(app/listing.py); an index on the column alone served SQLite (its rowid rides along)
but not PostgreSQL, which sorted the whole table for every page (a million requests by
balance: 425 ms). Four indexes get the key as their last column (the request's
balance, the audit log's time, a job run's start, the outbox queue, which then also
serves the outbox sorted by status); the rest are new, for the columns that stay
sortable (see the views' order_columns). On a SQLite database with statistics each
gets its own (see e2c7a9f3b5d1).

Revision ID: 51d23bd88e32
Revises: f4a1c8e2d6b3
"""
import sqlalchemy as sa
from alembic import op

revision = "51d23bd88e32"
down_revision = "f4a1c8e2d6b3"
branch_labels = None
depends_on = None

# (name, table, columns now, columns before)
WIDENED = [
    ("ix_sr_request_balance_due", "sr_request", ["balance_due", "id"], ["balance_due"]),
    ("ix_audit_at", "audit_entry", ["at", "id"], ["at"]),
    ("ix_job_run_started", "job_run", ["started_at", "id"], ["started_at"]),
    ("ix_outbox_due", "outbox_message", ["status", "next_attempt_at", "id"],
     ["status", "next_attempt_at"]),
]
NEW = [
    ("ix_outbox_created", "outbox_message", ["created_at", "id"]),
    ("ix_fault_sticker_code_created", "fault_sticker_code", ["created_at", "id"]),
    ("ix_fault_work_order_invoice_total", "fault_work_order", ["invoice_total", "id"]),
    ("ix_sr_customer_feedback_created", "sr_customer_feedback", ["created_at", "id"]),
    ("ix_sr_inbound_document_received", "sr_inbound_document", ["received_at", "id"]),
    ("ix_sr_inbound_document_sender", "sr_inbound_document", ["sender", "id"]),
    ("ix_sr_delivered_product_uploaded", "sr_delivered_product", ["uploaded_at", "id"]),
    ("ix_sr_internal_check_checked", "sr_internal_check", ["checked_at", "id"]),
    ("ix_sr_applicant_feedback_reported", "sr_applicant_feedback", ["reported_at", "id"]),
    ("ix_sr_correction_corrected", "sr_correction", ["corrected_at", "id"]),
    ("ix_sr_correction_amount", "sr_correction", ["amount_adjustment", "id"]),
]


def upgrade():
    for name, table, columns, _before in WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)
    for name, table, columns in NEW:
        op.create_index(name, table, columns, unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        for name, *_ in WIDENED + NEW:
            op.execute(f"ANALYZE {name}")


def downgrade():
    for name, table, _columns in reversed(NEW):
        op.drop_index(name, table_name=table)
    for name, table, _columns, before in reversed(WIDENED):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
