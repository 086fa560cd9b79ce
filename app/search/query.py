"""Looking up: the newest records of one kind whose text contains every word."""
from sqlalchemy import Integer, column, literal_column, select, table, text

from .models import SearchDocument
from .normalise import MIN_TERM

_FTS = table("search_fts", column("rowid", Integer))


def find(session, kind, words, limit=10):
    """Record ids, newest first. `words` come from normalise.terms(): words of three or
    more characters are looked up in the index, shorter ones narrow what those found."""
    long = [w for w in words if len(w) >= MIN_TERM]
    if not long:
        return []
    if session.get_bind().dialect.name == "sqlite":
        # FTS5 trigram: a quoted word matches as a substring of the column.
        match = " AND ".join([f'kind : "{kind}"']
                             + ['body : "{}"'.format(w.replace('"', '""')) for w in long])
        short = [w for w in words if len(w) < MIN_TERM]
        likes = "".join(f" AND d.body LIKE :w{i} ESCAPE '\\'" for i in range(len(short)))
        rows = session.execute(text(
            "SELECT d.record_id FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH :match{likes} ORDER BY search_fts.rowid DESC LIMIT :limit"),
            {"match": match, "limit": limit, **_like_params(short)})
    else:
        # pg_trgm's GIN index answers LIKE '%word%'.
        likes = " AND ".join(f"body LIKE :w{i} ESCAPE '\\'" for i in range(len(words)))
        rows = session.execute(text(
            f"SELECT record_id FROM search_document WHERE kind = :kind AND {likes} "
            "ORDER BY id DESC LIMIT :limit"), {"kind": kind, "limit": limit, **_like_params(words)})
    return [row[0] for row in rows]


def matching_ids(dialect, kind, words):
    """A subquery of the ids of records of `kind` whose text contains every word of three
    or more characters, for a list's filter (`Model.id.in_(...)`): the trigram index
    answers it (FTS5 MATCH on SQLite, LIKE on the pg_trgm GIN index on PostgreSQL)."""
    long = [w for w in words if len(w) >= MIN_TERM]
    query = select(SearchDocument.record_id)
    if dialect == "sqlite":
        match = " AND ".join([f'kind : "{kind}"']
                             + ['body : "{}"'.format(w.replace('"', '""')) for w in long])
        return (query.join(_FTS, _FTS.c.rowid == SearchDocument.id)
                .where(literal_column("search_fts").op("MATCH")(match)))
    return query.where(SearchDocument.kind == kind,
                       *(SearchDocument.body.like("%" + _escape_like(w) + "%", escape="\\")
                         for w in long))


def _like_params(words):
    return {f"w{i}": "%" + _escape_like(w) + "%" for i, w in enumerate(words)}


def _escape_like(word):
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
