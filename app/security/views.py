"""FAB's security screens with the governance rules before every save.

The classes keep FAB's names: FAB derives permission names and endpoints from
them, and the roles table and the menus use those.
"""
from flask import flash, redirect, request
from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.security import views as fab
from flask_babel import lazy_gettext as _

from ..audit.views import AuditEntryView
from . import governance
from .governance_audit import GOVERNANCE_SUBJECTS


class UserDBModelView(fab.UserDBModelView):
    def pre_add(self, item):
        governance.check_user_change(item)
        super().pre_add(item)

    def pre_update(self, item):
        governance.check_user_change(item)
        super().pre_update(item)

    def pre_delete(self, item):
        governance.check_user_delete(item)


class RoleModelView(fab.RoleModelView):
    def pre_add(self, item):
        governance.check_role_change(item)

    def pre_update(self, item):
        governance.check_role_change(item)

    def pre_delete(self, item):
        governance.check_role_change(item, deleting=True)
        super().pre_delete(item)

    def copy_role(self, items):
        """A copy is a new role with the same permissions: the same rule as adding one."""
        for item in items:
            if any(governance.is_governance_permission((pv.permission.name, pv.view_menu.name))
                   for pv in item.permissions) and not governance.is_admin(self._user()):
                flash(str(_("Only an administrator can copy a role with access to users, "
                            "roles or groups.")), "danger")
                self.update_redirect()
                return redirect(self.get_redirect())
        return super().copy_role(items)

    @staticmethod
    def _user():
        from flask_login import current_user

        return current_user


# FAB registers actions by the function name the decorator saw: keep copyrole
# pointing at the checked method.
RoleModelView.copy_role._action = fab.RoleModelView.copy_role._action


class UserGroupModelView(fab.UserGroupModelView):
    def pre_add(self, item):
        governance.check_group_change(item)

    def pre_update(self, item):
        governance.check_group_change(item)

    def pre_delete(self, item):
        governance.check_group_change(item)
        super().pre_delete(item)


class ResetPasswordView(fab.ResetPasswordView):
    def form_post(self, form):
        user = self.appbuilder.sm.get_user_by_id(request.args.get("pk"))
        if user is None:
            from flask import abort

            abort(404)
        try:
            governance.check_password_reset(user)
        except governance.GovernanceRefused as refused:
            flash(str(refused), "danger")
            return None
        return super().form_post(form)


def _governance_subjects():
    return list(GOVERNANCE_SUBJECTS)


class GovernanceLogView(AuditEntryView):
    """Who changed users, roles, groups, permissions and passwords, and every login."""

    route_base = "/governance-log"
    class_permission_name = "GovernanceLog"
    base_filters = [["subject_type", FilterInFunction, _governance_subjects]]
    list_title = _("Governance log")
    list_columns = ["at", "action", "actor_name", "ip_address", "user_agent", "subject_type",
                    "subject_id", "change"]
