"""search_document and its text index (FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL)

Existing records are indexed by `flask search reindex` after the upgrade.

Revision ID: b7d3e9a41c20
Revises: 3a7133048ad9
"""
import sqlalchemy as sa
from alembic import op

# The statements as they were at this revision (app/search/models.py has the same).
SQLITE_DDL = ["CREATE VIRTUAL TABLE search_fts USING fts5(kind, body, content='search_document', content_rowid='id', tokenize='trigram')", 'CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN INSERT INTO search_fts(rowid, kind, body) VALUES (new.id, new.kind, new.body); END', "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN INSERT INTO search_fts(search_fts, rowid, kind, body) VALUES ('delete', old.id, old.kind, old.body); END", "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN INSERT INTO search_fts(search_fts, rowid, kind, body) VALUES ('delete', old.id, old.kind, old.body); INSERT INTO search_fts(rowid, kind, body) VALUES (new.id, new.kind, new.body); END"]
SQLITE_DROP = ['DROP TRIGGER IF EXISTS search_document_au', 'DROP TRIGGER IF EXISTS search_document_ad', 'DROP TRIGGER IF EXISTS search_document_ai', 'DROP TABLE IF EXISTS search_fts']
POSTGRES_DDL = ['CREATE EXTENSION IF NOT EXISTS pg_trgm', 'CREATE INDEX ix_search_document_body_trgm ON search_document USING gin (body gin_trgm_ops)']
POSTGRES_DROP = ['DROP INDEX IF EXISTS ix_search_document_body_trgm']

revision = "b7d3e9a41c20"
down_revision = "3a7133048ad9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "record_id", name="uq_search_document_record"),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DDL if dialect == "sqlite" else POSTGRES_DDL:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DROP if dialect == "sqlite" else POSTGRES_DROP:
        op.execute(statement)
    op.drop_table("search_document")
