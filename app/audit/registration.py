from flask_babel import lazy_gettext as _

from .views import AuditEntryView


def register(app, appbuilder):
    appbuilder.add_view(AuditEntryView, "Audit log", label=_("Audit log"),
                        icon="fa-history", category="Admin", category_label=_("Admin"),
                        category_icon="fa-cogs")
