"""faults: priority, reopen (several orders per report, one current), decline,
appointment time, escalation and feedback flags, the order's location

Revision ID: 2b4946658124
Revises: 8c3f1e2a9b40
"""
import sqlalchemy as sa
from alembic import op

import app.database

revision = '2b4946658124'
down_revision = '8c3f1e2a9b40'
branch_labels = None
depends_on = None

# SQLite keeps the old UNIQUE(report_id) unnamed: name it for batch mode to drop it.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _when():
    return app.database.UTCDateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('fault_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.String(length=10), server_default='normal',
                                      nullable=False))

    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.drop_constraint('fault_work_order_report_id_key', 'fault_work_order', type_='unique')
    with op.batch_alter_table('fault_work_order', schema=None,
                              naming_convention=NAMING) as batch_op:
        if not postgres:
            batch_op.drop_constraint('uq_fault_work_order_report_id', type_='unique')
        batch_op.add_column(sa.Column('location_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('is_current', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column('reopened_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('appointment_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('declined_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reminder_sent_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('manager_alerted_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('followup_sent_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('flagged_at', _when(), nullable=True))
        batch_op.add_column(sa.Column('flag_reason', sa.String(length=300), nullable=True))
        batch_op.create_index('ix_fault_work_order_flagged_at', ['flagged_at'], unique=False)
        batch_op.create_index('ix_fault_work_order_location_id', ['location_id', 'id'],
                              unique=False)
        batch_op.create_index('ix_fault_work_order_report_id', ['report_id'], unique=False)
        batch_op.create_index('uq_fault_work_order_current_report', ['report_id'], unique=True,
                              sqlite_where=sa.text('is_current'),
                              postgresql_where=sa.text('is_current'))
        batch_op.create_foreign_key('fk_fault_work_order_reopened_from', 'fault_work_order',
                                    ['reopened_from_id'], ['id'])
        batch_op.create_foreign_key('fk_fault_work_order_location', 'fault_location',
                                    ['location_id'], ['id'])
    with op.batch_alter_table('fault_complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responder_name', sa.String(length=200), nullable=True))
    op.create_table(
        'fault_report_follower',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=255), nullable=False),
        sa.Column('phone', sa.String(length=50), nullable=True),
        sa.Column('created_at', _when(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['fault_report.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_fault_report_follower_report_id', 'fault_report_follower',
                    ['report_id'], unique=False)
    op.execute("UPDATE fault_work_order SET location_id = (SELECT location_id FROM fault_report"
               " WHERE fault_report.id = fault_work_order.report_id)")


def downgrade():
    with op.batch_alter_table('fault_work_order', schema=None) as batch_op:
        batch_op.drop_constraint('fk_fault_work_order_location', type_='foreignkey')
        batch_op.drop_constraint('fk_fault_work_order_reopened_from', type_='foreignkey')
        batch_op.drop_index('uq_fault_work_order_current_report')
        batch_op.drop_index('ix_fault_work_order_report_id')
        batch_op.drop_index('ix_fault_work_order_location_id')
        batch_op.drop_index('ix_fault_work_order_flagged_at')
        for column in ('flag_reason', 'flagged_at', 'followup_sent_at', 'manager_alerted_at',
                       'reminder_sent_at', 'decline_reason', 'declined_at', 'assigned_at',
                       'appointment_time',
                       'reopened_from_id', 'is_current', 'location_id'):
            batch_op.drop_column(column)
        batch_op.create_unique_constraint('uq_fault_work_order_report_id', ['report_id'])

    op.drop_index('ix_fault_report_follower_report_id', table_name='fault_report_follower')
    op.drop_table('fault_report_follower')
    with op.batch_alter_table('fault_complaint', schema=None) as batch_op:
        batch_op.drop_column('responder_name')
    with op.batch_alter_table('fault_report', schema=None) as batch_op:
        batch_op.drop_column('priority')
