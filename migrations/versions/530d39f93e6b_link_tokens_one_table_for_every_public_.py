"""link tokens: one table (link_token) for every public link; existing links keep working

The track links (sr_track_token: hash only) and the fault pages' links (token_hash and
token_salt on fault_report, fault_work_order, fault_complaint) are copied into
link_token with the same hashes and salts, so every link already mailed still opens
its page; then the old table and columns go. Downgrade copies them back.

Revision ID: 530d39f93e6b
Revises: c4e8f2a17d53
Create Date: 2026-11-30 12:10:04.172493

"""
import sqlalchemy as sa
from alembic import op

import app.database

# revision identifiers, used by Alembic.
revision = '530d39f93e6b'
down_revision = 'c4e8f2a17d53'
branch_labels = None
depends_on = None

# fault table → (purpose in link_token, record type)
FAULT_LINKS = {
    "fault_report": ("faults:reporter", "FaultReport"),
    "fault_work_order": ("faults:contractor", "WorkOrder"),
    "fault_complaint": ("faults:complaint", "Complaint"),
}


def upgrade():
    op.create_table('link_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=60), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=True),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', app.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('link_token', schema=None) as batch_op:
        batch_op.create_index('ix_link_token_subject', ['purpose', 'subject_type', 'subject_id'], unique=False)

    op.execute(
        "INSERT INTO link_token (purpose, subject_type, subject_id, token_hash, created_at) "
        "SELECT 'track', 'ServiceRequest', request_id, token_hash, created_at FROM sr_track_token")
    for table, (purpose, subject_type) in FAULT_LINKS.items():
        op.execute(
            "INSERT INTO link_token (purpose, subject_type, subject_id, token_hash, salt, created_at) "
            f"SELECT '{purpose}', '{subject_type}', id, token_hash, token_salt, updated_at "
            f"FROM {table} WHERE token_hash IS NOT NULL")

    with op.batch_alter_table('sr_track_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sr_track_token_request_id'))

    op.drop_table('sr_track_token')
    for table in FAULT_LINKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('token_hash')
            batch_op.drop_column('token_salt')


def downgrade():
    for table in FAULT_LINKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('token_salt', sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
            batch_op.create_unique_constraint(f'uq_{table}_token_hash', ['token_hash'])

    op.create_table('sr_track_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['sr_request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('sr_track_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sr_track_token_request_id'), ['request_id'], unique=False)

    op.execute(
        "INSERT INTO sr_track_token (request_id, token_hash, created_at) "
        "SELECT subject_id, token_hash, created_at FROM link_token "
        "WHERE purpose = 'track' AND revoked_at IS NULL")
    for table, (purpose, _subject_type) in FAULT_LINKS.items():
        # the newest working link of each record (older ones were revoked by renewals)
        op.execute(
            f"UPDATE {table} SET token_hash = (SELECT token_hash FROM link_token l "
            f"WHERE l.purpose = '{purpose}' AND l.subject_id = {table}.id "
            "AND l.revoked_at IS NULL ORDER BY l.id DESC LIMIT 1), "
            "token_salt = (SELECT salt FROM link_token l "
            f"WHERE l.purpose = '{purpose}' AND l.subject_id = {table}.id "
            "AND l.revoked_at IS NULL ORDER BY l.id DESC LIMIT 1)")

    with op.batch_alter_table('link_token', schema=None) as batch_op:
        batch_op.drop_index('ix_link_token_subject')

    op.drop_table('link_token')
