"""Evidence on a report and its order: several photos from the reporter; after-photos,
the work report and the invoice from the partner; and the cost-approval limit per
partner, above which the facility manager approves the costs before AFMELDEN."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .. import audit, files
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..money import format_money
from . import DOMAIN
from .models import Evidence, EvidenceKind
from .rules import mail_office, public_url, queue_mail

MAX_REPORT_PHOTOS = 5
KIND_LABELS = {
    EvidenceKind.REPORT_PHOTO: _("Photo of the reporter"),
    EvidenceKind.AFTER_PHOTO: _("Photo after the work"),
    EvidenceKind.WORK_REPORT: _("Work report"),
    EvidenceKind.INVOICE: _("Invoice"),
}
# What each kind may be: the partner's documents may be a PDF or a photo of the paper.
ACCEPT = {
    EvidenceKind.REPORT_PHOTO: ("image",), EvidenceKind.AFTER_PHOTO: ("image",),
    EvidenceKind.WORK_REPORT: ("pdf", "image"), EvidenceKind.INVOICE: ("pdf", "image"),
}


def _store(upload, kind, defer=False):
    try:
        return files.save_upload(upload, accept=ACCEPT[kind], defer=defer)
    except files.UploadError as exc:
        raise DomainError(gettext("The file was not accepted: %(reason)s",
                                  reason=str(exc))) from exc


def add_report_photos(report, uploads, defer=False):
    """The reporter's photos after the first (which is the report's own photo); defer:
    re-encoded by the worker (files.save_upload)."""
    uploads = [u for u in uploads if u is not None and getattr(u, "filename", True)]
    if len(uploads) + (1 if report.photo else 0) > MAX_REPORT_PHOTOS:
        raise DomainError(gettext("At most %(n)s photos per report.", n=MAX_REPORT_PHOTOS))
    for upload in uploads:
        db.session.add(Evidence(report=report, kind=EvidenceKind.REPORT_PHOTO,
                                file=_store(upload, EvidenceKind.REPORT_PHOTO, defer)))


def upload(order, kind, upload_file):
    """The partner adds an after-photo, the work report or the invoice (until AFMELDEN)."""
    from .orders import check_open  # orders imports this module

    check_open(order)
    if kind not in (EvidenceKind.AFTER_PHOTO, EvidenceKind.WORK_REPORT, EvidenceKind.INVOICE):
        raise DomainError(gettext("Choose what the file is."))
    if upload_file is None or not getattr(upload_file, "filename", True):
        raise DomainError(gettext("Choose a file."))
    item = Evidence(report=order.report, work_order=order, kind=kind,
                    file=_store(upload_file, kind))
    db.session.add(item)
    db.session.flush()
    audit.record(order, "evidence_added", note=f"{KIND_LABELS[kind]}: {item.file.original_name}")
    return item


def photos(report):
    """Every photo of a report: the reporter's, the device's, the partner's after-photos."""
    found = [f for f in (report.photo, report.device.photo if report.device else None) if f]
    found += [e.file for e in report.evidence
              if e.kind in (EvidenceKind.REPORT_PHOTO, EvidenceKind.AFTER_PHOTO)]
    return found


def documents(order):
    """The partner's documents of an order (work report, invoice)."""
    return [e for e in order.evidence
            if e.kind in (EvidenceKind.WORK_REPORT, EvidenceKind.INVOICE)]


def needs_cost_approval(order):
    """Whether the invoice is above the partner's limit and not (yet) approved."""
    if order.invoice_total is None:  # before touching the partner: no load, no autoflush
        return False
    limit = order.contractor.cost_approval_limit
    if limit is None or order.invoice_total <= limit:
        return False
    return order.cost_approved_amount is None or order.invoice_total > order.cost_approved_amount


def ask_cost_approval(order):
    """Saved with an invoice above the limit: ask the office once per amount."""
    if not needs_cost_approval(order) or order.cost_approval_requested_at is not None:
        return
    order.cost_approval_requested_at = utcnow()
    audit.record(order, "cost_approval_requested", note=str(order.invoice_total))
    mail_office(order, _("Cost approval needed: work order %(number)s (%(amount)s)",
                  number=order.number, amount=format_money(order.invoice_total, DOMAIN)),
                [gettext("The invoice (%(amount)s excl. VAT) is above the approval limit of "
                         "%(partner)s (%(limit)s). Approve the costs on the order's page.",
                         amount=format_money(order.invoice_total, DOMAIN),
                         partner=order.contractor.name,
                         limit=format_money(order.contractor.cost_approval_limit, DOMAIN))])


def approve_costs(order):
    """The facility manager approves the invoice amount; the partner may complete."""
    if not needs_cost_approval(order):
        raise DomainError(gettext("These costs need no approval."))
    order.cost_approved_amount = order.invoice_total
    audit.record(order, "costs_approved", note=str(order.invoice_total))
    queue_mail("costs_approved", order.contractor.email,
               _("Costs approved for work order %(number)s", number=order.number),
               context={"order": order, "report": order.report,
                        "amount": format_money(order.invoice_total, DOMAIN),
                        "link": public_url("/wo/", order)},
               subject_record=("WorkOrder", order.id))
    return order
