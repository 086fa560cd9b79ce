"""Back office (FAB) for fault reports: declarative views (ratings and complaints:
views_feedback.py).

Every view of a resource shares one `class_permission_name` and maps its
methods to can_read / can_write (Superset style), so a role is a small matrix:
Viewer reads, FacilityManager reads and writes. Records made by the public
pages (reports, orders, ratings, complaints) cannot be added here.
"""
from datetime import timedelta

from flask import Response, abort, current_app, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import BaseFilter, FilterEqual
from flask_babel import lazy_gettext as _
from markupsafe import Markup
from sqlalchemy import and_, or_
from wtforms.validators import Email, Optional

from .. import audit
from ..audit.tab import tab_rows
from ..database import utcnow
from ..export import ExportMixin
from ..extensions import db
from ..filter_bar import FILTER_BAR_TEMPLATE, FilterBarMixin
from ..formatting import format_datetime
from ..listing import FastModelView, FastSQLAInterface
from ..mail import sent_about
from ..mail.models import OutboxStatus
from ..money import AmountField, format_amount, format_money
from ..search.filters import contains_through_index
from ..show_page import ShowPageMixin
from ..unit_of_work import unit_of_work
from . import DOMAIN, clock, evidence, portal, qr, tokens, workflow
from . import permissions as menu
from .labels import LABELS
from .models import (
    Contractor,
    Device,
    FaultReport,
    Location,
    StickerCode,
    WorkOrder,
    WorkOrderStatus,
    flagged_condition,
)
from .workflow import COMPLAINT_LABELS, STATUS_LABELS

READ_WRITE = {
    "list": "read", "show": "read", "download": "read",
    "add": "write", "edit": "write", "delete": "write", "action": "write", "action_post": "write",
}
# Records the public pages create (reports, orders, ratings, complaints): no add and
# no delete route, and mapping them apart keeps FAB from showing their buttons.
NO_ADD = {**READ_WRITE, "add": "add", "delete": "delete"}


def _status(value):
    return STATUS_LABELS.get(value, value)


def _yes_no(value):
    return "" if value is None else (_("Yes") if value else _("No"))


def _text_or_blank(value):
    return "" if value is None else str(value)


def _one_decimal(value):
    return format_amount(value, places=1)


def _money(value):
    return format_money(value, DOMAIN)


def _when(value):
    """A moment as this business reads it: in the faults' time zone (FAULTS_TIMEZONE)."""
    return format_datetime(value, DOMAIN)


def _date(value):
    return value.strftime("%d-%m-%Y") if value else ""


def _photo_link(stored):
    if not stored:
        return ""
    src = url_for("FileView.thumbnail", key=stored.key)
    return Markup('<a href="{}"><img src="{}" style="max-width:200px" alt=""></a>').format(
        url_for("FileView.download", key=stored.key), src)


def _complete_badge(state):
    """The list's completion clock: the due date, with a red Late badge when past it."""
    state, due_at = state
    text = format_datetime(due_at, DOMAIN) if due_at else ""
    if state == "late":
        return Markup('{} <span class="label label-danger badge-late">{}</span>').format(
            text, _("Overdue"))
    return text if state == "running" else ""


class FaultModelView(ShowPageMixin, FilterBarMixin, ExportMixin, FastModelView):
    method_permission_name = READ_WRITE

    def pre_delete(self, item):
        workflow.check_delete(item)  # DomainError: FAB shows the message, deletes nothing
    label_columns = LABELS
    page_size = 25
    formatters_columns = {
        "created_at": _when, "registered_at": _when,
        "accepted_at": _when, "parts_ordered_at": _when,
        "completed_at": _when, "responded_at": _when,
        "closed_at": _when, "status": _status, "warranty": _yes_no,
        "solved": _yes_no, "invoice_total": _money, "photo": _photo_link,
        "in_use": _yes_no, "appointment_date": _date, "average": _one_decimal,
        "priority": lambda value: workflow.PRIORITY_LABELS.get(value, value),
        "complete_state": _complete_badge,
        "appointment_time": lambda value: value.strftime("%H:%M") if value else "",
        **dict.fromkeys(("assigned_at", "declined_at", "flagged_at", "reminder_sent_at",
                         "manager_alerted_at", "followup_sent_at"), _when),
        **dict.fromkeys((
            "reopened_from", "flag_reason", "decline_reason", "location",
            "device", "registered_by", "default_contractor", "work_order", "sticker",
            "contractor_remarks", "contractor_reference", "internal_note", "contractor_note",
            "serial_number", "comment", "response", "placement", "reporter_phone", "contact_name",
            "contact_phone", "contact_email", "phone", "contact_person"), _text_or_blank),
    }


# ---------------------------------------------------------------- work orders

class OverdueFilter(BaseFilter):
    """New and not accepted within its priority's target (24 hours for a normal report)."""

    name = _("Overdue")
    arg_name = "overdue"

    def apply(self, query, value):
        now = utcnow()
        targets = current_app.config["FAULTS_TARGETS"]
        return query.filter(WorkOrder.status == WorkOrderStatus.NEW, or_(*[
            and_(WorkOrder.sent_at < now - timedelta(hours=target["accept_hours"]),
                 WorkOrder.report.has(FaultReport.priority == priority))
            for priority, target in targets.items()]))


class LateFilter(BaseFilter):
    """Not completed and past its completion target (the (status, complete_due_at) index)."""

    name = _("Overdue")
    arg_name = "late"

    def apply(self, query, value):
        return query.filter(clock.late_clause())


PRIORITY_CHANGED = _("The priority is changed; the reminders follow the new priority.")


class FlaggedFilter(BaseFilter):
    """Marked "needs attention" (not solved, a low rating, a complaint)."""

    name = _("Needs attention")
    arg_name = "flagged"

    def apply(self, query, value):
        return query.filter(flagged_condition())


class WorkOrderView(FaultModelView):
    datamodel = FastSQLAInterface(WorkOrder)
    class_permission_name = "FaultWorkOrder"
    method_permission_name = {**NO_ADD, "resend": "write", "renew": "write", "revoke": "write",
                              "reopen": "write", "clear_flag": "write",
                              "approve_costs": "write", "print_pdf": "read",
                              "change_priority": "write"}
    exclude_route_methods = {"add", "delete"}
    list_title = _("Work orders")
    show_title = _("Work order")
    edit_title = _("Edit work order")
    show_template = "faults/admin/work_order_show.html"
    # what the detail page shows of them, in the order's own statement
    show_joined = ("report", "report.device", "report.location", "location", "contractor")
    list_template = FILTER_BAR_TEMPLATE  # with the status buttons (set below)
    list_columns = ["number", "report", "location", "contractor", "status", "created_at",
                    "accepted_at", "appointment_date", "completed_at", "complete_state"]
    show_fieldsets = [
        (_("Work order"), {"fields": ["number", "report", "location", "contractor", "status",
                                      "created_at", "assigned_at", "accepted_at",
                                      "parts_ordered_at", "completed_at", "complete_state",
                                      "reopened_from"]}),
        (_("Contractor fields"), {"fields": ["appointment_date", "appointment_time",
                                             "contractor_remarks", "invoice_total", "warranty",
                                             "contractor_reference"]}),
        (_("Notes"), {"fields": ["internal_note", "contractor_note"]}),
        (_("Follow-up"), {"fields": ["flagged_at", "flag_reason", "declined_at",
                                     "decline_reason", "reminder_sent_at", "manager_alerted_at",
                                     "followup_sent_at"]}),
    ]
    add_columns = edit_columns = [
        "contractor", "internal_note", "contractor_note", "appointment_date",
        "contractor_remarks", "invoice_total", "warranty", "contractor_reference"]
    # relations with few rows only (locations, partners): no whole-table select of reports
    search_columns = ["number", "status", "location", "contractor", "created_at",
                      "completed_at"]
    base_order = ("id", "desc")

    def pre_update(self, item):
        # FAB shows the refusal; rolling back undoes the form's values already on the item
        with unit_of_work(reraise=True, commit=False):
            workflow.check_back_office_edit(item, workflow.is_admin(g.user))
            workflow.reassign_if_changed(item)

    def post_edit_redirect(self):
        """Back to the same order's page, with FAB's message (saved or refused); FAB's
        own redirect follows its page history, which may be another order."""
        return redirect(url_for(f"{type(self).__name__}.show", pk=request.view_args["pk"]))

    def show_context(self, order, widgets):
        return {"order": order, "mails": sent_about("WorkOrder", order.id),
                "mail_status": OutboxStatus.label,
                "audit_rows": tab_rows(db.session.scalars(
                    audit.entries_for("WorkOrder", order.id).limit(500)), DOMAIN),
                "status_labels": STATUS_LABELS, "has_link": tokens.has_link(order),
                "can_write": self.may("write"), "complaint_labels": COMPLAINT_LABELS,
                "priority_labels": workflow.PRIORITY_LABELS,
                "appointment": workflow.appointment_text(order),
                "evidence_items": order.report.evidence, "kind_labels": evidence.KIND_LABELS,
                "needs_cost_approval": evidence.needs_cost_approval(order)}

    def _act(self, pk, do, message):
        order = db.session.get(WorkOrder, pk)
        if order is None:
            abort(404)
        with unit_of_work(done=message):
            do(order)
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/reopen/<int:pk>", methods=["POST"])
    @has_access
    def reopen(self, pk):
        """Not solved after all: a new order for the same report, linked to this one."""
        order = db.session.get(WorkOrder, pk)
        if order is None:
            abort(404)
        with unit_of_work(done=_("The work order is reopened as a new work order.")) as work:
            new = workflow.reopen(order, request.form.get("reason"))
        target = order.id if work.failed else new.id
        return redirect(url_for(f"{type(self).__name__}.show", pk=target))

    @expose("/approve-costs/<int:pk>", methods=["POST"])
    @has_access
    def approve_costs(self, pk):
        """The invoice above the partner's limit is approved; the partner is told."""
        return self._act(pk, evidence.approve_costs,
                         _("The costs are approved; the maintenance partner is told."))

    @expose("/priority/<int:pk>", methods=["POST"])
    @has_access
    def change_priority(self, pk):
        """Urgent or normal, with a reason: the escalation follows the new priority."""
        return self._act(pk, lambda order: workflow.change_priority(
            order.report, request.form.get("priority"), request.form.get("reason")),
            PRIORITY_CHANGED)

    @expose("/clear-flag/<int:pk>", methods=["POST"])
    @has_access
    def clear_flag(self, pk):
        """The office has dealt with what needed attention."""
        return self._act(pk, workflow.clear_flag, _("The mark is removed."))

    @expose("/print/<int:pk>")
    @has_access
    def print_pdf(self, pk):
        """The work order as the contractor receives it (A4 PDF), to print or file."""
        order = self.datamodel.get(pk, self._base_filters)
        if order is None:
            abort(404)
        return Response(workflow.work_order_pdf(order), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{order.number}.pdf"'})

    @expose("/resend/<int:pk>", methods=["POST"])
    @has_access
    def resend(self, pk):
        """Send the contractor's mail (PDF + link) again."""
        return self._act(pk, workflow.resend_contractor_mail,
                         _("The mail to the maintenance partner is queued again."))

    @expose("/renew/<int:pk>", methods=["POST"])
    @has_access
    def renew(self, pk):
        """A new contractor link; the old one stops working."""
        return self._act(pk, workflow.renew_contractor_link,
                         _("A new link was sent to the maintenance partner; the old link "
                           "no longer works."))

    @expose("/revoke/<int:pk>", methods=["POST"])
    @has_access
    def revoke(self, pk):
        """The contractor's link stops working."""
        return self._act(pk, workflow.revoke_contractor_link,
                         _("The maintenance partner's link no longer works."))


def _status_view(name, status=None, title=None, filters=None):
    return type(name, (WorkOrderView,), {
        "route_base": f"/faultworkorders/{name.lower()}",
        "list_title": title,
        "base_filters": filters or [["status", FilterEqual, status]],
    })


WorkOrderNewView = _status_view("WorkOrderNewView", WorkOrderStatus.NEW, _("New work orders"))
WorkOrderAcceptedView = _status_view("WorkOrderAcceptedView", WorkOrderStatus.ACCEPTED,
                                     _("Accepted work orders"))
WorkOrderPartsView = _status_view("WorkOrderPartsView", WorkOrderStatus.PARTS_ON_ORDER,
                                  _("Work orders with parts on order"))
WorkOrderCompletedView = _status_view("WorkOrderCompletedView", WorkOrderStatus.COMPLETED,
                                      _("Completed work orders"))
WorkOrderOverdueView = _status_view("WorkOrderOverdueView", title=_("Overdue work orders"),
                                    filters=[["status", OverdueFilter, None]])
WorkOrderLateView = _status_view("WorkOrderLateView", title=_("Work orders late to complete"),
                                 filters=[["status", LateFilter, None]])
WorkOrderDeclinedView = _status_view("WorkOrderDeclinedView", WorkOrderStatus.DECLINED,
                                     _("Work orders declined by the partner"))
WorkOrderFlaggedView = _status_view("WorkOrderFlaggedView", title=_("Work orders that need "
                                                                     "attention"),
                                    filters=[["flagged_at", FlaggedFilter, None]])
WorkOrderView.filter_bar = [
    (WorkOrderView, menu.WORK_ORDERS, _("All work orders")),
    (WorkOrderNewView, menu.WORK_ORDERS_NEW, _("New")),
    (WorkOrderOverdueView, menu.WORK_ORDERS_OVERDUE, _("Overdue (not accepted in time)")),
    (WorkOrderLateView, menu.WORK_ORDERS_LATE, _("Late (not completed in time)")),
    (WorkOrderAcceptedView, menu.WORK_ORDERS_ACCEPTED, _("Accepted")),
    (WorkOrderPartsView, menu.WORK_ORDERS_PARTS, _("Parts on order")),
    (WorkOrderCompletedView, menu.WORK_ORDERS_COMPLETED, _("Completed")),
    (WorkOrderDeclinedView, menu.WORK_ORDERS_DECLINED, _("Declined")),
    (WorkOrderFlaggedView, menu.WORK_ORDERS_FLAGGED, _("Needs attention")),
]


class WorkOrderTab(WorkOrderView):
    """Work orders as a tab on a contractor."""

    list_title = _("Work orders")
    list_columns = ["number", "report", "status", "created_at", "completed_at", "invoice_total"]


# ---------------------------------------------------------------- reports, devices

def show_with_buttons(view, item):
    """The show page's buttons: which view they post to and whether this user may."""
    return {"button_view": type(view).__name__, "can_write": view.may("write")}


class FaultReportView(FaultModelView):
    # "Contains" on the number and the reporter through the search index
    datamodel = contains_through_index(FastSQLAInterface(FaultReport), "faultreport",
                                       ["number", "reporter_last_name", "reporter_email"])
    class_permission_name = "FaultReport"
    method_permission_name = {**NO_ADD, "renew_link": "write", "change_priority": "write"}
    show_template = "faults/admin/report_show.html"
    exclude_route_methods = {"add", "delete"}
    list_title = _("Fault reports")
    show_title = _("Fault report")
    edit_title = _("Edit fault report")
    list_columns = ["number", "created_at", "location", "device", "reporter_name", "priority",
                    "order_status"]
    show_columns = ["number", "created_at", "priority", "location", "device", "placement",
                    "description", "photo", "reporter_first_name", "reporter_last_name",
                    "reporter_email", "reporter_phone", "work_order", "order_status"]
    edit_columns = ["placement", "description", "reporter_first_name", "reporter_last_name",
                    "reporter_email", "reporter_phone"]
    # no "device": a select of every device (tens of thousands) on every list page
    search_columns = ["number", "location", "reporter_last_name", "reporter_email", "priority",
                      "created_at"]
    base_order = ("id", "desc")
    list_eager = ("work_order",)  # the order status column
    show_joined = ("location", "device", "work_order")  # in the report's own statement
    formatters_columns = {**FaultModelView.formatters_columns, "order_status": _status}

    def show_context(self, report, widgets):
        return {**show_with_buttons(self, report), "has_link": tokens.has_link(report),
                "priority_labels": workflow.PRIORITY_LABELS}

    @expose("/priority/<int:pk>", methods=["POST"])
    @has_access
    def change_priority(self, pk):
        """Urgent or normal, with a reason: the escalation follows the new priority."""
        report = db.session.get(FaultReport, pk)
        if report is None:
            abort(404)
        with unit_of_work(done=PRIORITY_CHANGED):
            workflow.change_priority(report, request.form.get("priority"),
                                     request.form.get("reason"))
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    def pre_update(self, item):
        with unit_of_work(reraise=True, commit=False):  # FAB shows the refusal
            workflow.check_report_edit(item, workflow.is_admin(g.user))

    def post_edit_redirect(self):
        """Back to the same report's page, with FAB's message (saved or refused)."""
        return redirect(url_for(f"{type(self).__name__}.show", pk=request.view_args["pk"]))

    @expose("/renew-link/<int:pk>", methods=["POST"])
    @has_access
    def renew_link(self, pk):
        """A new link for the reporter's page, mailed to the reporter; the old one stops."""
        report = db.session.get(FaultReport, pk)
        if report is None:
            abort(404)
        with unit_of_work(done=_("A new link was mailed to the reporter; the old link no "
                                 "longer works.")):
            workflow.renew_reporter_link(report)
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))


class FaultReportTab(FaultReportView):
    list_columns = ["number", "created_at", "reporter_name", "description", "order_status"]
    order_columns = ["number", "created_at"]  # a description is free text, not an order


class UnusedStickerFilter(BaseFilter):
    name = _("Not in use")
    arg_name = "unused"

    def apply(self, query, value):
        return query.filter(~StickerCode.device.has())


class DeviceView(FaultModelView):
    datamodel = FastSQLAInterface(Device)
    class_permission_name = "FaultDevice"
    list_title = _("Devices")
    show_title = _("Device")
    add_title = _("Add device")
    edit_title = _("Edit device")
    show_template = "faults/admin/device_show.html"
    related_views = [FaultReportTab]
    list_columns = ["code", "location", "placement", "device_type", "contractor",
                    "registered_at"]
    show_columns = ["qr_preview", "location", "placement", "device_type", "photo",
                    "serial_number", "contractor", "registered_by", "registered_at"]
    add_columns = edit_columns = ["sticker", "location", "placement", "device_type",
                                  "serial_number", "contractor"]
    search_columns = ["location", "placement", "device_type", "serial_number", "contractor"]
    base_order = ("id", "desc")
    list_eager = ("sticker",)  # the code column
    show_joined = ("sticker", "location", "contractor")  # in the device's own statement
    formatters_columns = {
        **FaultModelView.formatters_columns,
        # one "QR code" row: the image with its code underneath
        "qr_preview": lambda code: Markup('<img src="{}" alt="{}" width="160"><br><code>{}</code>')
        .format(qr.qr_svg_data_uri(code), code, code) if code else "",
    }
    add_form_query_rel_fields = {"sticker": [["id", UnusedStickerFilter, None]]}

    def _check_sticker(self, item):
        with unit_of_work(reraise=True, commit=False):  # undo the moved sticker on refusal
            workflow.check_sticker_free(item)

    pre_add = pre_update = _check_sticker


class DeviceTab(DeviceView):
    """Devices as a tab on a location and on a maintenance partner."""

    related_views = []
    list_columns = ["code", "placement", "device_type", "serial_number", "registered_at"]


class LocationView(FaultModelView):
    datamodel = FastSQLAInterface(Location)
    class_permission_name = "FaultLocation"
    list_title = _("Locations")
    show_title = _("Location")
    add_title = _("Add location")
    edit_title = _("Edit location")
    list_columns = ["name", "street", "postcode", "city", "default_contractor"]
    add_columns = edit_columns = show_columns = [
        "name", "street", "postcode", "city", "contact_name", "contact_phone", "contact_email",
        "default_contractor"]
    search_columns = ["name", "street", "postcode", "city", "default_contractor"]
    validators_columns = {"contact_email": [Optional(), Email()]}
    base_order = ("name", "asc")
    related_views = [DeviceTab]


class ContractorView(FaultModelView):
    datamodel = FastSQLAInterface(Contractor)
    class_permission_name = "FaultContractor"
    method_permission_name = {**READ_WRITE, "send_portal_link": "write",
                              "revoke_portal_link": "write"}
    show_template = "faults/admin/contractor_show.html"
    list_title = _("Maintenance partners")
    show_title = _("Maintenance partner")
    add_title = _("Add maintenance partner")
    edit_title = _("Edit maintenance partner")
    related_views = [WorkOrderTab, DeviceTab]
    list_columns = ["name", "email", "phone", "contact_person", "rating_summary"]
    show_columns = ["name", "email", "phone", "contact_person", "cost_approval_limit",
                    "rating_summary"]
    add_columns = edit_columns = ["name", "email", "phone", "contact_person",
                                  "cost_approval_limit"]
    add_form_extra_fields = edit_form_extra_fields = {
        "cost_approval_limit": AmountField(
            _("Cost-approval limit excl. VAT"), validators=[Optional()],
            description=_("Invoices above this are approved by the facility manager before "
                          "the partner can complete the order. Empty: no limit.")),
    }
    validators_columns = {"email": [Email()]}  # work orders are mailed here
    search_columns = ["name", "email", "contact_person"]
    base_order = ("name", "asc")

    def show_context(self, contractor, widgets):
        return {"can_write": self.may("write"), "portal_link": portal.current_link(contractor)}

    def _portal(self, pk, do, message):
        contractor = db.session.get(Contractor, pk)
        if contractor is None:
            abort(404)
        with unit_of_work(done=message):
            do(contractor)
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/portal-link/<int:pk>", methods=["POST"])
    @has_access
    def send_portal_link(self, pk):
        """Mail the partner a (new) link to its portal; an earlier link stops working."""
        return self._portal(pk, workflow.send_portal_link,
                            _("The portal link was mailed to the maintenance partner; an "
                              "earlier portal link no longer works."))

    @expose("/portal-revoke/<int:pk>", methods=["POST"])
    @has_access
    def revoke_portal_link(self, pk):
        """The partner's portal link stops working."""
        return self._portal(pk, workflow.revoke_portal_link,
                            _("The maintenance partner's portal link no longer works."))
