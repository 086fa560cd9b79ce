"""How values of this domain look on screen: labels, badges, small tables, file links."""
from flask import render_template, url_for
from markupsafe import Markup, escape

from flask_babel import lazy_gettext as _

from ..formatting import format_datetime, format_money
from .models import CheckResult, PaymentMethod, RequestStatus, Urgency


def status_label(value):
    return RequestStatus.LABELS.get(value, value or "")


def urgency_badge(value):
    if value == Urgency.URGENT:
        return Markup('<span class="label label-danger badge-urgent">%s</span>') % Urgency.LABELS[value]
    if value == Urgency.NORMAL:
        return Markup('<span class="label label-primary badge-normal">%s</span>') % Urgency.LABELS[value]
    return ""


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
    return Markup(render_template("service_requests/_lines.html", lines=lines))


def payments_text(payments):
    return Markup("<br>").join(
        escape(f"{format_datetime(p.paid_at)} · € {format_money(p.amount)} · "
               f"{payment_method(p.method)}") for p in payments or [])


def refunds_text(refunds):
    return Markup("<br>").join(
        escape(f"{format_datetime(r.refunded_at)} · € {format_money(r.amount)} · {r.reason}")
        for r in refunds or [])


def text(value):
    """FAB shows None as "None"; an empty field shows nothing."""
    return "" if value is None else value


def payments_or_no(payments):
    from flask_babel import gettext

    return payments_text(payments) if payments else gettext("No")


# The Audit tab in words the staff use.
AUDIT_ENTITIES = {
    "ServiceRequest": _("Request"), "RequestedProductLine": _("Requested product"),
    "AdditionalProductLine": _("Additional product"), "CustomerFeedback": _("Feedback to customer"),
    "InboundDocument": _("New documents"), "InboundDocumentFile": _("File"),
    "DeliveredProduct": _("Delivered product"), "InternalCheck": _("Internal check"),
    "ApplicantFeedback": _("Feedback from the applicant"), "Correction": _("Correction"),
    "Payment": _("Payment"), "Refund": _("Refund"), "TrackToken": _("Track link"),
}
AUDIT_ACTIONS = {"create": _("created"), "update": _("changed"), "delete": _("deleted"),
                 "transition": _("status change")}
AUDIT_ACTORS = {"user": _("staff"), "customer": _("customer"), "system": _("system"),
                "portal": _("portal"), "anonymous": _("anonymous")}
AUDIT_FIELDS = {
    "quantity": _("Quantity"), "unit_price": _("Unit price"), "customer_info": _("Information from the customer"),
    "product_id": _("Product"), "request_id": _("Request"), "text": _("Text"), "result": _("Result"),
    "remarks": _("Remarks"), "amount": _("Amount"), "reason": _("Reason"), "method": _("Payment method"),
    "complete": _("All products uploaded"), "paid_at": _("Paid"), "refunded_at": _("Refunded"),
    "sender": _("From"), "subject": _("Subject"), "automatic": _("Automatic reply"),
    "new_quantity": _("New quantity"), "old_quantity": _("Old quantity"),
    "amount_adjustment": _("Amount correction"), "stored_file_id": _("File"),
}


def money(value):
    return f"€ {format_money(value)}" if value is not None else ""
