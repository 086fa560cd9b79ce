"""Every menu entry, view, API and public page of this domain, registered in one place."""
from flask_babel import lazy_gettext as _

CATEGORY = "Faults"

# (view, menu name = menu_access resource, label, icon); order = menu order.
MENU = [
    ("FaultReportView", "Fault reports", _("Fault reports"), "fa-bell"),
    ("WorkOrderView", "Work orders", _("Work orders"), "fa-wrench"),
    ("WorkOrderNewView", "Work orders: new", _("New"), "fa-inbox"),
    ("WorkOrderOverdueView", "Work orders: overdue", _("Overdue (not accepted in time)"),
     "fa-clock-o"),
    ("WorkOrderAcceptedView", "Work orders: accepted", _("Accepted"), "fa-handshake-o"),
    ("WorkOrderPartsView", "Work orders: parts on order", _("Parts on order"), "fa-pause"),
    ("WorkOrderCompletedView", "Work orders: completed", _("Completed"), "fa-check"),
    ("WorkOrderDeclinedView", "Work orders: declined", _("Declined"), "fa-ban"),
    ("WorkOrderFlaggedView", "Work orders: needs attention", _("Needs attention"), "fa-flag"),
    ("RatingView", "Ratings", _("Ratings"), "fa-star"),
    ("ComplaintView", "Complaints", _("Complaints"), "fa-exclamation-triangle"),
    ("ComplaintOpenView", "Complaints: open", _("Open complaints"), "fa-folder-open"),
    ("ComplaintAnsweredView", "Complaints: answered", _("Answered complaints"), "fa-reply"),
    ("ComplaintClosedView", "Complaints: closed", _("Closed complaints"), "fa-folder"),
    ("DeviceView", "Devices", _("Devices"), "fa-plug"),
    ("StickerCodeView", "QR stickers", _("QR stickers"), "fa-qrcode"),
    ("LocationView", "Locations", _("Locations"), "fa-building"),
    ("ContractorView", "Maintenance partners", _("Maintenance partners"), "fa-truck"),
]
MENU_NAMES = [CATEGORY] + [name for _view, name, _label, _icon in MENU]


def _register_scopes():
    """Outbox, Files and Audit log rows of this business are for its readers."""
    from ..security import scopes
    from .models import Device, Evidence, FaultReport

    for record_type, resource in (("FaultReport", "FaultReport"), ("WorkOrder", "FaultWorkOrder"),
                                  ("Device", "FaultDevice"), ("Location", "FaultLocation"),
                                  ("Contractor", "FaultContractor"),
                                  ("StickerCode", "FaultSticker")):
        scopes.register_record_types(("can_read", resource), [record_type])
    scopes.register_file_owner(FaultReport.photo_id, ("can_read", "FaultReport"))
    scopes.register_file_owner(Device.photo_id, ("can_read", "FaultDevice"))
    # more report photos, after-photos, work reports and invoices: read with the order
    scopes.register_file_owner(Evidence.file_id, ("can_read", "FaultWorkOrder"))


def register(app, appbuilder):
    from . import (
        dashboard,
        labels,
        search,
        token_pages,  # noqa: F401  routes on the public blueprint
        views,
        views_feedback,
        views_stickers,
    )
    from .api import APIS
    from .public import bp

    labels.register()
    _register_scopes()
    search.register()
    dashboard.register_dashboard()
    found = {**vars(views), **vars(views_feedback), **vars(views_stickers)}
    for view_name, name, label, icon in MENU:
        appbuilder.add_view(found[view_name], name, label=label, icon=icon, category=CATEGORY,
                            category_label=_("Faults"), category_icon="fa-wrench")
    appbuilder.add_view_no_menu(views.WorkOrderTab)
    appbuilder.add_view_no_menu(views.FaultReportTab)
    appbuilder.add_view_no_menu(views.DeviceTab)
    for api in APIS:
        appbuilder.add_api(api)

    from datetime import timedelta

    from .. import jobs
    from .escalation import run_escalation

    jobs.register(app, "faults.escalation", run_escalation, every=timedelta(minutes=15),
                  description="Reminders, office alerts and follow-ups of late work orders")

    appbuilder.sm.limiter.limit(app.config["PUBLIC_FORM_RATE_LIMIT"], methods=["POST"])(bp)
    app.register_blueprint(bp)
