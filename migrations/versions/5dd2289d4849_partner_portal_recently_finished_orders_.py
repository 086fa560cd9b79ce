"""the partner portal's recently finished orders, last activity first

Revision ID: 5dd2289d4849
Revises: f2a8c4e6b1d3
Create Date: 2026-11-30 17:31:39

"""
from alembic import op

revision = '5dd2289d4849'
down_revision = 'f2a8c4e6b1d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fault_work_order', schema=None) as batch_op:
        batch_op.create_index('ix_fault_work_order_partner_activity',
                              ['contractor_id', 'status', 'updated_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('fault_work_order', schema=None) as batch_op:
        batch_op.drop_index('ix_fault_work_order_partner_activity')
