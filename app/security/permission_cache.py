"""The permission set of a combination of roles, kept in the cache (app/cache.py).

Every page asks "may this user …" dozens of times; the security manager answers them
all from one set of (action, resource) pairs per combination of roles. Computing that
set is one query; here it is kept between requests (and, with Redis, between
processes), so an ordinary page runs none. Any change to a role, its permissions or
the permissions themselves drops every kept set once it is committed, whichever path
made it: the security screens, `flask roles sync`, `flask fab` commands.
"""
from flask import has_app_context
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..cache import cache

NAME = "permissions"
TTL_SECONDS = 3600
_WATCHED = (Role, PermissionView, Permission, ViewMenu)
_CHANGED = "permissions_changed"


def role_pairs(role_ids, compute):
    """frozenset of (action, resource) for `role_ids` (a sorted tuple); `compute()` runs
    the query when the cache has no current answer."""
    key = ",".join(str(role_id) for role_id in role_ids)
    rows = cache().remember(NAME, key, lambda: sorted(list(pair) for pair in compute()),
                            TTL_SECONDS)
    return frozenset(tuple(pair) for pair in rows)


@event.listens_for(Session, "after_flush")
def _note_permission_changes(session, flush_context):
    if any(isinstance(obj, _WATCHED)
           for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _invalidate_after_commit(session):
    if session.info.pop(_CHANGED, False) and has_app_context():
        cache().invalidate(NAME)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_CHANGED, None)
