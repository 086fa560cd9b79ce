"""Service requests' ledger: a stored, indexed balance per request (filled in here for
existing requests), receipt numbers, voided payments, day indexes for the cash report;
feedback to the customer that is a message only (asks_documents false).

Revision ID: 11032ba60cef
Revises: d123d25a79de
Create Date: 2026-11-30 12:05:00.266228

"""
import sqlalchemy as sa
from alembic import op

import app.database


# revision identifiers, used by Alembic.
revision = '11032ba60cef'
down_revision = 'd123d25a79de'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sr_payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_no', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('received_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('voided_at', app.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sr_payment_paid_at'), ['paid_at'], unique=False)
        batch_op.create_unique_constraint('uq_sr_payment_receipt_no', ['receipt_no'])
        batch_op.create_foreign_key('fk_sr_payment_received_by', 'ab_user', ['received_by_id'], ['id'])
        batch_op.create_foreign_key('fk_sr_payment_voided_by', 'ab_user', ['voided_by_id'], ['id'])

    with op.batch_alter_table('sr_customer_feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asks_documents', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))

    with op.batch_alter_table('sr_refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sr_refund_refunded_at'), ['refunded_at'], unique=False)

    with op.batch_alter_table('sr_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('balance_due', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_sr_request_balance_due'), ['balance_due'], unique=False)

    # Existing requests: amount due (nothing once cancelled) minus payments plus refunds.
    op.execute("""
        UPDATE sr_request SET balance_due =
          CASE WHEN status = 'cancelled' THEN 0 ELSE
            COALESCE((SELECT SUM(quantity * unit_price) FROM sr_requested_line l
                      WHERE l.request_id = sr_request.id), 0)
          + COALESCE((SELECT SUM(quantity * unit_price) FROM sr_additional_line l
                      WHERE l.request_id = sr_request.id), 0)
          + COALESCE((SELECT SUM(amount_adjustment) FROM sr_correction c
                      WHERE c.request_id = sr_request.id), 0) END
          - COALESCE((SELECT SUM(amount) FROM sr_payment p
                      WHERE p.request_id = sr_request.id AND p.voided_at IS NULL), 0)
          + COALESCE((SELECT SUM(amount) FROM sr_refund r
                      WHERE r.request_id = sr_request.id), 0)
    """)



def downgrade():
    with op.batch_alter_table('sr_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sr_request_balance_due'))
        batch_op.drop_column('balance_due')

    with op.batch_alter_table('sr_customer_feedback', schema=None) as batch_op:
        batch_op.drop_column('asks_documents')

    with op.batch_alter_table('sr_refund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sr_refund_refunded_at'))

    with op.batch_alter_table('sr_payment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sr_payment_voided_by', type_='foreignkey')
        batch_op.drop_constraint('fk_sr_payment_received_by', type_='foreignkey')
        batch_op.drop_constraint('uq_sr_payment_receipt_no', type_='unique')
        batch_op.drop_index(batch_op.f('ix_sr_payment_paid_at'))
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('received_by_id')
        batch_op.drop_column('receipt_no')

