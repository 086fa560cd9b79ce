"""sticker batches: a name and the customer or location; every sticker in one

Existing batches (the generated code on each sticker) get a record named after their code.

Revision ID: a7c9e1f4b523
Revises: f2b5d8c3e012
Create Date: 2026-11-30 15:20:00

"""
import sqlalchemy as sa
from alembic import op

import app.database

revision = 'a7c9e1f4b523'
down_revision = 'f2b5d8c3e012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fault_sticker_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('customer', sa.String(length=200), nullable=True),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['location_id'], ['fault_location.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    with op.batch_alter_table('fault_sticker_batch', schema=None) as batch_op:
        batch_op.create_index('ix_fault_sticker_batch_name', ['name', 'id'], unique=False)
        batch_op.create_index('ix_fault_sticker_batch_customer', ['customer', 'id'],
                              unique=False)
        batch_op.create_index('ix_fault_sticker_batch_location', ['location_id', 'id'],
                              unique=False)
        batch_op.create_index('ix_fault_sticker_batch_created', ['created_at', 'id'],
                              unique=False)
    with op.batch_alter_table('fault_sticker_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_fault_sticker_code_batch_id', 'fault_sticker_batch',
                                    ['batch_id'], ['id'])
        batch_op.create_index('ix_fault_sticker_code_batch_id', ['batch_id', 'id'],
                              unique=False)
    # one record per batch code already printed, named after it
    op.execute("INSERT INTO fault_sticker_batch (code, name, size, created_at) "
               "SELECT batch, batch, count(*), min(created_at) FROM fault_sticker_code "
               "GROUP BY batch")
    op.execute("UPDATE fault_sticker_code SET batch_id = (SELECT b.id FROM fault_sticker_batch b "
               "WHERE b.code = fault_sticker_code.batch)")


def downgrade():
    with op.batch_alter_table('fault_sticker_code', schema=None) as batch_op:
        batch_op.drop_index('ix_fault_sticker_code_batch_id')
        batch_op.drop_constraint('fk_fault_sticker_code_batch_id', type_='foreignkey')
        batch_op.drop_column('batch_id')
    with op.batch_alter_table('fault_sticker_batch', schema=None) as batch_op:
        batch_op.drop_index('ix_fault_sticker_batch_created')
        batch_op.drop_index('ix_fault_sticker_batch_location')
        batch_op.drop_index('ix_fault_sticker_batch_customer')
        batch_op.drop_index('ix_fault_sticker_batch_name')
    op.drop_table('fault_sticker_batch')
