"""Mijn meldingen: the user's own notifications; opening one marks it read."""
from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from ..unit_of_work import unit_of_work
from . import service
from .models import Notification, NotificationSetting

PAGE = 100


class NotificationView(BaseView):
    route_base = "/notifications"
    class_permission_name = "Notification"
    base_permissions = ["can_read"]
    method_permission_name = {"mine": "read", "open": "read", "read_all": "read",
                              "digest": "read"}
    default_view = "mine"

    @expose("/")
    @has_access
    def mine(self):
        rows = db.session.scalars(select(Notification).where(Notification.user_id == g.user.id)
                                  .order_by(Notification.id.desc()).limit(PAGE)).all()
        setting = db.session.get(NotificationSetting, g.user.id)
        return self.render_template("notifications/mine.html", title=_("My notifications"),
                                    rows=rows, text_of=service.text_of,
                                    daily_digest=bool(setting and setting.daily_digest))

    @expose("/open/<int:pk>")
    @has_access
    def open(self, pk):
        row = db.session.get(Notification, pk)
        if row is None or row.user_id != g.user.id:
            abort(404)
        with unit_of_work():
            row.read_at = row.read_at or utcnow()
        return redirect(row.url)

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        with unit_of_work(done=_("All notifications marked as read.")):
            service.mark_all_read(g.user.id)
        return redirect(url_for("NotificationView.mine"))

    @expose("/digest", methods=["POST"])
    @has_access
    def digest(self):
        with unit_of_work(done=_("Saved.")):
            setting = db.session.get(NotificationSetting, g.user.id)
            if setting is None:
                setting = NotificationSetting(user_id=g.user.id)
                db.session.add(setting)
            setting.daily_digest = request.form.get("daily_digest") == "y"
        return redirect(url_for("NotificationView.mine"))
