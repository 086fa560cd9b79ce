"""Writing roles.ROLES into FAB's security tables."""
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import text

from .roles import ADMIN, PUBLIC, ROLES


def expand(wanted, existing):
    """Resolve "*" actions against what FAB knows; unknown pairs are reported, not invented."""
    resolved, unknown = set(), []
    for action, resource in wanted:
        if action == "*":
            matches = {p for p in existing if p[1] == resource}
            if not matches:
                unknown.append((action, resource))
            resolved |= matches
        elif (action, resource) in existing:
            resolved.add((action, resource))
        else:
            unknown.append((action, resource))
    return resolved, unknown


def sync_roles(prune=False):
    """Create every permission of every registered view, then each role of the table.

    Idempotent. Returns {role: (added, removed)} and the list of unknown pairs.
    """
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    with _fast_commits(sm.session):
        sm.add_role(ADMIN)
        sm.add_role(PUBLIC)
        # Every view's permissions exist and Admin holds them all.
        appbuilder.add_permissions(update_perms=True)
        pvs = {(pv.permission.name, pv.view_menu.name): pv
               for pv in sm.session.query(sm.permissionview_model)}
        report, all_unknown = {}, []
        for role_name, wanted in ROLES.items():
            role = sm.add_role(role_name)
            target, unknown = expand(wanted, set(pvs))
            all_unknown += [(role_name, *u) for u in unknown]
            current = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
            # One commit for the whole table (FAB's add_permission_role commits per pair).
            for pair in sorted(target - current):
                role.permissions.append(pvs[pair])
            removed = sorted(current - target) if prune else []
            for pair in removed:
                role.permissions.remove(pvs[pair])
            report[role_name] = (len(target - current), len(removed))
        sm.session.commit()
    return report, all_unknown


@contextmanager
def _fast_commits(session):
    """FAB commits once per permission it creates: hundreds of commits on a fresh
    database. On PostgreSQL, don't wait for each to reach the disk; the sync is
    idempotent, so a crash halfway is repaired by running it again."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SET synchronous_commit TO OFF"))
    try:
        yield
    finally:
        if postgres:
            session.rollback()
            session.execute(text("RESET synchronous_commit"))
            session.commit()
