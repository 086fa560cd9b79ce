"""Work orders: a report becomes an order, the contractor's buttons move it through its
states, its fields lock once completed, and the facility manager manages its links."""
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .. import audit
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..money import parse_amount
from ..numbering import next_value
from ..pdf import render_pdf
from . import rules, tokens
from .models import FaultReport, WorkOrder, WorkOrderStatus
from .rules import committed, mail_reporter, photo_data_uri, public_url, queue_mail, text

S = WorkOrderStatus
STATUS_LABELS = {
    S.NEW: _("New"),
    S.ACCEPTED: _("Accepted"),
    S.PARTS_ON_ORDER: _("Parts on order"),
    S.COMPLETED: _("Completed"),
}
# The contractor's buttons: from which states each may be pressed.
TRANSITIONS = {
    "accept": ({S.NEW, S.PARTS_ON_ORDER}, S.ACCEPTED),
    "parts_on_order": ({S.ACCEPTED}, S.PARTS_ON_ORDER),
    # Completing straight from "parts on order" is allowed: the parts arrived
    # and the job was done in one visit; forcing "accept" first helps no one.
    "complete": ({S.ACCEPTED, S.PARTS_ON_ORDER}, S.COMPLETED),
}
CONTRACTOR_FIELDS = ("appointment_date", "contractor_remarks", "invoice_total", "warranty",
                     "contractor_reference")
# Number series of the shared numbering service (app/numbering.py).
REPORT_SERIES = "fault_report"      # KH-A-000001
ORDER_SERIES = "fault_work_order"   # KH-OC-000001



def create_report(*, location=None, device=None, placement="", description, first_name,
                  last_name, email, phone="", photo=None):
    """A new fault report and its work order; mails the contractor (with the
    order as PDF and the link to its page) and the reporter (confirmation).

    With a device the report goes to the device's contractor; without one
    (reported via /report) to the location's default contractor.
    """
    if device is not None:
        location = device.location
        contractor = device.contractor
    else:
        if location is None:
            raise DomainError(gettext("Please choose a location."))
        contractor = location.default_contractor
        if contractor is None:
            raise DomainError(gettext(
                "No maintenance partner is set for this location yet. Please contact the "
                "facility manager."))
    fields = {
        "placement": text(placement, gettext("Exact location"), required=device is None,
                        limit=300),
        "description": text(description, gettext("Description")),
        "reporter_first_name": text(first_name, gettext("First name"), limit=100),
        "reporter_last_name": text(last_name, gettext("Last name"), limit=100),
        "reporter_email": rules.email(email),
        "reporter_phone": text(phone, gettext("Phone"), required=False, limit=50),
    }
    stored_photo = rules.photo(photo)  # last check: a refused photo leaves nothing behind
    numbers = (next_value(db.session, REPORT_SERIES), next_value(db.session, ORDER_SERIES))
    report = FaultReport(device=device, location=location, photo=stored_photo,
                         number=f"KH-A-{numbers[0]:06d}", **fields)
    order = WorkOrder(report=report, contractor=contractor, status=S.NEW,
                      number=f"KH-OC-{numbers[1]:06d}")
    tokens.issue(report)
    tokens.issue(order)
    db.session.add_all([report, order])
    db.session.flush()
    queue_contractor_mail(order)
    mail_reporter(report, "report_received", f"Uw melding {report.number} is ontvangen",
                  order.id, order=order)
    return report


def work_order_pdf(order):
    photos = [photo_data_uri(f) for f in (order.report.photo,
                                          order.report.device and order.report.device.photo) if f]
    return render_pdf("faults/work_order_pdf.html", order=order, report=order.report,
                      photos=photos, status_labels=STATUS_LABELS)


def queue_contractor_mail(order):
    """The seed's mail to the contractor: text, link and the order as PDF."""
    link = public_url("/wo/", order)
    if link is None:
        raise DomainError(gettext("The contractor link is revoked; renew it first."))
    return queue_mail(
        "new_order", order.contractor.email,
        # a line break in a location name (possible via the API) must not break the header
        f"Nieuwe opdracht {order.number} — {' '.join(order.report.location.name.split())}",
        context={"order": order, "report": order.report, "link": link},
        attachments=[(f"{order.number}.pdf", "application/pdf", work_order_pdf(order))],
        subject_record=("WorkOrder", order.id))


def _check_open(order):
    if order.is_locked:
        raise DomainError(gettext(
            "This work order is completed; it can no longer be changed."))


def allowed_actions(order):
    """The contractor's buttons that may be pressed now (none once completed)."""
    if order.is_locked:
        return set()
    return {action for action, (allowed, _target) in TRANSITIONS.items()
            if order.status in allowed}


def transition(order, action):
    """Press one of the contractor's buttons: accept, parts_on_order, complete."""
    target = TRANSITIONS[action][1]
    _check_open(order)
    if action not in allowed_actions(order):
        raise DomainError(gettext(
            "This is not possible while the work order is \"%(status)s\".",
            status=STATUS_LABELS[order.status]))
    old = order.status
    order.status = target
    now = utcnow()
    report = order.report
    if target == S.ACCEPTED:
        order.accepted_at = order.accepted_at or now
    elif target == S.PARTS_ON_ORDER:
        order.parts_ordered_at = now
    else:
        order.completed_at = now
    audit.record(order, "transition", field="status", old=old, new=target)
    if action == "accept" and old == S.NEW:
        mail_reporter(report, "order_accepted", f"Uw melding {report.number} is opgepakt",
                      order.id, order=order)
    elif target == S.COMPLETED:
        mail_reporter(report, "order_completed",
                      f"Uw melding {report.number} is afgerond — hoe was het?",
                      order.id, order=order)
    return order


def parse_fields(form):
    """The contractor's fields from a form (strings) → typed values, or DomainError."""
    values = {}
    raw = (form.get("appointment_date") or "").strip()
    if raw:
        try:
            values["appointment_date"] = date.fromisoformat(raw)
        except ValueError as exc:
            raise DomainError(gettext("The appointment date is not a valid date.")) from exc
    else:
        values["appointment_date"] = None
    values["contractor_remarks"] = text(form.get("contractor_remarks"),
                                         gettext("Remarks"), required=False) or None
    raw = (form.get("invoice_total") or "").strip()
    if raw:
        try:
            amount = parse_amount(raw)
        except DomainError as exc:
            raise DomainError(f'{gettext("The invoice total is not an amount.")} '
                              f"{exc.message}") from exc
        if amount < 0:
            raise DomainError(gettext("The invoice total is not an amount."))
        values["invoice_total"] = amount
    else:
        values["invoice_total"] = None
    warranty = form.get("warranty", "")
    values["warranty"] = {"yes": True, "no": False}.get(warranty)
    values["contractor_reference"] = text(form.get("contractor_reference"),
                                           gettext("Contractor reference"),
                                           required=False, limit=100) or None
    return values


def save_fields(order, values):
    """OPSLAAN: the contractor's fields, until the order is completed."""
    _check_open(order)
    for key in CONTRACTOR_FIELDS:
        if key in values:
            setattr(order, key, values[key])
    return order


def check_back_office_edit(order, is_admin):
    """A completed order is locked for everyone but Admin (back office and API)."""
    if committed(order, "status") == S.COMPLETED and not is_admin:
        raise DomainError(gettext(
            "This work order is completed; only an administrator can change it."))


def check_report_edit(report, is_admin):
    """A report's fields are part of its order (description, reporter, placement): once
    the order is completed they are locked for everyone but Admin too."""
    order = report.work_order
    if order is not None and order.status == S.COMPLETED and not is_admin:
        raise DomainError(gettext(
            "The work order of this report is completed; only an administrator can change "
            "the report."))


def resend_contractor_mail(order):
    """Send the order mail (PDF + link) again; the link stays the same."""
    if tokens.token_for(order) is None:
        tokens.issue(order)
    audit.record(order, "mail_resent", note=order.contractor.email)
    return queue_contractor_mail(order)


def renew_contractor_link(order):
    """A new link for the contractor (the old one stops working), mailed at once."""
    tokens.issue(order)
    audit.record(order, "link_renewed")
    return queue_contractor_mail(order)


def reassign_if_changed(order):
    """The back office gave the order to another maintenance partner: the old partner's
    link stops working and the new one gets the order mail with a new link."""
    if order.contractor is None or order.contractor.id == committed(order, "contractor_id"):
        return False
    if order.status != S.COMPLETED:
        renew_contractor_link(order)
    return True


def revoke_contractor_link(order):
    """The contractor's link stops working (wrong recipient, leaked mail)."""
    tokens.revoke(order)
    audit.record(order, "link_revoked")
    return order


def renew_reporter_link(report):
    """A new link for the reporter's page (the old one stops working), mailed at once."""
    tokens.issue(report)
    audit.record(report, "link_renewed", note=report.reporter_email)
    return mail_reporter(report, "reporter_link", f"Nieuwe link voor uw melding {report.number}",
                         report.work_order.id if report.work_order else None)
