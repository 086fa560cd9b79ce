"""FAB's security screens with the governance rules before every save.

The classes keep FAB's names: FAB derives permission names and endpoints from
them, and the roles table and the menus use those.
"""
from flask import abort, flash, redirect, request
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security import views as fab
from flask_babel import lazy_gettext as _
from flask_login import current_user

from ..audit.views import AuditEntryView
from ..listing import FastModelView
from . import governance
from .governance_audit import governance_rows, record_logout


class AuthDBView(fab.AuthDBView):
    """Logging out is a POST with a CSRF token (another site cannot log a user out with
    an image tag); GET shows the button. The logout is on the governance log."""

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "GET":
            if not self._get_authenticated_user():
                return redirect(self.appbuilder.get_url_for_index)
            return self.render_template("logout.html", appbuilder=self.appbuilder)
        user = self._get_authenticated_user()
        if user is not None:
            record_logout(user)
        return super().logout()


# FAB's user, role and group screens are lists like ours (FastModelView; the security
# manager gives them a FastSQLAInterface): the roles and groups of a page of users, the
# permissions of a page of roles, loaded per page instead of per row (56 and 23
# statements before).
class UserDBModelView(fab.UserDBModelView, FastModelView):
    def pre_add(self, item):
        governance.check_user_change(item)
        super().pre_add(item)

    def pre_update(self, item):
        governance.check_user_change(item)
        super().pre_update(item)

    def pre_delete(self, item):
        governance.check_user_delete(item)


class RoleModelView(fab.RoleModelView, FastModelView):
    list_eager = ("permissions.permission", "permissions.view_menu")  # a permission's name

    def pre_add(self, item):
        governance.check_role_change(item)

    def pre_update(self, item):
        governance.check_role_change(item)

    def pre_delete(self, item):
        governance.check_role_change(item, deleting=True)
        super().pre_delete(item)

    def copy_role(self, items):
        """A copy is a new role with the same permissions: the same rule as adding one.
        (FAB's own copy fails on the single-record route and on a second copy.)"""
        items = items if isinstance(items, list) else [items]
        if None in items:
            abort(404)
        for item in items:
            pairs = {(pv.permission.name, pv.view_menu.name) for pv in item.permissions}
            if not governance.is_admin(current_user) and any(
                    governance.is_governance_permission(pair) for pair in pairs):
                flash(str(_("Only an administrator can copy a role with access to users, "
                            "roles or groups.")), "danger")
                break
            name, number = f"{item.name} copy", 1
            while self.datamodel.session.query(self.datamodel.obj).filter_by(
                    name=name).first():
                number += 1
                name = f"{item.name} copy {number}"
            self.datamodel.add(self.datamodel.obj(name=name, permissions=list(item.permissions)))
        self.update_redirect()
        return redirect(self.get_redirect())


# FAB registers actions by the function name the decorator saw: keep copyrole
# pointing at the checked method.
RoleModelView.copy_role._action = fab.RoleModelView.copy_role._action


class UserGroupModelView(fab.UserGroupModelView, FastModelView):
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
            abort(404)
        try:
            governance.check_password_reset(user)
        except governance.GovernanceRefused as refused:
            flash(str(refused), "danger")
            return None
        return super().form_post(form)


class FilterGovernance(BaseFilter):
    """The governance log's own rows (users, roles, groups, logins): one walk of their
    partial index, newest first."""

    name = "Governance"
    arg_name = "governance"

    def apply(self, query, value):
        return query.filter(governance_rows())


class GovernanceLogView(AuditEntryView):
    """Who changed users, roles, groups, permissions and passwords, and every login."""

    route_base = "/governance-log"
    class_permission_name = "GovernanceLog"
    base_filters = [["subject_type", FilterGovernance, None]]
    list_title = _("Governance log")
    list_columns = ["at", "action", "actor_name", "ip_address", "user_agent", "subject_type",
                    "subject_id", "change"]
