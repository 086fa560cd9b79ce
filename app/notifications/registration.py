from flask import g
from flask_babel import lazy_gettext as _

MENU = "My notifications"


def register(app, appbuilder):
    from .. import jobs
    from .service import digest, unread_count
    from .views import NotificationView

    appbuilder.add_view(NotificationView, MENU, label=_("My notifications"), icon="fa-bell")
    jobs.register(app, "notifications.daily_digest", digest, at="07:00",
                  description="Daily mail of unread notifications to users who asked for it")

    @app.context_processor
    def notification_count():
        """For the menu bar: how many unread notifications the user has (0 when anonymous)."""
        def count():
            user = getattr(g, "user", None)
            if user is None or not getattr(user, "is_authenticated", False):
                return 0
            return unread_count(user.id)
        return {"unread_notifications": count}

