"""service requests: cancel reason, corrections of additional lines

Revision ID: d123d25a79de
Revises: a3f7a71e6747
Create Date: 2026-11-30 11:47:35.053847

"""
import sqlalchemy as sa
from alembic import op

import app.database


# revision identifiers, used by Alembic.
revision = 'd123d25a79de'
down_revision = 'a3f7a71e6747'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sr_correction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('additional_line_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_sr_correction_additional_line', 'sr_additional_line', ['additional_line_id'], ['id'])

    with op.batch_alter_table('sr_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', app.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('sr_request', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('sr_correction', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sr_correction_additional_line', type_='foreignkey')
        batch_op.drop_column('additional_line_id')

