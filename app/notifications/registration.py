"""Staff notifications: the screen, the digest job and the menu bar's unread count."""
from flask import g


def register(app, appbuilder):
    from .. import jobs
    from .service import FIGURE, digest, unread_count, unread_of
    from .views import NotificationView

    # Reached from the bell in the menu bar (with the unread count), not from a menu.
    appbuilder.add_view_no_menu(NotificationView)
    appbuilder.sm.load_with_user(FIGURE, unread_of)
    jobs.register(app, "notifications.daily_digest", digest, at="07:00",
                  description="Daily mail of unread notifications to users who asked for it")

    @app.context_processor
    def notification_count():
        """For the menu bar: how many unread notifications the user has; None for users
        without notifications (anonymous, the role manager): no bell at all."""
        def count():
            user = getattr(g, "user", None)
            if user is None or not getattr(user, "is_authenticated", False):
                return None
            if not appbuilder.sm.has_access("can_read", "Notification"):
                return None
            return unread_count(user.id)
        return {"unread_notifications": count}

