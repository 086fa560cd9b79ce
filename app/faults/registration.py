"""Every menu entry, view, API and public page of this domain, registered in one place."""
from flask_babel import lazy_gettext as _

from . import permissions as menu


def _menu(views, feedback, stickers):
    """(view class, menu name = menu_access resource, label, icon); order = menu order."""
    return [
        (views.FaultReportView, menu.FAULT_REPORTS, _("Fault reports"), "fa-bell"),
        (views.WorkOrderView, menu.WORK_ORDERS, _("Work orders"), "fa-wrench"),
        (views.WorkOrderNewView, menu.WORK_ORDERS_NEW, _("New"), "fa-inbox"),
        (views.WorkOrderOverdueView, menu.WORK_ORDERS_OVERDUE,
         _("Overdue (not accepted in time)"), "fa-clock-o"),
        (views.WorkOrderLateView, menu.WORK_ORDERS_LATE, _("Late (not completed in time)"),
         "fa-hourglass-end"),
        (views.WorkOrderAcceptedView, menu.WORK_ORDERS_ACCEPTED, _("Accepted"),
         "fa-handshake-o"),
        (views.WorkOrderPartsView, menu.WORK_ORDERS_PARTS, _("Parts on order"), "fa-pause"),
        (views.WorkOrderCompletedView, menu.WORK_ORDERS_COMPLETED, _("Completed"), "fa-check"),
        (views.WorkOrderDeclinedView, menu.WORK_ORDERS_DECLINED, _("Declined"), "fa-ban"),
        (views.WorkOrderFlaggedView, menu.WORK_ORDERS_FLAGGED, _("Needs attention"), "fa-flag"),
        (feedback.RatingView, menu.RATINGS, _("Ratings"), "fa-star"),
        (feedback.ComplaintView, menu.COMPLAINTS, _("Complaints"), "fa-exclamation-triangle"),
        (feedback.ComplaintOpenView, menu.COMPLAINTS_OPEN, _("Open complaints"),
         "fa-folder-open"),
        (feedback.ComplaintAnsweredView, menu.COMPLAINTS_ANSWERED, _("Answered complaints"),
         "fa-reply"),
        (feedback.ComplaintClosedView, menu.COMPLAINTS_CLOSED, _("Closed complaints"),
         "fa-folder"),
        (views.DeviceView, menu.DEVICES, _("Devices"), "fa-plug"),
        (stickers.StickerCodeView, menu.STICKERS, _("QR stickers"), "fa-qrcode"),
        (stickers.StickerBatchView, menu.STICKER_BATCHES, _("Sticker batches"), "fa-print"),
        (views.LocationView, menu.LOCATIONS, _("Locations"), "fa-building"),
        (views.ContractorView, menu.CONTRACTORS, _("Maintenance partners"), "fa-truck"),
    ]


def _register_scopes():
    """Outbox, Files and Audit log rows of this business are for its readers."""
    from ..security import scopes
    from .models import Device, Evidence, FaultReport, KeptPhoto

    for record_type, resource in (("FaultReport", "FaultReport"), ("WorkOrder", "FaultWorkOrder"),
                                  ("Device", "FaultDevice"), ("Location", "FaultLocation"),
                                  ("Contractor", "FaultContractor"),
                                  ("StickerCode", "FaultSticker"),
                                  ("StickerBatch", "FaultSticker")):
        scopes.register_record_types(("can_read", resource), [record_type])
    scopes.register_file_owner(FaultReport.photo_id, ("can_read", "FaultReport"))
    scopes.register_file_owner(Device.photo_id, ("can_read", "FaultDevice"))
    # a photo kept from a refused report form (until sent or cleaned up): a report's photo
    scopes.register_file_owner(KeptPhoto.file_id, ("can_read", "FaultReport"))
    # more report photos, after-photos, work reports and invoices: read with the order
    scopes.register_file_owner(Evidence.file_id, ("can_read", "FaultWorkOrder"))


def register(app, appbuilder):
    from . import (
        clock,  # noqa: F401  its listener sets each new order's completion target
        dashboard,
        labels,
        portal_pages,  # noqa: F401  routes on the public blueprint
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
    for view, name, label, icon in _menu(views, views_feedback, views_stickers):
        appbuilder.add_view(view, name, label=label, icon=icon, category=menu.CATEGORY,
                            category_label=_("Faults"), category_icon="fa-wrench")
    appbuilder.add_view_no_menu(views.WorkOrderTab)
    appbuilder.add_view_no_menu(views.FaultReportTab)
    appbuilder.add_view_no_menu(views.DeviceTab)
    appbuilder.add_view_no_menu(views_stickers.StickerCodeTab)
    for api in APIS:
        appbuilder.add_api(api)

    from datetime import timedelta

    from .. import jobs
    from .escalation import run_escalation
    from .kept_photos import run_cleanup

    jobs.register(app, "faults.escalation", run_escalation, every=timedelta(minutes=15),
                  description="Reminders, office alerts and follow-ups of late work orders")
    jobs.register(app, "faults.kept_photo_cleanup", run_cleanup, every=timedelta(hours=1),
                  description="Delete photos kept after a refused report form and never sent")

    from .. import mail
    from .orders import WORK_ORDER_PDF, built_work_order_pdf

    mail.register_builder(app, WORK_ORDER_PDF, built_work_order_pdf)

    appbuilder.sm.limiter.limit(app.config["PUBLIC_FORM_RATE_LIMIT"], methods=["POST"])(bp)
    app.register_blueprint(bp)
