"""kept photos: photos of refused report forms, until sent or cleaned up

Revision ID: f2b5d8c3e012
Revises: e1a4c7b2d901
Create Date: 2026-11-30 15:10:00

"""
import sqlalchemy as sa
from alembic import op

import app.database

revision = 'f2b5d8c3e012'
down_revision = 'e1a4c7b2d901'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fault_kept_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('file_id'),
    )
    with op.batch_alter_table('fault_kept_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_kept_photo_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('fault_kept_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_kept_photo_created_at'))
    op.drop_table('fault_kept_photo')
