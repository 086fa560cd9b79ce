"""request product-kind flags

Each request stores which product kinds its lines have (has_mortgage_extract,
has_cadastral_extract, has_survey_map), filled here from the lines and kept by the app
from now on (app/service_requests/kinds.py); one index per kind with the list's order,
so a product-kind button is one index walk.

Revision ID: e5b1c7d9a2f4
Revises: e5a1c7d93b20
Create Date: 2026-11-30 14:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e5b1c7d9a2f4'
down_revision = 'e5a1c7d93b20'
branch_labels = None
depends_on = None

KINDS = {"has_mortgage_extract": "mortgage_extract",
         "has_cadastral_extract": "cadastral_extract",
         "has_survey_map": "survey_map"}
INDEXES = {"has_mortgage_extract": "ix_sr_request_mortgage_received",
           "has_cadastral_extract": "ix_sr_request_cadastral_received",
           "has_survey_map": "ix_sr_request_survey_map_received"}


def upgrade():
    for column in KINDS:
        op.add_column('sr_request', sa.Column(column, sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
    # The backfill: one pass over the lines per kind, one over the requests.
    sets = ", ".join(
        f"{column} = (id IN (SELECT l.request_id FROM sr_requested_line l JOIN sr_product p "
        f"ON p.id = l.product_id WHERE p.kind = '{kind}'))"
        for column, kind in KINDS.items())
    op.execute(f"UPDATE sr_request SET {sets}")
    for column, name in INDEXES.items():
        op.create_index(name, 'sr_request', [column, 'received_at', 'id'], unique=False)


def downgrade():
    for column, name in INDEXES.items():
        op.drop_index(name, table_name='sr_request')
    with op.batch_alter_table('sr_request', schema=None) as batch_op:
        for column in KINDS:
            batch_op.drop_column(column)
