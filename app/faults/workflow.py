"""The rules of fault handling, in one place.

Views, public pages, the API and the demo loader call these functions; each
checks its rule, changes the models and queues the mails in the caller's
transaction, or raises WorkflowError with a message for the user. The caller
commits. Who acts (user, "contractor", "reporter") is named by the caller for
the audit log (audit.set_actor).
"""
import base64
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext, lazy_gettext as _
from sqlalchemy import inspect

from .. import audit, files
from ..mail import queue_template
from ..numbering import next_value
from ..database import utcnow
from ..extensions import db
from ..pdf import render_pdf
from . import tokens
from .models import (Complaint, ComplaintStatus, Device, FaultReport, Rating, WorkOrder,
                     WorkOrderStatus)

S = WorkOrderStatus
STATUS_LABELS = {
    S.NEW: _("New"),
    S.ACCEPTED: _("Accepted"),
    S.PARTS_ON_ORDER: _("Parts on order"),
    S.COMPLETED: _("Completed"),
}
COMPLAINT_LABELS = {
    ComplaintStatus.OPEN: _("Open"),
    ComplaintStatus.ANSWERED: _("Answered"),
    ComplaintStatus.CLOSED: _("Closed"),
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
MAX_TEXT = 5000
# Number series of the shared numbering service (app/numbering.py).
REPORT_SERIES = "fault_report"      # KH-A-000001
ORDER_SERIES = "fault_work_order"   # KH-OC-000001


class WorkflowError(Exception):
    """A rule said no; str(error) is a message for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# ---------------------------------------------------------------- helpers

def _text(value, label, required=True, limit=MAX_TEXT):
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(gettext("Please fill in: %(field)s.", field=label))
    if len(value) > limit:
        raise WorkflowError(gettext("%(field)s is too long (at most %(n)s characters).",
                                    field=label, n=limit))
    return value


def _email(value):
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise WorkflowError(gettext("Please enter a valid e-mail address.")) from exc


def _photo(upload):
    """Store a photo if one was sent; UploadError becomes WorkflowError."""
    if upload is None or (hasattr(upload, "filename") and not upload.filename):
        return None
    try:
        return files.save_upload(upload, accept=("image",))
    except files.UploadError as exc:
        raise WorkflowError(gettext("The photo was not accepted: %(reason)s",
                                    reason=str(exc))) from exc


def photo_data_uri(stored):
    data = files.read_bytes(stored)
    return f"data:{stored.content_type};base64,{base64.b64encode(data).decode()}"


def _committed(obj, key):
    """The value of `key` as loaded from the database (before this request's changes)."""
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, key)


def _public(path, obj):
    return tokens.url(path, obj)


# ---------------------------------------------------------------- devices

def register_device(sticker, *, location, placement, device_type, contractor, serial_number="",
                    photo=None, user=None):
    """Link a printed sticker to a device, once (Stap 1: Registreren)."""
    if sticker.device is not None:
        raise WorkflowError(gettext("This sticker is already in use."))
    if location is None or contractor is None:
        raise WorkflowError(gettext("Please choose a location and a maintenance partner."))
    device = Device(
        sticker=sticker, location=location, contractor=contractor,
        placement=_text(placement, gettext("Exact location"), limit=300),
        device_type=_text(device_type, gettext("Device type"), limit=200),
        serial_number=_text(serial_number, gettext("Serial number"), required=False, limit=100),
        registered_by_id=getattr(user, "id", None), registered_at=utcnow(),
    )
    device.photo = _photo(photo)
    db.session.add(device)
    db.session.flush()
    return device


# ---------------------------------------------------------------- reports

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
            raise WorkflowError(gettext("Please choose a location."))
        contractor = location.default_contractor
        if contractor is None:
            raise WorkflowError(gettext(
                "No maintenance partner is set for this location yet. Please contact the "
                "facility manager."))
    fields = dict(
        placement=_text(placement, gettext("Exact location"), required=device is None,
                        limit=300),
        description=_text(description, gettext("Description")),
        reporter_first_name=_text(first_name, gettext("First name"), limit=100),
        reporter_last_name=_text(last_name, gettext("Last name"), limit=100),
        reporter_email=_email(email),
        reporter_phone=_text(phone, gettext("Phone"), required=False, limit=50),
    )
    stored_photo = _photo(photo)  # last check: a refused photo leaves nothing behind
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
    queue_template(
        "faults/mail/report_received", report.reporter_email,
        f"Uw melding {report.number} is ontvangen",
        context={"report": report, "order": order, "link": _public("/r/", report)},
        subject_record=("WorkOrder", order.id))
    return report


def work_order_pdf(order):
    photos = [photo_data_uri(f) for f in (order.report.photo,
                                          order.report.device and order.report.device.photo) if f]
    return render_pdf("faults/work_order_pdf.html", order=order, report=order.report,
                      photos=photos, status_labels=STATUS_LABELS)


def queue_contractor_mail(order):
    """The seed's mail to the contractor: text, link and the order as PDF."""
    link = _public("/wo/", order)
    if link is None:
        raise WorkflowError(gettext("The contractor link is revoked; renew it first."))
    return queue_template(
        "faults/mail/new_order", order.contractor.email,
        # a line break in a location name (possible via the API) must not break the header
        f"Nieuwe opdracht {order.number} — {' '.join(order.report.location.name.split())}",
        context={"order": order, "report": order.report, "link": link},
        attachments=[(f"{order.number}.pdf", "application/pdf", work_order_pdf(order))],
        subject_record=("WorkOrder", order.id))


# ---------------------------------------------------------------- contractor

def _check_open(order):
    if order.is_locked:
        raise WorkflowError(gettext(
            "This work order is completed; it can no longer be changed."))


def transition(order, action):
    """Press one of the contractor's buttons: accept, parts_on_order, complete."""
    allowed, target = TRANSITIONS[action]
    _check_open(order)
    if order.status not in allowed:
        raise WorkflowError(gettext(
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
        queue_template(
            "faults/mail/order_accepted", report.reporter_email,
            f"Uw melding {report.number} is opgepakt",
            context={"order": order, "report": report, "link": _public("/r/", report)},
            subject_record=("WorkOrder", order.id))
    elif target == S.COMPLETED:
        queue_template(
            "faults/mail/order_completed", report.reporter_email,
            f"Uw melding {report.number} is afgerond — hoe was het?",
            context={"order": order, "report": report, "link": _public("/r/", report)},
            subject_record=("WorkOrder", order.id))
    return order


def parse_fields(form):
    """The contractor's fields from a form (strings) → typed values, or WorkflowError."""
    from datetime import date

    values = {}
    raw = (form.get("appointment_date") or "").strip()
    if raw:
        try:
            values["appointment_date"] = date.fromisoformat(raw)
        except ValueError as exc:
            raise WorkflowError(gettext("The appointment date is not a valid date.")) from exc
    else:
        values["appointment_date"] = None
    values["contractor_remarks"] = _text(form.get("contractor_remarks"),
                                         gettext("Remarks"), required=False) or None
    raw = (form.get("invoice_total") or "").strip().replace(" ", "")
    if raw:
        if "," in raw:  # Dutch: 1.234,56
            raw = raw.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(raw).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise WorkflowError(gettext("The invoice total is not an amount.")) from exc
        if amount < 0 or amount >= Decimal("10000000000"):
            raise WorkflowError(gettext("The invoice total is not an amount."))
        values["invoice_total"] = amount
    else:
        values["invoice_total"] = None
    warranty = form.get("warranty", "")
    values["warranty"] = {"yes": True, "no": False}.get(warranty)
    values["contractor_reference"] = _text(form.get("contractor_reference"),
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
    if _committed(order, "status") == S.COMPLETED and not is_admin:
        raise WorkflowError(gettext(
            "This work order is completed; only an administrator can change it."))


def check_report_edit(report, is_admin):
    """A report's fields are part of its order (description, reporter, placement): once
    the order is completed they are locked for everyone but Admin too."""
    order = report.work_order
    if order is not None and order.status == S.COMPLETED and not is_admin:
        raise WorkflowError(gettext(
            "The work order of this report is completed; only an administrator can change "
            "the report."))


def check_sticker_free(device):
    """A device's sticker (add/edit form) must not be another device's: the one-to-one
    relationship would otherwise silently take it away from that device."""
    if device.sticker is None:
        return
    with db.session.no_autoflush:  # compare with what is stored, before this form's change
        from sqlalchemy import select
        owner = db.session.scalar(select(Device.id).where(
            Device.sticker_id == device.sticker.id, Device.id != device.id))
    if owner is not None:
        raise WorkflowError(gettext("This sticker is already in use."))


def check_delete(obj):
    """Locations, maintenance partners and devices with history stay: deleting them
    would orphan reports and orders (or, on SQLite, leave them pointing nowhere)."""
    from sqlalchemy import func, select

    from .models import Contractor, Location

    def used(model, *conditions):
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) > 0

    if isinstance(obj, Device) and used(FaultReport, FaultReport.device_id == obj.id):
        raise WorkflowError(gettext(
            "This device has fault reports, so it cannot be deleted."))
    if isinstance(obj, Location) and (used(Device, Device.location_id == obj.id)
                                      or used(FaultReport, FaultReport.location_id == obj.id)):
        raise WorkflowError(gettext(
            "This location has devices or fault reports, so it cannot be deleted."))
    if isinstance(obj, Contractor) and (
            used(Device, Device.contractor_id == obj.id)
            or used(WorkOrder, WorkOrder.contractor_id == obj.id)
            or used(Location, Location.default_contractor_id == obj.id)):
        raise WorkflowError(gettext(
            "This maintenance partner has devices, work orders or locations, so it cannot be "
            "deleted."))


# ---------------------------------------------------------------- reporter

def _score(value, label):
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise WorkflowError(gettext("Please give 1 to 5 stars for %(what)s.", what=label))
    return score


def rate(order, *, speed, communication, quality, solved, comment=""):
    """Feedback versturen: after completion, once."""
    if order.status != S.COMPLETED:
        raise WorkflowError(gettext("You can rate the handling once the work is completed."))
    if order.rating is not None:
        raise WorkflowError(gettext("You have already rated this report. Thank you!"))
    if solved not in ("yes", "no"):
        raise WorkflowError(gettext("Please say whether the problem is solved."))
    rating = Rating(
        work_order=order,
        speed=_score(speed, gettext("speed")),
        communication=_score(communication, gettext("communication")),
        quality=_score(quality, gettext("quality")),
        solved=solved == "yes",
        comment=_text(comment, gettext("Comment"), required=False) or None,
    )
    db.session.add(rating)
    db.session.flush()  # the unique key refuses a second rating sent at the same moment
    return rating


def complain(order, text):
    """A complaint, at any time after the report; mails the contractor a link
    to a page with the order and the complaint, where they answer."""
    complaint = Complaint(work_order=order, status=ComplaintStatus.OPEN,
                          text=_text(text, gettext("Complaint")))
    tokens.issue(complaint)
    db.session.add(complaint)
    db.session.flush()
    queue_template(
        "faults/mail/complaint", order.contractor.email,
        f"Klacht over opdracht {order.number}",
        context={"order": order, "report": order.report, "complaint": complaint,
                 "link": _public("/c/", complaint)},
        subject_record=("WorkOrder", order.id))
    return complaint


def respond(complaint, text):
    """The contractor's answer to a complaint; the reporter is told."""
    if complaint.status == ComplaintStatus.CLOSED:
        raise WorkflowError(gettext("This complaint is closed."))
    complaint.response = _text(text, gettext("Response"))
    complaint.responded_at = utcnow()
    complaint.status = ComplaintStatus.ANSWERED
    report = complaint.work_order.report
    queue_template(
        "faults/mail/complaint_answered", report.reporter_email,
        f"Reactie op uw klacht over melding {report.number}",
        context={"complaint": complaint, "report": report, "link": _public("/r/", report)},
        subject_record=("WorkOrder", complaint.work_order_id))
    return complaint


def close_complaint(complaint):
    """The facility manager closes a complaint (answered or not)."""
    if complaint.status == ComplaintStatus.CLOSED:
        raise WorkflowError(gettext("This complaint is already closed."))
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_at = utcnow()
    return complaint


# ---------------------------------------------------------------- facility manager

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
    if order.contractor is None or order.contractor.id == _committed(order, "contractor_id"):
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
    return queue_template(
        "faults/mail/reporter_link", report.reporter_email,
        f"Nieuwe link voor uw melding {report.number}",
        context={"report": report, "link": _public("/r/", report)},
        subject_record=("WorkOrder", report.work_order.id) if report.work_order else None)


def is_admin(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(r.name == current_app.config["AUTH_ROLE_ADMIN"] for r in user.roles)
