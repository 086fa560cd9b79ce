"""Work orders: a report becomes an order, the contractor's buttons move it through its
states, its fields lock once completed, and the facility manager manages its links."""
from datetime import date, time

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .. import audit, files, mail
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..money import parse_amount
from ..numbering import next_value
from ..pdf import render_pdf
from ..transitions import Transition
from . import evidence, kept_photos, rules, tokens
from .models import (
    ComplaintStatus,
    EvidenceKind,
    FaultReport,
    Priority,
    WorkOrder,
    WorkOrderStatus,
)
from .rules import (
    committed,
    mail_office,
    mail_reporter,
    photo_data_uri,
    public_url,
    queue_mail,
    text,
)

S = WorkOrderStatus
STATUS_LABELS = S.LABELS
PRIORITY_LABELS = {Priority.URGENT: _("Urgent"), Priority.NORMAL: _("Normal")}
# The contractor's buttons (app/transitions.py): from which states each may be pressed.
# No permission: the contractor's link token decides.
TRANSITIONS = {
    "accept": Transition((S.NEW, S.PARTS_ON_ORDER), S.ACCEPTED),
    "parts_on_order": Transition((S.ACCEPTED,), S.PARTS_ON_ORDER),
    # Completing straight from "parts on order" is allowed: the parts arrived
    # and the job was done in one visit; forcing "accept" first helps no one.
    "complete": Transition((S.ACCEPTED, S.PARTS_ON_ORDER), S.COMPLETED),
    # "niet voor ons": back to the facility manager, who gives it to another partner
    "decline": Transition((S.NEW, S.ACCEPTED), S.DECLINED),
}
CONTRACTOR_FIELDS = ("appointment_date", "appointment_time", "contractor_remarks",
                     "invoice_total", "warranty", "contractor_reference")
FIELD_LABELS = {
    "appointment_date": _("Appointment date"), "appointment_time": _("Appointment time"),
    "contractor_remarks": _("Contractor remarks"),
    "invoice_total": _("Invoice total excl. VAT"), "warranty": _("Warranty"),
    "contractor_reference": _("Contractor reference number"),
}
# Number series of the shared numbering service (app/numbering.py).
REPORT_SERIES = "fault_report"      # KH-A-000001
ORDER_SERIES = "fault_work_order"   # KH-OC-000001



def priority_for(device, chosen=None):
    """The reporter's choice; without one, urgent for the device types configured so."""
    if chosen in Priority.ALL:
        return chosen
    urgent_types = current_app.config.get("FAULTS_URGENT_DEVICE_TYPES", ())
    if device is not None and device.device_type.strip().lower() in urgent_types:
        return Priority.URGENT
    return Priority.NORMAL


def next_number(series, start_key):
    """The next number of `series`; a new series starts at the configured number."""
    value = next_value(db.session, series)
    start = int(current_app.config.get(start_key, 1) or 1)
    return value + start - 1


def create_report(*, location=None, device=None, placement="", description, first_name,
                  last_name, email, phone="", photo=None, priority=None, more_photos=(),
                  defer_photos=False):
    """A new fault report and its work order; mails the contractor (with the
    order as PDF and the link to its page) and the reporter (confirmation).
    defer_photos: the photos are checked and kept in quarantine, re-encoded by the worker
    (the public form answers at once; the PDF is built by the worker too).

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
    if device is not None and not (placement or "").strip():
        placement = device.placement  # the sticker's placement is the exact location
    fields = {
        "placement": text(placement, gettext("Exact location"), required=device is None,
                        limit=300),
        "priority": priority_for(device, priority),
        "description": text(description, gettext("Description")),
        "reporter_first_name": text(first_name, gettext("First name"), limit=100),
        "reporter_last_name": text(last_name, gettext("Last name"), limit=100),
        "reporter_email": rules.email(email),
        "reporter_phone": text(phone, gettext("Phone"), required=False, limit=50),
    }
    # last check: a refused photo leaves nothing behind
    stored_photo = rules.photo(photo, defer=defer_photos)
    kept_photos.attached(stored_photo)  # kept from a refused attempt: now it is used
    numbers = (next_number(REPORT_SERIES, "FAULTS_REPORT_NUMBER_START"),
               next_number(ORDER_SERIES, "FAULTS_ORDER_NUMBER_START"))
    report = FaultReport(device=device, location=location, photo=stored_photo,
                         number=f"KH-A-{numbers[0]:06d}", **fields)
    order = WorkOrder(report=report, contractor=contractor, status=S.NEW, location=location,
                      number=f"KH-OC-{numbers[1]:06d}")
    tokens.issue(report)
    tokens.issue(order)
    db.session.add_all([report, order])
    if more_photos:
        evidence.add_report_photos(report, more_photos, defer=defer_photos)
    db.session.flush()
    queue_contractor_mail(order)
    mail_reporter(report, "report_received", _("Your report %(number)s has been received", number=report.number),
                  order.id, order=order)
    return report


def _pdf_photos(order):
    """(label, file) of every photo the order's PDF shows."""
    report = order.report
    found = [(label, f) for label, f in (
        ("Foto bij de melding", report.photo),
        ("Foto van het apparaat", report.device.photo if report.device else None)) if f]
    found += [(f"Foto bij de melding ({n})", e.file)
              for n, e in enumerate(report.evidence, start=2)
              if e.kind == EvidenceKind.REPORT_PHOTO]
    return found


def work_order_pdf(order):
    """The order as PDF: Dutch labels, photos at print size and labelled (a photo still
    in quarantine, or refused, is left out)."""
    photos = [{"label": label, "src": photo_data_uri(f)}
              for label, f in _pdf_photos(order) if f.is_ready]
    return render_pdf("faults/work_order_pdf.html", order=order, report=order.report,
                      photos=photos, status_labels=STATUS_LABELS, pdf_text=rules.pdf_text)


# The contractor's mail carries the order as PDF, built by the worker when it sends the
# mail (outbox `later`): rendering it, with photos, took seconds on the request path.
WORK_ORDER_PDF = "faults.work_order_pdf"


def built_work_order_pdf(order_id):
    """The attachment builder (the worker): the photos of the order still in quarantine are
    re-encoded first, so the PDF shows them."""
    from flask_babel import force_locale

    order = db.session.get(WorkOrder, int(order_id))
    if order is None:
        raise LookupError(f"work order {order_id} no longer exists")
    pending = [f.id for _label, f in _pdf_photos(order) if f.is_pending]
    if pending:
        files.process_pending(ids=pending)
        order = db.session.get(WorkOrder, int(order_id))
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
        return work_order_pdf(order)


def queue_contractor_mail(order):
    """The seed's mail to the contractor: text, link and the order as PDF."""
    link = public_url("/wo/", order)
    if link is None:
        raise DomainError(gettext("The contractor link is revoked; renew it first."))
    return queue_mail(
        "new_order", order.contractor.email,
        # a line break in a location name (possible via the API) must not break the header
        _("New work order %(number)s — %(location)s", number=order.number,
          location=" ".join(order.report.location.name.split())),
        context={"order": order, "report": order.report, "link": link},
        attachments=[(f"{order.number}.pdf", "application/pdf",
                      mail.later(WORK_ORDER_PDF, order.id))],
        subject_record=("WorkOrder", order.id))


def check_open(order):
    if order.is_locked:
        raise DomainError(gettext(
            "This work order is completed; it can no longer be changed."))
    if order.status == S.DECLINED:
        raise DomainError(gettext(
            "You declined this work order; it is back with the facility manager."))


def allowed_actions(order):
    """The contractor's buttons that may be pressed now (none once completed)."""
    if order.is_locked or order.status == S.DECLINED:
        return set()
    return {action for action, step in TRANSITIONS.items() if step.allows(order.status)}


def missing_for_completion(order):
    """Labels of the fields AFMELDEN still needs (FAULTS_COMPLETE_REQUIRED)."""
    required = current_app.config.get("FAULTS_COMPLETE_REQUIRED", ())
    return [str(FIELD_LABELS.get(f, f)) for f in required
            if getattr(order, f, None) in (None, "")]


def check_transition(order, action):
    """Whether the button may be pressed now (and AFMELDEN has what it requires)."""
    check_open(order)
    if action not in allowed_actions(order):
        raise DomainError(gettext(
            "This is not possible while the work order is \"%(status)s\".",
            status=STATUS_LABELS[order.status]))
    if action == "complete" and evidence.needs_cost_approval(order):
        raise DomainError(gettext(
            "The invoice is above your approval limit: the facility manager approves the "
            "costs first (we have asked). You can complete the order after that."))
    if action == "complete":
        missing = missing_for_completion(order)
        if missing:
            raise DomainError(gettext("Before completing, please fill in: %(fields)s.",
                                      fields=", ".join(missing)))


def transition(order, action, reason=None):
    """Press one of the contractor's buttons: accept, parts_on_order, complete, decline
    (with a reason)."""
    target = TRANSITIONS[action].target
    check_transition(order, action)
    if action == "decline":
        return _decline(order, reason)
    old = order.status
    order.status = target
    now = utcnow()
    report = order.report
    order.followup_sent_at = None  # a new state gets its own follow-up clock
    if target == S.ACCEPTED:
        order.accepted_at = order.accepted_at or now
    elif target == S.PARTS_ON_ORDER:
        order.parts_ordered_at = now
    else:
        order.completed_at = now
    audit.record(order, "transition", field="status", old=old, new=target)
    if action == "accept" and old == S.NEW:
        mail_reporter(report, "order_accepted", _("Your report %(number)s is being handled", number=report.number),
                      order.id, followers=True, order=order)
    elif target == S.COMPLETED:
        mail_reporter(report, "order_completed",
                      _("Your report %(number)s is completed — how did it go?", number=report.number),
                      order.id, followers=True, order=order)
    return order


def _decline(order, reason):
    """"Niet voor ons": the order goes back to the facility manager's queue."""
    order.decline_reason = text(reason, gettext("Reason"), limit=1000)
    old, order.status, order.declined_at = order.status, S.DECLINED, utcnow()
    audit.record(order, "transition", field="status", old=old, new=S.DECLINED)
    audit.record(order, "declined", note=order.decline_reason[:500])
    mail_office(order, _("Work order %(number)s declined by %(partner)s", number=order.number,
                  partner=order.contractor.name),
                lines=[gettext("The maintenance partner declined this work order."),
                       f"{gettext('Reason')}: {order.decline_reason}",
                       gettext("Give it to another maintenance partner on its page.")])
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
    raw = (form.get("appointment_time") or "").strip()
    if raw:
        try:
            values["appointment_time"] = time.fromisoformat(raw).replace(second=0,
                                                                          microsecond=0)
        except ValueError as exc:
            raise DomainError(gettext("The appointment time is not a valid time.")) from exc
    else:
        values["appointment_time"] = None
    if values["appointment_time"] and not values["appointment_date"]:
        raise DomainError(gettext("Please give the appointment date with the time."))
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
    """OPSLAAN: the contractor's fields, until the order is completed. A new or moved
    appointment is mailed to the reporter."""
    check_open(order)
    before = (order.appointment_date, order.appointment_time)
    for key in CONTRACTOR_FIELDS:
        if key in values:
            setattr(order, key, values[key])
    evidence.ask_cost_approval(order)
    if order.appointment_date and (order.appointment_date, order.appointment_time) != before:
        report = order.report
        mail_reporter(report, "appointment",
                      _("Appointment for your report %(number)s: %(when)s", number=report.number,
                        when=appointment_text(order)),
                      order.id, followers=True, order=order, when=appointment_text(order))
    return order


def appointment_text(order):
    """'18-05-2021 09:30' (the time when given)."""
    if not order.appointment_date:
        return ""
    when = order.appointment_date.strftime("%d-%m-%Y")
    return f"{when} {order.appointment_time:%H:%M}" if order.appointment_time else when


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
    """Send the order mail (PDF + link) again; the link stays the same. Not for a
    completed order: a "new order" mail for a finished job only confuses."""
    if order.status == S.COMPLETED:
        raise DomainError(gettext("This work order is completed; its order mail is not sent "
                                  "again."))
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
    if order.status == S.DECLINED:
        audit.record(order, "transition", field="status", old=S.DECLINED, new=S.NEW)
        order.status = S.NEW
    if order.status != S.COMPLETED:
        order.assigned_at = utcnow()
        order.reminder_sent_at = order.manager_alerted_at = order.followup_sent_at = None
        renew_contractor_link(order)
    _hand_over_complaints(order)
    return True


def _hand_over_complaints(order):
    """The old partner's complaint links stop working; the new partner gets a link to
    each complaint still open (closed ones stay closed, without a link)."""
    from .feedback import mail_complaint

    for complaint in order.complaints:
        if complaint.status == ComplaintStatus.CLOSED:
            tokens.revoke(complaint)
        else:
            tokens.issue(complaint)
            mail_complaint(complaint)


def revoke_contractor_link(order):
    """The contractor's link stops working (wrong recipient, leaked mail)."""
    tokens.revoke(order)
    audit.record(order, "link_revoked")
    return order


def renew_reporter_link(report):
    """A new link for the reporter's page (the old one stops working), mailed at once."""
    tokens.issue(report)
    audit.record(report, "link_renewed", note=report.reporter_email)
    return mail_reporter(report, "reporter_link", _("New link for your report %(number)s", number=report.number),
                         report.work_order.id if report.work_order else None)
