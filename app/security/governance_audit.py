"""The governance trail: every change to users, roles, groups, a role's permissions and
passwords, and every login attempt, written to the (append-only) audit log with who,
when and from where.

FAB's own tables are not `Audited` models, so a flush listener of their own reads
the changes here, whichever path made them: the security screens, `flask roles sync`,
`flask fab` commands or a password reset. Passwords are never written, only that
one was set. The login counters FAB keeps on the user row are not governance and
are left out (the login rows say the same, with an address).

A password set, an account deactivated or deleted also ends that user's sessions once the
change is committed (sessions.py): the old password's browser is signed out everywhere.
"""
import logging

from flask_appbuilder.security.sqla.models import Group, Role, User
from flask_babel import lazy_gettext as _
from sqlalchemy import Index, event, insert, inspect
from sqlalchemy.orm import Session

from ..audit.context import Actor
from ..audit.labels import register_labels
from ..audit.models import AuditEntry
from ..audit.service import entry_row
from ..database import literals, partial_index_condition
from ..extensions import db
from . import scopes, sessions

log = logging.getLogger(__name__)
PASSWORD_SET = "set"
# Per model: the record type in the log, its plain columns, its relations.
TRACKED = {
    User: ("User", ("username", "first_name", "last_name", "email", "active", "password"),
           ("roles", "groups")),
    Role: ("Role", ("name",), ("permissions",)),
    Group: ("Group", ("name", "label", "description"), ("users", "roles")),
}
LOGIN = "Login"  # subject of an attempt with a name that matches no account
GOVERNANCE_SUBJECTS = ("User", "Role", "Group", LOGIN)
scopes.register_record_types(("can_list", "GovernanceLog"), GOVERNANCE_SUBJECTS)
scopes.register_record_types(("can_list", "Outbox"), ["OutboxMessage"])


def governance_rows():
    """The governance log's rows, the condition of its partial index below."""
    return partial_index_condition(AuditEntry.subject_type.in_(literals(GOVERNANCE_SUBJECTS)))


# The governance log newest first: a walk of this index of its rows only, a few hundred
# among millions of the businesses' own (without it the database walked the whole log
# backwards by id looking for them: 15 s at five million rows). The subject type in it
# makes it enough for the bounded count (SQLite reads the table for any column the
# condition names that the index does not hold).
GOVERNANCE_INDEX = Index("ix_audit_governance", AuditEntry.id, AuditEntry.subject_type,
                         sqlite_where=governance_rows(), postgresql_where=governance_rows())


register_labels(
    records={"User": _("User"), "Role": _("Role"), "Group": _("Group"), LOGIN: _("Login attempt")},
    actions={"login": _("Logged in"), "login_failed": _("Login failed"),
             "logout": _("Logged out")},
    fields={("User", "username"): _("User name"), ("User", "first_name"): _("First name"),
            ("User", "last_name"): _("Last name"), ("User", "email"): _("E-mail"),
            ("User", "active"): _("Active"), ("User", "password"): _("Password"),
            ("User", "roles"): _("Roles"), ("User", "groups"): _("Groups"),
            ("Role", "name"): _("Name"), ("Role", "permissions"): _("Permissions"),
            ("Group", "name"): _("Name"), ("Group", "label"): _("Label"),
            ("Group", "description"): _("Description"), ("Group", "users"): _("Users"),
            ("Group", "roles"): _("Roles")},
    values={("User", "password"): {PASSWORD_SET: _("(new password set)")}},
)


def _name(item):
    if isinstance(item, User):
        return item.username
    if isinstance(item, (Role, Group)):
        return item.name
    return f"{item.permission.name} {item.view_menu.name}"  # a permission on a view


def _names(items):
    return ", ".join(sorted(_name(item) for item in items))


def _column_rows(obj, action, record_type, columns):
    state = inspect(obj)
    rows = []
    for key in columns:
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if key == "password":
            old, new = None, PASSWORD_SET if new else None
        elif action == "create" and new in (None, ""):
            continue
        elif str(old) == str(new):
            continue
        rows.append(_row(action, obj, record_type, key, old, new))
    return rows


def _relation_rows(obj, action, record_type, relations):
    """Roles and groups as the whole list before → after; permissions (hundreds on a role)
    as what was taken away → what was added."""
    state = inspect(obj)
    rows = []
    for key in relations:
        history = state.attrs[key].history
        if not (history.added or history.deleted):
            continue
        if key == "permissions":
            old, new = _names(history.deleted) or None, _names(history.added) or None
        else:
            unchanged = list(history.unchanged)
            old = _names(unchanged + list(history.deleted)) if action != "create" else None
            new = _names(unchanged + list(history.added))
        rows.append(_row(action, obj, record_type, key, old, new))
    return rows


def _row(action, obj, record_type, field=None, old=None, new=None):
    row = entry_row(action, obj, subject=(record_type, obj.id))
    row.update(entity_type=record_type, field=field,
               old_value=None if old is None else str(old)[:2000],
               new_value=None if new is None else str(new)[:2000])
    return row


@event.listens_for(Session, "after_flush")
def _write_governance_rows(session, flush_context):
    rows = []
    for objects, action in ((session.new, "create"), (session.dirty, "update"),
                            (session.deleted, "delete")):
        for obj in objects:
            tracked = TRACKED.get(type(obj))
            if tracked is None:
                continue
            record_type, columns, relations = tracked
            if isinstance(obj, User) and _ends_sessions(obj, action):
                session.info.setdefault(_END_SESSIONS, set()).add(obj.id)
            if action == "delete":
                rows.append(_row("delete", obj, record_type, "name", _name(obj), None))
                continue
            found = (_column_rows(obj, action, record_type, columns)
                     + _relation_rows(obj, action, record_type, relations))
            if action == "create" and not found:
                found = [_row("create", obj, record_type)]
            rows.extend(found)
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


_END_SESSIONS = "end_user_sessions"


def _ends_sessions(user, action):
    if action == "delete":
        return True
    if action != "update":
        return False
    state = inspect(user)
    return state.attrs["password"].history.has_changes() or (
        state.attrs["active"].history.has_changes() and not user.active)


@event.listens_for(Session, "after_commit")
def _end_sessions_after_commit(session):
    for user_id in session.info.pop(_END_SESSIONS, ()):
        try:
            sessions.end_user_sessions(user_id)
        except Exception:  # the change is committed; say loudly that old sessions live on
            log.exception("could not end the sessions of user %s", user_id)


@event.listens_for(Session, "after_rollback")
def _keep_sessions_after_rollback(session):
    session.info.pop(_END_SESSIONS, None)


def record_login(typed_name, user, succeeded):
    """One row per login attempt (the web form and the API alike), committed at once:
    a failed attempt is not rolled back with anything else."""
    known = user if user is not None else _account(typed_name)
    actor = (Actor("user", user.username, user.id) if succeeded
             else Actor("anonymous", (typed_name or "")[:256]))
    row = entry_row("login" if succeeded else "login_failed", None,
                    subject=("User", known.id) if known is not None else (LOGIN, None),
                    actor=actor)
    db.session.add(AuditEntry(**row))
    db.session.commit()


def record_logout(user):
    row = entry_row("logout", None, subject=("User", user.id),
                    actor=Actor("user", user.username, user.id))
    db.session.add(AuditEntry(**row))
    db.session.commit()


def _account(typed_name):
    if not typed_name:
        return None
    return db.session.query(User).filter(
        (User.username == typed_name) | (User.email == typed_name)).first()
