"""Who may grant what: the rules that keep role management from becoming a way to Admin.

An Admin may do everything. Anyone else who reaches the security screens (a RoleManager):
- grants only the roles its own roles list in roles.GRANTS, or a role made in the
  screens that carries no governance permission — never Admin, never Public;
- never changes its own account there, a role it holds, or a group it is in;
- never manages a user or group that holds a role it may not grant (an Admin's
  account, password and groups stay out of its reach);
- never puts a governance permission (users, roles, groups, passwords, the
  governance log) into a role, so it cannot make a second, wider role manager.

The security screens (app/security/views.py) call these checks before saving; a
refusal is a GovernanceRefused with a message people can read.
"""
from flask import current_app
from flask_babel import lazy_gettext as _
from flask_login import current_user
from sqlalchemy import inspect

from ..errors import DomainError
from .roles import GOVERNANCE_RESOURCES, GRANTS, OWN_ACCOUNT, PUBLIC, ROLES

_OWN_ACCOUNT = set(OWN_ACCOUNT)


class GovernanceRefused(DomainError):
    """A change to users, roles or groups that the acting user may not make
    (FAB's screens flash str() of it)."""


def _admin_role_name():
    return current_app.config.get("AUTH_ROLE_ADMIN", "Admin")


def effective_roles(user, roles=None, groups=None):
    """The roles a user holds directly and through its groups (by name)."""
    roles = user.roles if roles is None else roles
    groups = getattr(user, "groups", []) if groups is None else groups
    names = {role.name for role in roles}
    for group in groups:
        names |= {role.name for role in group.roles}
    return names


def held_roles(actor):
    """The actor's role names as stored, not as a form being saved left them: the
    actor's own user object may be the one a screen just filled in."""
    roles = _history(actor, "roles")[0]
    names = {role.name for role in roles}
    for group in _history(actor, "groups")[0]:
        names |= {role.name for role in _history(group, "roles")[0]}
    return names


def is_admin(user):
    return _admin_role_name() in held_roles(user)


def is_governance_permission(pair):
    return pair[1] in GOVERNANCE_RESOURCES and pair not in _OWN_ACCOUNT


def _pairs(permissions):
    return {(pv.permission.name, pv.view_menu.name) for pv in permissions}


def may_grant(actor, role):
    """May `actor` give `role` to someone (directly or through a group)?"""
    if is_admin(actor):
        return True
    if role.name in (_admin_role_name(), PUBLIC):
        return False
    granted = set()
    for name in held_roles(actor):
        granted |= set(GRANTS.get(name, ()))
    if role.name in granted:
        return True
    if role.name in ROLES:  # a table role this actor's roles do not list
        return False
    return not any(is_governance_permission(pair) for pair in _pairs(role.permissions))


def _history(obj, key):
    """(before, after) of a relation in this unit of work."""
    state = inspect(obj)
    if state.transient or state.pending:
        return [], list(getattr(obj, key))
    history = state.attrs[key].load_history()
    unchanged = list(history.unchanged)
    return unchanged + list(history.deleted), unchanged + list(history.added)


def _actor(actor):
    return current_user if actor is None else actor


def _refuse_unmanageable(actor, role_names, message):
    roles = current_app.appbuilder.sm.session.query(
        current_app.appbuilder.sm.role_model).filter(
        current_app.appbuilder.sm.role_model.name.in_(role_names))
    if not all(may_grant(actor, role) for role in roles):
        raise GovernanceRefused(message)


def check_user_change(user, actor=None):
    """Before a user is added or saved in the users screen."""
    actor = _actor(actor)
    if is_admin(actor):
        return
    new = inspect(user).transient or inspect(user).pending
    if not new and user.id == actor.id:
        raise GovernanceRefused(_(
            "You cannot change your own account here: your roles are given by another "
            "role manager or an administrator. Your name and password are under Profile."))
    roles_before, roles_after = _history(user, "roles")
    groups_before, groups_after = _history(user, "groups")
    if not new:
        _refuse_unmanageable(actor, effective_roles(user, roles_before, groups_before), _(
            "This user has a role you may not grant; only an administrator can change "
            "this account."))
    for role in set(roles_after) | {r for grp in groups_after for r in grp.roles}:
        if not may_grant(actor, role):
            raise GovernanceRefused(_("You may not grant the role %(role)s.", role=role.name))


def check_user_delete(user, actor=None):
    check_user_change(user, actor)


def check_password_reset(user, actor=None):
    """Setting another user's password is taking over that account: the same rules."""
    check_user_change(user, actor)


def check_role_change(role, actor=None, deleting=False):
    """Before a role is added, saved or deleted in the roles screen."""
    actor = _actor(actor)
    if is_admin(actor):
        return
    state = inspect(role)
    new = state.transient or state.pending
    name_before = role.name if new else state.attrs["name"].load_history()
    if not new:
        name_before = (list(name_before.deleted) or list(name_before.unchanged)
                       or [role.name])[0]
        if name_before in (_admin_role_name(), PUBLIC):
            raise GovernanceRefused(_("Only an administrator can change the role %(role)s.",
                                      role=name_before))
        if name_before in held_roles(actor):
            raise GovernanceRefused(_(
                "You cannot change a role you hold yourself (%(role)s).", role=name_before))
    if deleting:
        return
    before, after = _history(role, "permissions")
    added = _pairs(after) - _pairs(before)
    wider = sorted(pair for pair in added if is_governance_permission(pair))
    if wider:
        raise GovernanceRefused(_(
            "Only an administrator can give a role access to users, roles or groups "
            "(%(permission)s).", permission=f"{wider[0][0]} {wider[0][1]}"))


def check_group_change(group, actor=None):
    """Before a group is added, saved or deleted in the groups screen."""
    actor = _actor(actor)
    if is_admin(actor):
        return
    users_before, users_after = _history(group, "users")
    roles_before, roles_after = _history(group, "roles")
    if any(user.id == actor.id for user in set(users_before) | set(users_after)):
        raise GovernanceRefused(_("You cannot change a group you are a member of."))
    for role in set(roles_before) | set(roles_after):
        if not may_grant(actor, role):
            raise GovernanceRefused(_("You may not grant the role %(role)s.", role=role.name))
