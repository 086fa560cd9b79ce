"""Writing roles.ROLES into FAB's security tables."""
from flask import current_app

from .roles import ADMIN, PUBLIC, ROLES


def _existing_pairs(sm):
    """Every (action, resource) FAB has registered, after add_permissions()."""
    return {(pv.permission.name, pv.view_menu.name) for pv in sm.session.query(sm.permissionview_model)}


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
    sm.add_role(ADMIN)
    sm.add_role(PUBLIC)
    # Every view's permissions exist and Admin holds them all.
    appbuilder.add_permissions(update_perms=True)
    existing = _existing_pairs(sm)
    report, all_unknown = {}, []
    for role_name, wanted in ROLES.items():
        role = sm.add_role(role_name)
        target, unknown = expand(wanted, existing)
        all_unknown += [(role_name, *u) for u in unknown]
        current = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
        added = removed = 0
        for action, resource in sorted(target - current):
            sm.add_permission_role(role, sm.find_permission_view_menu(action, resource))
            added += 1
        if prune:
            for action, resource in sorted(current - target):
                sm.del_permission_role(role, sm.find_permission_view_menu(action, resource))
                removed += 1
        report[role_name] = (added, removed)
    sm.session.commit()
    return report, all_unknown
