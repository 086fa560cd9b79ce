"""How values of this domain look on screen: labels, badges, small tables, file links."""

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from sqlalchemy.orm import selectinload

from ..audit import tab
from ..audit.labels import column_labels
from ..files.models import StoredFile
from ..formatting import format_datetime
from ..money import format_money
from . import DOMAIN
from .models import (
    AdditionalProductLine,
    CheckResult,
    OnBehalfOf,
    PaymentMethod,
    Product,
    ProductKind,
    RequestedProductLine,
    RequestStatus,
    ServiceRequest,
    Urgency,
)


def when(value):
    """A moment as this office reads it: in the service requests' time zone."""
    return format_datetime(value, DOMAIN)


def status_label(value):
    return RequestStatus.LABELS.get(value, value or "")


def urgency_badge(value):
    if value == Urgency.URGENT:
        return Markup('<span class="label label-danger badge-urgent">%s</span>') % Urgency.LABELS[value]
    if value == Urgency.NORMAL:
        return Markup('<span class="label label-primary badge-normal">%s</span>') % Urgency.LABELS[value]
    return ""


def due_badge(state):
    """The list's clock column: the due date, with a red Overdue or a grey Paused badge."""
    state, due_at = state
    text = format_datetime(due_at, DOMAIN) if due_at else ""
    if state == "overdue":
        return Markup('{} <span class="label label-danger">{}</span>').format(text, _("Overdue"))
    if state == "paused":
        return Markup('{} <span class="label label-default badge-paused">{}</span>').format(
            text, _("Paused"))
    return text if state == "running" else ""


def check_result(value):
    return CheckResult.LABELS.get(value, value or "")


def payment_method(value):
    return PaymentMethod.LABELS.get(value, value or "")


def yes_no(value):
    from flask_babel import gettext

    return gettext("Yes") if value else gettext("No")


def file_link(stored):
    if stored is None:
        return ""
    url = url_for("FileView.download", key=stored.key)
    if stored.has_thumbnail:
        thumb = url_for("FileView.thumbnail", key=stored.key)
        return Markup('<a href="%s"><img src="%s" alt="%s" style="max-height:120px"></a>') % (
            url, thumb, stored.original_name)
    return Markup('<a href="%s">%s</a>') % (url, stored.original_name)


def file_links(rows):
    """Links for a list of rows that each have .stored_file."""
    return Markup("<br>").join(file_link(row.stored_file) for row in rows or [])


def lines_table(lines):
    return Markup(render_template("service_requests/_lines.html", lines=lines, money=money))


def payments_text(payments):
    """The ledger's payments: date · amount · method · receipt (PDF); a voided one struck
    through with who voided it and why."""
    from flask_babel import gettext

    rows = []
    for p in payments or []:
        text = escape(f"{when(p.paid_at)} · {money(p.amount)} · "
                      f"{payment_method(p.method)}")
        if p.receipt_no:
            text += Markup(' · <a href="%s" class="sr-receipt">%s</a>') % (
                url_for("ServiceRequestView.receipt", pk=p.id),
                gettext("Receipt %(no)s", no=p.receipt_no))
        if p.is_void:
            text = Markup('<s>%s</s> <span class="label label-default sr-void">%s</span> %s') % (
                text, gettext("Voided"), f"{when(p.voided_at)}: {p.void_reason}")
        rows.append(text)
    return Markup("<br>").join(rows)


def refunds_text(refunds):
    return Markup("<br>").join(
        escape(f"{when(r.refunded_at)} · {money(r.amount)} · {r.reason}")
        for r in refunds or [])


def balance(value):
    """The list's and detail page's "Openstaand saldo": to pay, or paid too much."""
    from flask_babel import gettext

    if value is None:
        return ""
    if value < 0:
        return Markup('<span class="text-warning sr-overpaid">%s</span>') % gettext(
            "%(amount)s paid too much", amount=money(-value))
    if value == 0:
        return Markup('<span class="text-success sr-settled">%s</span>') % money(value)
    return Markup('<strong class="text-danger sr-balance-due">%s</strong>') % money(value)


def text(value):
    """FAB shows None as "None"; an empty field shows nothing."""
    return "" if value is None else value


def payments_or_no(payments):
    from flask_babel import gettext

    return payments_text(payments) if payments else gettext("No")


# ------------------------------------------------------------------ the Audit tab
# Words for the shared audit log (registered in registration.py) and this domain's tab.
AUDIT_RECORDS = {
    "ServiceRequest": _("Request"), "Product": _("Product"),
    "RequestedProductLine": _("Requested product"),
    "AdditionalProductLine": _("Additional product"), "CustomerFeedback": _("Feedback to customer"),
    "InboundDocument": _("New documents"), "InboundDocumentFile": _("File"),
    "DeliveredProduct": _("Delivered product"), "InternalCheck": _("Internal check"),
    "ApplicantFeedback": _("Feedback from the applicant"), "Correction": _("Correction"),
    "Payment": _("Payment"), "Refund": _("Refund"),
    "TrackToken": _("Track link"),  # entries written before links moved to app/tokens
}
# A request's own columns: the same words on its screens (views.LABELS) and in its audit log.
REQUEST_COLUMN_LABELS = {
    "order_no": _("Order no."), "status": _("Status"), "urgency": _("Urgency"),
    "on_behalf_of": _("On behalf of"), "received_at": _("Date and time"),
    "applicant_name": _("Applicant"), "applicant_email": _("E-mail"),
    "applicant_phone": _("Phone number"), "id_number": _("ID card number"),
    "handed_over_at": _("Handed over"), "handed_over_to": _("Handed over to"),
    "id_checked": _("ID checked"), "cancelled_at": _("Cancelled"),
    "balance_due": _("Balance due"),
    "cancel_reason": _("Reason for cancelling"),
}
# Column → label, for every audited column of every model above (a test checks that).
AUDIT_COLUMN_LABELS = {
    **REQUEST_COLUMN_LABELS,
    "id_card_file_id": _("ID card"), "assigned_to_id": _("Writer"),
    "client_reference": _("Portal reference"),
    "code": _("Code"), "name": _("Name"), "kind": _("Kind"),
    "is_additional": _("Additional product"), "active": _("Active"),
    "quantity": _("Quantity"), "unit_price": _("Unit price"),
    "customer_info": _("Information from the customer"), "product_id": _("Product"),
    "text": _("Text"), "author_id": _("Writer"), "result": _("Result"), "remarks": _("Remarks"),
    "amount": _("Amount"), "reason": _("Reason"), "method": _("Payment method"),
    "complete": _("All products uploaded"), "paid_at": _("Paid"), "refunded_at": _("Refunded"),
    "source": _("Via"), "sender": _("From"),
    "subject": _("Subject"), "automatic": _("Automatic reply"),
    "uploaded_by_id": _("Writer"), "checked_by_id": _("Checked by"),
    "stored_file_id": _("File"), "line_id": _("Product line"),
    "additional_line_id": _("Product line"), "receipt_no": _("Receipt number"),
    "received_by_id": _("Received by"), "voided_at": _("Voided"),
    "voided_by_id": _("Voided by"), "void_reason": _("Reason for voiding"),
    "new_quantity": _("New quantity"), "old_quantity": _("Old quantity"),
    "amount_adjustment": _("Amount correction"), "request_id": _("Request"),
    "asks_documents": _("Ask for new documents"),
}
SOURCE_LABELS = {"email": _("E-mail"), "track_page": _("Track page"), "staff": _("Staff")}
USER_FIELDS = {"assigned_to_id", "author_id", "uploaded_by_id", "checked_by_id",
               "received_by_id", "voided_by_id"}
FILE_FIELDS = {"id_card_file_id", "stored_file_id"}
MONEY_FIELDS = {"unit_price", "amount", "amount_adjustment"}
ID_FIELDS = USER_FIELDS | FILE_FIELDS | {"product_id", "line_id", "additional_line_id",
                                         "request_id"}
# Explicit entries that name no column: the reason of an administrator's status override.
EXTRA_FIELDS = {("ServiceRequest", "reason"): _("Reason")}
AUDIT_ACTIONS = {"override": _("Status set by an administrator")}


def audit_values():
    """Code → word tables for the audited columns that hold codes."""
    return {
        ("ServiceRequest", "status"): RequestStatus.LABELS,
        ("ServiceRequest", "urgency"): Urgency.LABELS,
        ("ServiceRequest", "on_behalf_of"): OnBehalfOf.LABELS,
        ("Product", "kind"): ProductKind.LABELS,
        ("Payment", "method"): PaymentMethod.LABELS,
        ("InternalCheck", "result"): CheckResult.LABELS,
        ("InboundDocument", "source"): SOURCE_LABELS,
        ("ApplicantFeedback", "source"): SOURCE_LABELS,
    }


def audit_fields(models):
    """(record type, column) → label for the columns of these models; also for excluded
    ones that explicit entries name (the status of a transition)."""
    return {**EXTRA_FIELDS, **column_labels(models, AUDIT_COLUMN_LABELS)}


def register_audit_readers():
    """How the Audit tab and the audit log read this domain's ids and amounts
    (app/audit/tab.py)."""
    user_model = current_app.appbuilder.sm.user_model
    tab.register_names(USER_FIELDS, tab.names_loader(
        user_model, lambda u: f"{u.first_name} {u.last_name}".strip() or u.username))
    tab.register_names(FILE_FIELDS, tab.names_loader(StoredFile, lambda f: f.original_name))
    tab.register_names({"product_id"}, tab.names_loader(Product, lambda p: p.name),
                       record="Product")
    tab.register_names({"request_id"}, tab.names_loader(ServiceRequest, lambda sr: sr.order_no),
                       record="ServiceRequest")
    for field, model in (("line_id", RequestedProductLine),
                         ("additional_line_id", AdditionalProductLine)):
        tab.register_names({field}, tab.names_loader(
            model, lambda line: line.product.name, options=[selectinload(model.product)]))
    tab.register_money(MONEY_FIELDS, DOMAIN)


def money(value):
    """An amount in this domain's currency (every amount of a request goes through here)."""
    return format_money(value, DOMAIN) if value is not None else ""
