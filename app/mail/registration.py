from flask_babel import lazy_gettext as _

from .views import OutboxAttachmentView, OutboxView


def register(app, appbuilder):
    appbuilder.add_view(OutboxView, "Outbox", label=_("Outbox"), icon="fa-envelope",
                        category="Admin", category_label=_("Admin"), category_icon="fa-cogs")
    appbuilder.add_view_no_menu(OutboxAttachmentView)
