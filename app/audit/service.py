"""Writing the audit log: automatically on flush, or explicitly with record()."""
import datetime
import decimal
import enum

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from ..database import utcnow
from .context import current_actor, request_origin
from .models import Audited, AuditEntry

MAX_VALUE_LENGTH = 2000


class AuditLogIsAppendOnly(Exception):
    pass


def _text(value):
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        value = value.value
    elif isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    elif isinstance(value, datetime.datetime):
        value = value.isoformat()
    elif isinstance(value, decimal.Decimal):
        value = format(value, "f")
    elif hasattr(value, "id") and hasattr(value, "__table__"):
        value = f"{value} (#{value.id})"
    return str(value)[:MAX_VALUE_LENGTH]


def entry_row(action, obj=None, subject=None, actor=None):
    """The columns of one audit row: who (the current actor unless given), when, from
    where, about what. Callers fill field/old/new and insert it."""
    actor = actor or current_actor()
    ip, agent, endpoint = request_origin()
    if subject is None:
        subject = obj.audit_subject()
    row = {
        "at": utcnow(),
        "actor_type": actor.type,
        "actor_name": actor.name,
        "user_id": actor.user_id,
        "ip_address": ip,
        "user_agent": agent,
        "endpoint": endpoint,
        "action": action,
        "subject_type": subject[0],
        "subject_id": None if subject[1] is None else str(subject[1]),
        "entity_type": type(obj).__name__ if obj is not None else subject[0],
        "entity_id": None,
        "field": None,
        "old_value": None,
        "new_value": None,
    }
    if obj is not None:
        key = inspect(obj).mapper.primary_key_from_instance(obj)
        row["entity_id"] = None if key[0] is None else str(key[0])
    return row


def _audited_columns(obj):
    mapper = inspect(obj).mapper
    excluded = set(getattr(obj, "__audit_exclude__", ()))
    for attr in mapper.column_attrs:
        if attr.key not in excluded:
            yield attr.key


def _rows_for(obj, action):
    state = inspect(obj)
    rows = []
    if action == "delete":
        return [entry_row("delete", obj)]
    for key in _audited_columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if action == "create" and new in (None, ""):
            continue
        if action == "update" and _text(old) == _text(new):
            continue
        row = entry_row(action, obj)
        row.update(field=key, old_value=_text(old), new_value=_text(new))
        rows.append(row)
    if action == "create" and not rows:
        rows.append(entry_row("create", obj))
    return rows


@event.listens_for(Audited, "mapper_configured", propagate=True)
def _load_old_values(mapper, class_):
    """Load the old value before an assignment, so an update of an expired
    attribute still records old → new."""
    for attr in mapper.column_attrs:
        class_.__mapper__.class_manager[attr.key].impl.active_history = True


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(orm_execute_state):
    """update(AuditEntry) / delete(AuditEntry) through a session are refused too."""
    if orm_execute_state.is_update or orm_execute_state.is_delete:
        mapper = orm_execute_state.bind_mapper
        if mapper is not None and mapper.class_ is AuditEntry:
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session, flush_context):
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.extend(_rows_for(obj, "create"))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            rows.extend(_rows_for(obj, "update"))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.extend(_rows_for(obj, "delete"))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def record(subject_obj, action, field=None, old=None, new=None, note=None, session=None):
    """Write one explicit entry (a transition, a mail resent, a link revoked).

    It joins the caller's transaction and is committed with it.
    """
    from ..extensions import db

    session = session or db.session
    row = entry_row(action, subject_obj)
    row.update(field=field, old_value=_text(old), new_value=_text(new if note is None else note))
    session.add(AuditEntry(**row))


def entries_for(subject_type, subject_id):
    """Select the history of one record, newest first, without the rows the current user
    may not see where they were written."""
    from ..security.scopes import hidden_entity_types

    query = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == str(subject_id))
        .order_by(AuditEntry.id.desc())
    )
    hidden = hidden_entity_types()
    if hidden:  # rows written where this user may not look (a Correctie for a Viewer)
        query = query.where(AuditEntry.entity_type.not_in(hidden))
    return query
