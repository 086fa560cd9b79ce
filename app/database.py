"""Column types and mixins shared by every model."""
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, bindparam, literal, true
from sqlalchemy.types import TypeDecorator


def utcnow():
    return datetime.now(UTC)


def partial_index_condition(condition):
    """A list's fixed condition, for a partial index (`sqlite_where=`, `postgresql_where=`)
    and the list's filter alike, in the same words: a database uses a partial index only
    for a query that states its condition. Build the condition's values with `literals`
    (a bound parameter matches no index condition). `IS TRUE` keeps the planner from
    answering the condition from another index that begins with the column: without
    statistics SQLite would seek the values there and sort every matching row, with them
    it may walk the list's order index reading every row."""
    return condition.is_(true())


def literals(values):
    """Values written into the statement (see partial_index_condition): a list for IN,
    or one value."""
    if isinstance(values, list | tuple):
        return bindparam(None, list(values), expanding=True, literal_execute=True)
    return literal(values, literal_execute=True)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored in UTC on SQLite and PostgreSQL alike.

    SQLite keeps no offset, so values are normalised to UTC on the way in and
    marked UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    """created_at / updated_at in UTC. Who did it is in the audit log, which
    (unlike FAB's AuditMixin) also knows anonymous and system actors."""

    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at = Column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


def configure_engine(app, engine):
    """SQLite (the one-host default) in WAL mode with a busy timeout on every connection:
    readers never block the writer, and a writer waits for another instead of failing
    at once with "database is locked"."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    busy_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 15000))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a commit is one fsync less
        cursor.close()
