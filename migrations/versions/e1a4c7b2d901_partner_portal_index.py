"""the partner portal's index: a partner's orders of one status, newest first

Revision ID: e1a4c7b2d901
Revises: f1a4d8c3b6e2
Create Date: 2026-11-30 15:00:00

"""
from alembic import op

revision = 'e1a4c7b2d901'
down_revision = 'f1a4d8c3b6e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fault_work_order', schema=None) as batch_op:
        batch_op.create_index('ix_fault_work_order_partner_status',
                              ['contractor_id', 'status', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('fault_work_order', schema=None) as batch_op:
        batch_op.drop_index('ix_fault_work_order_partner_status')
