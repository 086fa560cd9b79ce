"""Keeping search_document current: in the flush that writes a record, and in bulk."""
from sqlalchemy import delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import SearchDocument
from .normalise import normalise
from .registry import parent_getters, shared_getters, source_for_model, sources

_PENDING = "search_pending"
_SHARED = "search_shared"
BATCH = 500


def install_listeners():
    """Once per process: every ORM session re-indexes what it writes."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_flush", _write)


def _collect(session, _context, _instances):
    """Note which registered records this flush touches (directly or through a child)."""
    pending = session.info.setdefault(_PENDING, {})
    deleted = set(session.deleted)
    for obj in (*session.new, *session.dirty, *deleted):
        source = source_for_model(type(obj))
        if source is not None:
            pending[(source.kind, id(obj))] = (source, obj, obj in deleted)
        for parent_source, getter in parent_getters(type(obj)):
            with session.no_autoflush:
                parent = getter(obj)
            if parent is not None:
                pending.setdefault((parent_source.kind, id(parent)),
                                   (parent_source, parent, False))
    shared = session.info.setdefault(_SHARED, {})
    for obj in session.dirty:
        getters = shared_getters(type(obj))
        if getters and session.is_modified(obj, include_collections=False):
            for source, records in getters:
                shared[(source.kind, id(obj))] = (source, records(obj))


def _write(session, _context):
    pending = session.info.pop(_PENDING, None)
    shared = session.info.pop(_SHARED, None)
    if shared:
        _write_shared(session, shared.values())
    if not pending:
        return
    connection = session.connection()
    with session.no_autoflush:
        for source, obj, gone in pending.values():
            if obj.id is None:
                continue
            if gone:
                connection.execute(delete(SearchDocument).where(
                    SearchDocument.kind == source.kind, SearchDocument.record_id == obj.id))
            else:
                _upsert(connection, [(source.kind, obj.id, normalise(source.text(obj)))])


def _write_shared(session, changes):
    """Re-index every record that shows a changed shared object (a renamed location), in
    the same transaction, a batch of records at a time."""
    connection = session.connection()
    with session.no_autoflush:
        for source, records in changes:
            ids = connection.execute(records).scalars().all()
            for start in range(0, len(ids), BATCH):
                chunk = session.scalars(select(source.model).where(
                    source.model.id.in_(ids[start:start + BATCH]))).all()
                _upsert(connection, [(source.kind, r.id, normalise(source.text(r)))
                                     for r in chunk])


def _upsert(connection, rows):
    values = [{"kind": kind, "record_id": record_id, "body": body}
              for kind, record_id, body in rows]
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(SearchDocument).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "record_id"], set_={"body": statement.excluded.body})
    connection.execute(statement)


def reindex(session, batch=1000, kinds=None):
    """Rebuild the documents of every registered source (after a bulk load or an
    upgrade); returns {kind: count}. Batched by id, never a whole table in memory."""
    counts = {}
    for source in sources():
        if kinds and source.kind not in kinds:
            continue
        model, last, count = source.model, 0, 0
        while True:
            records = session.scalars(select(model).options(*source.load)
                                      .where(model.id > last)
                                      .order_by(model.id).limit(batch)).all()
            if not records:
                break
            _upsert(session.connection(),
                    [(source.kind, r.id, normalise(source.text(r))) for r in records])
            last, count = records[-1].id, count + len(records)
            session.commit()
            session.expunge_all()
        counts[source.kind] = count
    return counts
