"""What a user may see in the shared screens (Outbox, Files, Audit log): only records of
a business its roles may read.

Shared services know no domain, so the domains *register* here, at start-up:
- `register_record_types(permission, types)`: audit and outbox rows about these
  record types are for users with `permission` (("can_read", "ServiceRequest")).
- `register_file_owner(column, permission)`: a stored file referenced by `column`
  (ServiceRequest.id_card_file_id) may be opened by users with `permission`.
- `register_entity_permission(entity_type, permission)`: audit rows written for this
  record type (Correction) are shown only to users with `permission`, also on the
  Audit tab of a record they may otherwise read.

Admin sees everything, also rows about no record (a system mail).
"""
from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_login import current_user
from sqlalchemy import exists, or_, select

RECORD_TYPES = {}      # record type → (action, resource) that reads it
FILE_OWNERS = []       # [(column holding stored_file.id, (action, resource))]
ENTITY_PERMISSIONS = {}  # entity type → (action, resource) that may see its audit rows


def register_record_types(permission, record_types):
    for record_type in record_types:
        RECORD_TYPES[record_type] = tuple(permission)


def register_file_owner(column, permission):
    FILE_OWNERS.append((column, tuple(permission)))


def register_entity_permission(entity_type, permission):
    ENTITY_PERMISSIONS[entity_type] = tuple(permission)


def _sm():
    from flask import current_app

    return current_app.appbuilder.sm


def _may(permission):
    """has_access without FAB's g.user (not set outside its request hooks)."""
    sm = _sm()
    if current_user and current_user.is_authenticated:
        return sm._has_view_access(current_user, *permission)
    return sm.is_item_public(*permission)


def _cached(key, compute):
    if not has_request_context():
        return compute()
    cache = g.setdefault("_scopes", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def sees_everything():
    """Admin: every record type, and rows about no record."""
    def compute():
        from .governance import is_admin

        return bool(current_user and current_user.is_authenticated and is_admin(current_user))
    return _cached("admin", compute)


def readable_record_types():
    """Record types whose business the current user's roles may read."""
    return _cached("types", lambda: sorted(
        t for t, permission in RECORD_TYPES.items() if _may(permission)))


def hidden_entity_types():
    """Record types whose audit rows the current user may not see (none for the CLI)."""
    if not has_request_context():
        return []
    return _cached("hidden", lambda: sorted(
        t for t, permission in ENTITY_PERMISSIONS.items() if not _may(permission)))


def may_open_file(stored_file, session):
    """A back-office user opens a stored file only through a record it may read."""
    if sees_everything():
        return True
    owners = [column for column, permission in FILE_OWNERS if _may(permission)]
    if not owners:
        return False
    return session.scalar(select(or_(*(
        exists().where(column == stored_file.id) for column in owners))))


class FilterReadableRecords(BaseFilter):
    """FAB base filter: rows whose `subject_type` column names a readable record type;
    on the audit log also without the rows of hidden entity types."""

    name = "Readable records"
    arg_name = "readable"

    def apply(self, query, value):
        if sees_everything():
            return query
        column = getattr(self.model, self.column_name)
        query = query.filter(column.in_(readable_record_types()))
        hidden = hidden_entity_types()
        if hidden and hasattr(self.model, "entity_type"):
            query = query.filter(self.model.entity_type.not_in(hidden))
        return query
