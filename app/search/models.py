"""search_document: one row per findable record; the text index beside it.

The index is not a model: an FTS5 virtual table on SQLite, a pg_trgm GIN index on
PostgreSQL. Both are made by the migration and, for create_all (tests), by the DDL
below; `UNMODELLED` tells Alembic's comparison to leave them alone.
"""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import DDL, Column, Integer, String, Text, UniqueConstraint, event

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(kind, body, content='search_document', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, kind, body) VALUES (new.id, new.kind, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, body) "
    "VALUES ('delete', old.id, old.kind, old.body); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, kind, body) "
    "VALUES ('delete', old.id, old.kind, old.body); "
    "INSERT INTO search_fts(rowid, kind, body) VALUES (new.id, new.kind, new.body); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS search_document_au",
               "DROP TRIGGER IF EXISTS search_document_ad",
               "DROP TRIGGER IF EXISTS search_document_ai",
               "DROP TABLE IF EXISTS search_fts"]
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_document_body_trgm ON search_document "
    "USING gin (body gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS ix_search_document_body_trgm"]
# Names Alembic's autogenerate must not compare (made by hand above).
UNMODELLED = {"search_fts", "search_fts_data", "search_fts_idx", "search_fts_docsize",
              "search_fts_config", "search_fts_content", "ix_search_document_body_trgm"}


class SearchDocument(Model):
    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "record_id", name="uq_search_document_record"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    body = Column(Text, nullable=False)


for _statement in SQLITE_DDL:
    event.listen(SearchDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_DDL:
    event.listen(SearchDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_DROP:
    event.listen(SearchDocument.__table__, "before_drop",
                 DDL(_statement).execute_if(dialect="sqlite"))


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic hook: skip the hand-made text index."""
    return name not in UNMODELLED
