"""Every menu entry, view, API and public page of this domain, registered in one place."""
from flask_babel import lazy_gettext as _

from .. import audit, notifications
from ..mail import inbound as inbound_mail
from .permissions import (
    CATEGORY,
    MENU_CASH_REPORT,
    MENU_COUNTER,
    MENU_PRODUCTS,
    MENU_UNMATCHED,
)


def _register_scopes():
    """Outbox, Files and Audit log rows of this business are for its readers; a
    Correctie's amounts and reasons only for those who may correct."""
    from ..security import scopes
    from .models import (
        Correction,
        DeliveredProduct,
        InboundDocumentFile,
        Product,
        ServiceRequest,
    )
    from .workflow import RESOURCE

    read = ("can_read", RESOURCE)
    scopes.register_record_types(read, ["ServiceRequest", "InboundDocument"])
    scopes.register_record_types(("can_read", "Product"), [Product.__name__])
    for column in (ServiceRequest.id_card_file_id, InboundDocumentFile.stored_file_id,
                   DeliveredProduct.stored_file_id):
        scopes.register_file_owner(column, read)
    scopes.register_entity_permission(Correction.__name__, ("can_correct", RESOURCE))


def register(app, appbuilder):
    from . import clock, display  # noqa: F401  clock: its listeners keep the due moment
    from .api import IntakeApi, ProductApi, ServiceRequestApi
    from .cash_report import CashReportView
    from .counter import CounterRequestView
    from .dashboard import register_dashboard
    from .inbound import UnmatchedMailView, handle_mail
    from .models import AUDITED
    from .public import blueprint
    from .reminders import register_jobs
    from .rules import NOTIFICATION_KINDS
    from .search import register as register_search
    from .tabs import TABS
    from .views import LIST_BUTTONS, ProductView

    notifications.register_kinds(NOTIFICATION_KINDS)
    audit.register_labels(records=display.AUDIT_RECORDS, fields=display.audit_fields(AUDITED),
                          values=display.audit_values(), actions=display.AUDIT_ACTIONS)
    display.register_audit_readers()
    _register_scopes()
    for tab in TABS:
        appbuilder.add_view_no_menu(tab)
    menu = {"category": CATEGORY, "category_label": _("Service requests"),
                "category_icon": "fa-folder-open"}
    for group in LIST_BUTTONS:
        for view, name, label, icon in group:
            appbuilder.add_view(view, name, label=label, icon=icon, **menu)
        appbuilder.add_separator(CATEGORY)
    appbuilder.add_view(CounterRequestView, MENU_COUNTER, label=_("New request (counter)"),
                        icon="fa-plus", **menu)
    appbuilder.add_view(UnmatchedMailView, MENU_UNMATCHED, label=_("Unmatched mail"),
                        icon="fa-envelope-o", **menu)
    appbuilder.add_view(CashReportView, MENU_CASH_REPORT, label=_("Cash report"),
                        icon="fa-calculator", **menu)
    appbuilder.add_view(ProductView, MENU_PRODUCTS, label=_("Products"), icon="fa-tags",
                        **menu)

    register_search()
    register_dashboard()
    register_jobs(app)
    appbuilder.add_api(IntakeApi)
    appbuilder.add_api(ServiceRequestApi)
    appbuilder.add_api(ProductApi)

    app.register_blueprint(blueprint)
    appbuilder.sm.limiter.limit(app.config["PUBLIC_FORM_RATE_LIMIT"],
                                methods=["POST"])(blueprint)
    inbound_mail.register_handler(app, handle_mail)
