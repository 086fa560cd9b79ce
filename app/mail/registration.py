from flask_babel import lazy_gettext as _

from .views import OutboxView


def register(app, appbuilder):
    appbuilder.add_view(OutboxView, "Mail outbox", label=_("Outbox"), icon="fa-envelope",
                        category="Admin", category_label=_("Admin"), category_icon="fa-cogs")
