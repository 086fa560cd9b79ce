"""upload quarantine and attachments built later

stored_file.status: a picture from a public form waits as uploaded ("pending", in
quarantine, served to no one) until the worker re-encodes it ("ready") or cannot read
it ("refused"); every existing file is ready. outbox_attachment.builder: an attachment
the worker builds when it sends the mail (the work-order PDF).

Revision ID: f2a8c4e6b1d3
Revises: a7c3e1f5d9b8
Create Date: 2026-11-30 15:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f2a8c4e6b1d3'
down_revision = 'a7c3e1f5d9b8'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('stored_file', sa.Column('status', sa.String(length=16), nullable=False,
                                           server_default='ready'))
    op.create_index('ix_stored_file_status', 'stored_file', ['status', 'id'], unique=False)
    op.add_column('outbox_attachment', sa.Column('builder', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.drop_column('builder')
    op.drop_index('ix_stored_file_status', table_name='stored_file')
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_column('status')
