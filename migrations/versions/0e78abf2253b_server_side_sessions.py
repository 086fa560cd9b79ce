"""server-side sessions: web_session (id hash, data, expiry, user id)

The cookie holds a random id; the session's data lives here (or in Redis when
REDIS_URL is set), so logging out and revoking end it for good.

Revision ID: 0e78abf2253b
Revises: a7c9e1f4b523
Create Date: 2026-11-30 14:40:27.306613

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '0e78abf2253b'
down_revision = 'a7c9e1f4b523'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('web_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('expires_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index('ix_web_session_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_web_session_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index('ix_web_session_user_id')
        batch_op.drop_index('ix_web_session_expires_at')
    op.drop_table('web_session')
