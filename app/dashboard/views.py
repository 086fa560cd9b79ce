from flask import abort
from flask_appbuilder import BaseView, expose, has_access

from .registry import dashboards_for_user, get


class DashboardView(BaseView):
    """/dashboard/<name>: one domain's dashboard, for those who may read that domain."""

    route_base = "/dashboard"
    class_permission_name = "Dashboard"
    method_permission_name = {"show": "read"}

    @expose("/<name>")
    @has_access
    def show(self, name):
        allowed = dashboards_for_user()
        dashboard = get(name)
        if dashboard is None and allowed:
            abort(404)
        if dashboard not in allowed:
            abort(403)
        return self.render_template("dashboard/page.html", title=dashboard.label,
                                    dashboards=[(dashboard, dashboard.build())])
