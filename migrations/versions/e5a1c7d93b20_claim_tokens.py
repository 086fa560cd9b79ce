"""Claim tokens: the outbox and the scheduled jobs claim rows with a lease and a token

Revision ID: e5a1c7d93b20
Revises: 530d39f93e6b
"""
import sqlalchemy as sa
from alembic import op

revision = "e5a1c7d93b20"
down_revision = "530d39f93e6b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
    with op.batch_alter_table("job_state") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("job_state") as batch:
        batch.drop_column("claim_token")
        batch.drop_column("lease_until")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claim_token")
