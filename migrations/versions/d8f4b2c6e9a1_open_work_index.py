"""sr_request: the open-work index (status, writer, product-kind flags)

The dashboard counts open requests per status, per writer and per product kind; with
the kinds' flags in the index all three are read from it alone. It replaces
(status, assigned_to_id), of which it is the extension.

Revision ID: d8f4b2c6e9a1
Revises: c6e2a8d4f1b7
"""
from alembic import op

revision = "d8f4b2c6e9a1"
down_revision = "c6e2a8d4f1b7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_sr_request_open_work", "sr_request",
                    ["status", "assigned_to_id", "has_mortgage_extract",
                     "has_cadastral_extract", "has_survey_map"], unique=False)
    op.drop_index("ix_sr_request_status_assigned", table_name="sr_request")


def downgrade():
    op.create_index("ix_sr_request_status_assigned", "sr_request",
                    ["status", "assigned_to_id"], unique=False)
    op.drop_index("ix_sr_request_open_work", table_name="sr_request")
