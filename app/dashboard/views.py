from flask import abort
from flask_appbuilder import BaseView, expose
from flask_login import current_user

from .registry import dashboards_for_user, get


class DashboardView(BaseView):
    """/dashboard/<name>: one domain's dashboard, for those who may read that domain."""

    route_base = "/dashboard"

    @expose("/<name>")
    def show(self, name):
        if not current_user.is_authenticated:
            abort(403)
        allowed = dashboards_for_user()
        dashboard = get(name)
        if dashboard is None and allowed:
            abort(404)
        if dashboard not in allowed:
            abort(403)
        return self.render_template("dashboard/page.html", title=dashboard.label,
                                    dashboards=[(dashboard, dashboard.build())])
