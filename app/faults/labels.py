"""Words people read for this domain's fields, record types, audit actions and codes.

`LABELS` are the column labels of the back office; `register()` hands the same words
to the shared audit log (app/audit/labels.py), so the central log and the work
order's Audit tab show "Werkorder", "Status: Nieuw → Geaccepteerd" instead of class
names, column names and codes; `register_audit_readers()` names linked records and
shows amounts in the Audit tab (app/audit/tab.py).
"""
from flask_babel import lazy_gettext as _

from .. import audit
from ..audit import tab
from ..audit.labels import column_labels
from . import DOMAIN

LABELS = {
    "name": _("Name"), "street": _("Street + house number"), "postcode": _("Postcode"),
    "city": _("City"), "contact_name": _("Contact"), "contact_phone": _("Contact phone"),
    "contact_email": _("Contact e-mail"), "default_contractor": _("Default maintenance partner"),
    "email": _("E-mail"), "phone": _("Phone"), "contact_person": _("Contact person"),
    "code": _("QR code"), "sticker": _("QR code"), "location": _("Location"),
    "placement": _("Exact location"), "device_type": _("Device type"), "photo": _("Photo"),
    "serial_number": _("Serial number"), "contractor": _("Maintenance partner"),
    "registered_by": _("Registered by"), "registered_at": _("Registered at"),
    "number": _("Number"), "device": _("Device"), "description": _("Description"),
    "reporter_first_name": _("First name"), "reporter_last_name": _("Last name"),
    "reporter_name": _("Reporter"), "reporter_email": _("E-mail"), "reporter_phone": _("Phone"),
    "created_at": _("Created"), "report": _("Request"), "status": _("Status"),
    "appointment_date": _("Appointment date"), "contractor_remarks": _("Contractor remarks"),
    "invoice_total": _("Invoice total excl. VAT"), "warranty": _("Warranty"),
    "contractor_reference": _("Contractor reference number"),
    "internal_note": _("Internal (visible to the maintenance partner)"),
    "contractor_note": _("Info for the contractor"), "accepted_at": _("Accepted"),
    "parts_ordered_at": _("Parts ordered"), "completed_at": _("Completed"),
    "complete_state": _("Complete by"), "complete_due_at": _("Complete by"),
    "work_order": _("Work order"), "speed": _("Speed"), "communication": _("Communication"),
    "quality": _("Quality of the solution"), "solved": _("Solved"), "comment": _("Comment"),
    "text": _("Complaint"), "response": _("Response"), "responded_at": _("Responded"),
    "closed_at": _("Closed"), "batch": _("Batch"), "in_use": _("In use"),
    "rating_summary": _("Average ratings"), "qr_preview": _("QR code"),
    "order_status": _("Status"), "average": _("Average"),
    "priority": _("Priority"), "appointment_time": _("Appointment time"),
    "declined_at": _("Declined"), "decline_reason": _("Reason for declining"),
    "flagged_at": _("Needs attention since"), "flag_reason": _("Needs attention because"),
    "reminder_sent_at": _("Reminder sent"), "manager_alerted_at": _("Office alerted"),
    "followup_sent_at": _("Follow-up sent"), "assigned_at": _("Sent to the partner"),
    "reopened_from": _("Reopened from"), "is_current": _("Current order"),
    "responder_name": _("Answered by"), "location_name": _("Location"),
    "cost_approval_limit": _("Cost-approval limit excl. VAT"),
    "cost_approved_amount": _("Costs approved up to"),
    "cost_approval_requested_at": _("Cost approval asked"),
    "customer": _("Customer"), "size": _("Number of stickers"),
    "sticker_batch": _("Batch"),
}

RECORDS = {
    "WorkOrder": _("Work order"), "FaultReport": _("Fault report"), "Device": _("Device"),
    "StickerCode": _("QR sticker"), "StickerBatch": _("Sticker batch"),
    "Location": _("Location"),
    "Contractor": _("Maintenance partner"), "Rating": _("Rating"), "Complaint": _("Complaint"),
}
ACTIONS = {
    "mail_resent": _("Mail to the maintenance partner sent again"),
    "link_renewed": _("Link renewed"),
    "link_revoked": _("Link revoked"),
    "declined": _("Declined by the maintenance partner"),
    "reopened": _("Reopened"),
    "flagged": _("Marked: needs attention"),
    "reminder_sent": _("Reminder sent"),
    "manager_alerted": _("Office alerted"),
    "followup_sent": _("Follow-up sent"),
    "follower_added": _("Reporter added (\"I have this too\")"),
    "evidence_added": _("File added"),
    "cost_approval_requested": _("Cost approval asked"),
    "costs_approved": _("Costs approved"),
    "priority_changed": _("Priority changed"),
    "portal_link_sent": _("Portal link sent"),
    "portal_link_revoked": _("Portal link revoked"),
}
# Columns of the audited models that LABELS names differently (foreign keys, bookkeeping).
EXTRA_FIELDS = {
    "id": _("Record number"), "updated_at": _("Last changed"),
    "sticker_id": _("QR code"), "location_id": _("Location"), "photo_id": _("Photo"),
    "contractor_id": _("Maintenance partner"), "registered_by_id": _("Registered by"),
    "default_contractor_id": _("Default maintenance partner"), "device_id": _("Device"),
    "report_id": _("Request"), "work_order_id": _("Work order"), "batch_id": _("Batch"),
}


def _models():
    from .models import (
        Complaint,
        Contractor,
        Device,
        FaultReport,
        Location,
        Rating,
        StickerBatch,
        StickerCode,
        WorkOrder,
    )
    return {m.__name__: m for m in (WorkOrder, FaultReport, Device, StickerCode, StickerBatch,
                                    Location, Contractor, Rating, Complaint)}


LINKED = {"contractor_id": "Contractor", "default_contractor_id": "Contractor",
          "location_id": "Location", "report_id": "FaultReport", "work_order_id": "WorkOrder",
          "device_id": "Device", "sticker_id": "StickerCode", "batch_id": "StickerBatch"}


def register():
    """Give the shared audit log this domain's words (called from registration.register)."""
    register_audit_readers()
    from .workflow import COMPLAINT_LABELS, PRIORITY_LABELS, STATUS_LABELS

    fields = column_labels(_models().values(), {**EXTRA_FIELDS, **LABELS})
    audit.register_labels(
        records=RECORDS, actions=ACTIONS, fields=fields,
        values={("WorkOrder", "status"): STATUS_LABELS,
                ("Complaint", "status"): COMPLAINT_LABELS,
                ("FaultReport", "priority"): PRIORITY_LABELS})


def register_audit_readers():
    """How the Audit tab and the audit log read this domain's ids and amounts
    (app/audit/tab.py): one loader per kind of record, for its fields and for the
    records entries belong to."""
    models = _models()
    loaders = {name: tab.names_loader(model) for name, model in models.items()}
    for field, model_name in LINKED.items():
        tab.register_names({field}, loaders[model_name])
    for model_name, load in loaders.items():
        tab.register_names((), load, record=model_name)
    tab.register_money({"invoice_total", "cost_approved_amount", "cost_approval_limit"}, DOMAIN)
