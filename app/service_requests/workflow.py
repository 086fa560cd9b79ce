"""The rules of a service request: which step may happen, by whom, and what it does.

Views, the API, public pages and the mail handler call these functions and show
the result; none of them sets a status itself. A refused step raises the shared
DomainError, whose text is a message for the user. Functions change the session
but do not commit: the caller runs them in `transaction()` (the shared unit of work
with this domain's message for a lost optimistic-locking race).
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext

from .. import audit
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..files import UploadError, save_upload
from ..formatting import local_time
from ..numbering import next_value
from . import DOMAIN
from .customer_mail import (  # noqa: F401  (re-exported)
    find_by_token,
    issue_track_token,
    queue_customer_mail,
    reply_address,
    track_url,
)
from .ledger import (  # noqa: F401, E402  (re-exported)
    add_additional_line,
    correct,
    mark_paid,
    refund,
    settle,
    void_payment,
)
from .models import (
    AdditionalProductLine,
    ApplicantFeedback,
    CheckResult,
    CustomerFeedback,
    DeliveredProduct,
    InboundDocument,
    InboundDocumentFile,
    InternalCheck,
    OnBehalfOf,
    RequestedProductLine,
    ServiceRequest,
    Urgency,
)
from .models import RequestStatus as S
from .rules import (  # noqa: F401  (re-exported: the one entry point of this domain)
    OWNED_STEPS,
    PERMISSIONS,
    RESOURCE,
    STALE_MESSAGE,
    TRANSITIONS,
    WORKING,
    Transition,
    _current_user_id,
    _guard,
    _is_owner_or_lead,
    _mail_customer,
    _move,
    _notify,
    _take,
    _user_may,
    _user_name,
    may,
    transaction,
)

WorkflowError = DomainError  # the former name, for code not yet moved to DomainError

# ---------------------------------------------------------------- creation

def next_order_no(year=None):
    """The next order number of this year, e.g. 2026-000123, from the shared numbering
    service (one series per year). On PostgreSQL its row stays locked until this
    transaction ends, so two clerks never get the same number and a rollback leaves no gap.
    """
    year = year or local_time(utcnow(), DOMAIN).year
    value = next_value(db.session, f"service_request:{year}")
    return f"{year}-{value:06d}"


def create_request(*, applicant_name, applicant_email, applicant_phone=None, id_number=None,
                   urgency=Urgency.ONLINE, on_behalf_of=None, products=(), additional=(),
                   id_card_file=None, client_reference=None, received_at=None):
    """A new request with its lines; status received, an order number of this year.

    products: [(Product, quantity, customer_info)]; additional: [(Product, quantity)].
    """
    if urgency not in Urgency.LABELS:
        raise DomainError(gettext("Unknown urgency."))
    if urgency == Urgency.URGENT and on_behalf_of not in OnBehalfOf.LABELS:
        raise DomainError(gettext("An urgent request needs “on behalf of”."))
    if urgency != Urgency.URGENT:
        on_behalf_of = None
    if not products:
        raise DomainError(gettext("Choose at least one product."))
    sr = ServiceRequest(
        order_no=next_order_no(), status=S.RECEIVED, urgency=urgency,
        on_behalf_of=on_behalf_of, received_at=received_at or utcnow(),
        applicant_name=applicant_name, applicant_email=applicant_email,
        applicant_phone=applicant_phone, id_number=id_number, id_card_file=id_card_file,
        client_reference=client_reference,
    )
    for product, quantity, info in products:
        if product.is_additional:
            raise DomainError(gettext("%(name)s is an additional product.", name=product.name))
        sr.requested_lines.append(RequestedProductLine(
            product=product, quantity=quantity, unit_price=product.unit_price,
            customer_info=info))
    for product, quantity in additional:
        if not product.is_additional:
            raise DomainError(gettext("%(name)s is not an additional product.",
                                        name=product.name))
        sr.additional_lines.append(AdditionalProductLine(
            product=product, quantity=quantity, unit_price=product.unit_price))
    settle(sr)
    db.session.add(sr)
    db.session.flush()
    audit.record(sr, "transition", field="status", old=None, new=S.RECEIVED)
    # The customer's first link to the track page, with what to pay and how.
    _mail_customer(sr, "confirmation")
    return sr


# ---------------------------------------------------------------- steps

def assign(sr, writer, expected_version=None):
    """Assign (or re-assign) a writer; a new request becomes Toegewezen."""
    _guard(sr, "assign", expected_version)
    if writer is None:
        raise DomainError(gettext("Choose a writer."))
    if not _is_owner_or_lead(sr):
        raise DomainError(gettext(
            "This request is assigned to %(name)s: only a lead can give it to someone else.",
            name=_user_name(sr.assigned_to)))
    sr.assigned_to = writer
    if sr.status == S.RECEIVED:
        _move(sr, S.ASSIGNED)


def send_feedback(sr, text, feedback=None, expected_version=None, asks_documents=True):
    """Feedback naar klant: store it and mail the customer. Asking for documents moves
    the request to Nieuwe documenten nodig; a message only (asks_documents=False) leaves
    the status as it is."""
    _guard(sr, "feedback" if asks_documents else "message", expected_version)
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Write the feedback for the customer."))
    feedback = feedback or CustomerFeedback()
    feedback.service_request, feedback.text = sr, text
    feedback.asks_documents = bool(asks_documents)
    feedback.author_id = _current_user_id()
    db.session.add(feedback)
    _take(sr)
    if asks_documents:
        _move(sr, S.DOCUMENTS_NEEDED)
        _mail_customer(sr, "feedback", feedback_text=text)
    else:
        sr.updated_at = utcnow()
        _mail_customer(sr, "message", feedback_text=text)
    return feedback


def receive_documents(sr, document):
    """Nieuwe documenten: file what the customer sent; waiting for documents → received.

    Auto-replies are filed but move nothing.
    """
    _guard(sr, "receive_documents")
    document.service_request = sr
    db.session.add(document)
    if not document.automatic:
        _notify(sr, "sr.documents", writer=True)
    if not document.automatic and sr.status == S.DOCUMENTS_NEEDED:
        _move(sr, S.DOCUMENTS_RECEIVED)
    else:
        sr.updated_at = utcnow()
    return document


def attach_documents(sr, files, *, source, text=None, sender=None, subject=None):
    """A new InboundDocument with stored files, filed on the request."""
    document = InboundDocument(source=source, text=text, sender=sender, subject=subject)
    for stored in files:
        document.files.append(InboundDocumentFile(stored_file=stored))
    return receive_documents(sr, document)


def upload_product(sr, stored_file, complete, remarks=None, product=None,
                   expected_version=None):
    """Opgeleverd product: one file; complete → Product opgemaakt, else aan het opmaken."""
    _guard(sr, "upload_product", expected_version)
    if stored_file is None:
        raise DomainError(gettext("Choose the file of the product."))
    product = product or DeliveredProduct()
    product.service_request, product.stored_file = sr, stored_file
    product.complete, product.remarks = bool(complete), remarks
    product.uploaded_by_id = _current_user_id()
    db.session.add(product)
    _take(sr)
    _move(sr, S.PREPARED if complete else S.IN_PREPARATION)
    if complete:
        _notify(sr, "sr.check", desk=True)
    return product


def record_internal_check(sr, result, remarks=None, check=None, expected_version=None):
    """Interne controle: approved → ready (and the pickup mail), else correction needed."""
    _guard(sr, "check", expected_version)
    if result not in CheckResult.LABELS:
        raise DomainError(gettext("Choose the result of the check."))
    if result == CheckResult.CORRECTION and not (remarks or "").strip():
        raise DomainError(gettext("Tell the writer what must be corrected."))
    check = check or InternalCheck()
    check.service_request, check.result, check.remarks = sr, result, remarks
    check.checked_by_id = _current_user_id()
    db.session.add(check)
    if result == CheckResult.OK:
        _move(sr, S.READY)
        _mail_customer(sr, "ready")
    else:
        _move(sr, S.CORRECTION_NEEDED)
        _notify(sr, "sr.correction", writer=True)
    return check


def hand_over(sr, to_whom, id_checked, expected_version=None):
    """Afgeven: only with the ID checked; records to whom and when (the first time)."""
    _guard(sr, "hand_over", expected_version)
    to_whom = (to_whom or "").strip()
    if not to_whom:
        raise DomainError(gettext("Fill in to whom the product was handed over."))
    if not id_checked:
        raise DomainError(gettext("Check the ID before handing over."))
    # A product handed over again (after the customer reported an error) keeps its first
    # hand-over time; each hand-over is in the audit log.
    sr.handed_over_to, sr.id_checked = to_whom, True
    sr.handed_over_at = sr.handed_over_at or utcnow()
    _move(sr, S.DELIVERED)
    settle(sr)  # already paid: straight on to Betaald


def cancel(sr, reason, expected_version=None):
    """Cancel or withdraw a request, with the reason: status Geannuleerd. What was paid
    is then refunded through the refund step (the request stays cancelled)."""
    _guard(sr, "cancel", expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for cancelling."))
    sr.cancelled_at, sr.cancel_reason = utcnow(), reason
    _move(sr, S.CANCELLED)
    settle(sr)  # nothing due any more: what was paid shows as to be refunded


def override_status(sr, new_status, reason, expected_version=None):
    """An administrator sets any status, with a reason; both go into the audit log."""
    _guard(sr, "override", expected_version)
    reason = (reason or "").strip()
    if new_status not in S.LABELS:
        raise DomainError(gettext("Choose the new status."))
    if not reason:
        raise DomainError(gettext("Give the reason for changing the status by hand."))
    if new_status == sr.status:
        raise DomainError(gettext("The request already has this status."))
    old = sr.status
    sr.status = new_status
    audit.record(sr, "override", field="status", old=old, new=new_status)
    audit.record(sr, "override", field="reason", new=reason)
    sr.balance_due = sr.computed_balance()  # the status stays as the administrator set it


def replace_id_photo(sr, stored_file, expected_version=None):
    """A new photo of the ID card; the old file stays stored and named in the audit log."""
    _guard(sr, "replace_id_photo", expected_version)
    if stored_file is None:
        raise DomainError(gettext("Choose the new photo of the ID card."))
    sr.id_card_file = stored_file
    sr.updated_at = utcnow()


def report_applicant_error(sr, text, source="track_page", row=None):
    """Feedback van de aanvrager: the customer found an error; the writer corrects."""
    _guard(sr, "applicant_feedback")
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Describe the error."))
    row = row or ApplicantFeedback()
    row.service_request, row.text, row.source = sr, text, source
    db.session.add(row)
    _move(sr, S.CORRECTION_NEEDED)
    _notify(sr, "sr.error", writer=True, desk=True)
    return row


def open_for_customer_documents(sr):
    """Whether the track page offers the upload form."""
    return sr.status in WORKING


def upload_customer_documents(sr, uploads, text):
    """New documents from the customer on the track page, while the request is worked on."""
    if not open_for_customer_documents(sr):
        raise DomainError(gettext("Documents can no longer be added to this request."))
    if not uploads:
        raise DomainError(gettext("Choose at least one file."))
    try:
        stored = [save_upload(f, accept=("image", "pdf")) for f in uploads]
    except UploadError as exc:
        raise DomainError(str(exc)) from exc
    return attach_documents(sr, stored, source="track_page", text=text,
                            sender=sr.applicant_email,
                            subject=gettext("Uploaded on the track page"))


def may_report_error(sr):
    return sr.status in TRANSITIONS["applicant_feedback"].sources



# ---------------------------------------------------------------- track links

def closed_since(sr):
    """When the request stopped needing the customer (handed over, paid or refunded);
    None while it is still open."""
    if sr.status in S.OPEN:
        return None
    moments = [sr.handed_over_at] + [p.paid_at for p in sr.payments] + \
        [r.refunded_at for r in sr.refunds]
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else sr.updated_at


def track_link_expired(sr, now=None):
    """A track link works until TRACK_LINK_DAYS_AFTER_CLOSE days after the request
    closed: long enough to report an error in the product, not a key kept for ever."""
    closed = closed_since(sr)
    if closed is None:
        return False
    days = current_app.config.get("TRACK_LINK_DAYS_AFTER_CLOSE", 60)
    return (now or utcnow()) > closed + timedelta(days=days)
