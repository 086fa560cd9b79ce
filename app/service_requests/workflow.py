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
from flask_babel import lazy_gettext as _

from .. import audit
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..files import UploadError, save_upload
from ..formatting import local_time
from ..mail import MailError
from ..money import parse_amount
from ..numbering import next_value
from ..transitions import ANY, Transition
from ..unit_of_work import unit_of_work
from .customer_mail import (  # noqa: F401  (re-exported)
    find_by_token,
    issue_track_token,
    queue_customer_mail,
    reply_address,
    track_url,
)
from .models import (
    AdditionalProductLine,
    ApplicantFeedback,
    CheckResult,
    Correction,
    CustomerFeedback,
    DeliveredProduct,
    InboundDocument,
    InboundDocumentFile,
    InternalCheck,
    OnBehalfOf,
    Payment,
    PaymentMethod,
    Refund,
    RequestedProductLine,
    ServiceRequest,
    Urgency,
)
from .models import RequestStatus as S
from .permissions import RESOURCE

STALE_MESSAGE = _("Someone else changed this request in the meantime. "
                  "Reload the page and try again.")




WORKING = (S.RECEIVED, S.ASSIGNED, S.DOCUMENTS_NEEDED, S.DOCUMENTS_RECEIVED,
           S.IN_PREPARATION, S.CORRECTION_NEEDED)

# The one table of steps. Targets that depend on input (upload complete or not,
# check approved or not) are decided in the step's function.
TRANSITIONS = {
    "assign": Transition(WORKING + (S.PREPARED,), S.ASSIGNED, "can_assign"),
    "feedback": Transition(WORKING, S.DOCUMENTS_NEEDED, "can_feedback"),
    "receive_documents": Transition(ANY, S.DOCUMENTS_RECEIVED, "can_feedback"),
    "upload_product": Transition(WORKING[1:], S.IN_PREPARATION, "can_upload_product"),
    "check": Transition((S.PREPARED,), S.READY, "can_check"),
    "hand_over": Transition((S.READY,), S.DELIVERED, "can_hand_over"),
    "pay": Transition(ANY, None, "can_pay"),
    "refund": Transition((S.DELIVERED, S.PAID, S.READY, S.REFUND) + WORKING, S.REFUND,
                         "can_refund"),
    "correct": Transition(ANY, None, "can_correct"),
    "applicant_feedback": Transition((S.READY, S.DELIVERED, S.PAID), S.CORRECTION_NEEDED,
                                     "can_check"),
}


def _user_may(permission):
    """Logged-in users need the permission; the system, customers and the portal
    act through their own entry points (mail pipe, track token, API role)."""
    actor = audit.current_actor()
    if actor.type != "user":
        return True
    return current_app.appbuilder.sm.has_access(permission, RESOURCE)


def may(sr, name):
    """Whether the current user may take this step now (for showing buttons)."""
    step = TRANSITIONS[name]
    if not step.allows(sr.status):
        return False
    if name == "refund" and not sr.is_paid:
        return False
    if name == "pay" and sr.is_paid:
        return False
    return _user_may(step.permission)


def _guard(sr, name, expected_version=None):
    step = TRANSITIONS[name]
    if not _user_may(step.permission):
        raise DomainError(gettext("You are not allowed to do this."))
    if expected_version is not None and str(expected_version) != str(sr.version_id):
        raise DomainError(STALE_MESSAGE)
    if not step.allows(sr.status):
        raise DomainError(gettext(
            "This cannot be done while the request has status “%(status)s”.",
            status=sr.status_label))
    return step


def _move(sr, new_status):
    """Set the status and write the explicit transition entry (old → new)."""
    old = sr.status
    if new_status and new_status != old:
        sr.status = new_status
        audit.record(sr, "transition", field="status", old=old, new=new_status)


def transaction(done=None, **options):
    """The shared unit of work (app/unit_of_work.py) for one step: a concurrent change
    of the same request is refused with STALE_MESSAGE."""
    return unit_of_work(done, stale=STALE_MESSAGE, **options)


def _mail_customer(sr, kind, **extra):
    try:
        queue_customer_mail(sr, kind, **extra)
    except MailError as exc:
        raise DomainError(gettext("No e-mail can be sent to %(address)s; correct the address "
                                    "first.", address=sr.applicant_email)) from exc


def _current_user_id():
    actor = audit.current_actor()
    return actor.user_id if actor.type == "user" else None


# ---------------------------------------------------------------- creation

def next_order_no(year=None):
    """The next order number of this year, e.g. 2026-000123, from the shared numbering
    service (one series per year). On PostgreSQL its row stays locked until this
    transaction ends, so two clerks never get the same number and a rollback leaves no gap.
    """
    year = year or local_time(utcnow()).year
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
    db.session.add(sr)
    db.session.flush()
    audit.record(sr, "transition", field="status", old=None, new=S.RECEIVED)
    return sr


# ---------------------------------------------------------------- steps

def assign(sr, writer, expected_version=None):
    """Assign (or re-assign) a writer; a new request becomes Toegewezen."""
    _guard(sr, "assign", expected_version)
    if writer is None:
        raise DomainError(gettext("Choose a writer."))
    sr.assigned_to = writer
    if sr.status == S.RECEIVED:
        _move(sr, S.ASSIGNED)


def send_feedback(sr, text, feedback=None, expected_version=None):
    """Feedback naar klant: store it, ask for new documents, mail the customer."""
    _guard(sr, "feedback", expected_version)
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Write the feedback for the customer."))
    feedback = feedback or CustomerFeedback()
    feedback.service_request, feedback.text = sr, text
    feedback.author_id = _current_user_id()
    db.session.add(feedback)
    if sr.assigned_to_id is None and feedback.author_id:
        sr.assigned_to_id = feedback.author_id
    _move(sr, S.DOCUMENTS_NEEDED)
    _mail_customer(sr, "feedback", feedback_text=text)
    return feedback


def receive_documents(sr, document):
    """Nieuwe documenten: file what the customer sent; waiting for documents → received.

    Auto-replies are filed but move nothing.
    """
    _guard(sr, "receive_documents")
    document.service_request = sr
    db.session.add(document)
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
    _move(sr, S.PREPARED if complete else S.IN_PREPARATION)
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
    return check


def hand_over(sr, to_whom, id_checked, expected_version=None):
    """Afgeven: only with the ID checked; records to whom and when."""
    _guard(sr, "hand_over", expected_version)
    to_whom = (to_whom or "").strip()
    if not to_whom:
        raise DomainError(gettext("Fill in to whom the product was handed over."))
    if not id_checked:
        raise DomainError(gettext("Check the ID before handing over."))
    sr.handed_over_to, sr.id_checked, sr.handed_over_at = to_whom, True, utcnow()
    _move(sr, S.DELIVERED)


def mark_paid(sr, amount, method, expected_version=None):
    """Betaald: a payment fact; a handed-over request becomes Betaald."""
    _guard(sr, "pay", expected_version)
    if sr.is_paid:
        raise DomainError(gettext("This request is already paid."))
    amount = parse_amount(amount)
    if amount <= 0:
        raise DomainError(gettext("The amount must be more than zero."))
    if method not in PaymentMethod.LABELS:
        raise DomainError(gettext("Choose how it was paid."))
    payment = Payment(service_request=sr, amount=amount, method=method, paid_at=utcnow())
    db.session.add(payment)
    sr.updated_at = utcnow()
    if sr.status == S.DELIVERED:
        _move(sr, S.PAID)
    return payment


def refund(sr, amount, reason, expected_version=None):
    """Restitutie: at most what was paid, with a reason; the request goes to Restitutie."""
    _guard(sr, "refund", expected_version)
    if not sr.is_paid:
        raise DomainError(gettext("Nothing has been paid for this request."))
    amount = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for the refund."))
    if amount <= 0 or amount > sr.paid_amount - sr.refunded_amount:
        raise DomainError(gettext("The refund must be more than zero and at most what was paid."))
    row = Refund(service_request=sr, amount=amount, reason=reason, refunded_at=utcnow())
    db.session.add(row)
    _move(sr, S.REFUND)
    sr.updated_at = utcnow()
    return row


def correct(sr, reason, line=None, new_quantity=None, amount_adjustment=None,
            correction=None, expected_version=None):
    """Correctie: a line's quantity and/or an amount adjustment, with the reason."""
    _guard(sr, "correct", expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for the correction."))
    adjustment = parse_amount(amount_adjustment or 0)
    if line is None and new_quantity is not None:
        raise DomainError(gettext("Choose the product line whose quantity changes."))
    if line is not None and line.request_id != sr.id:
        raise DomainError(gettext("This product line belongs to another request."))
    if new_quantity is not None and new_quantity < 0:
        raise DomainError(gettext("The quantity cannot be negative."))
    if new_quantity is None and adjustment == 0:
        raise DomainError(gettext("Change a quantity or the amount."))
    correction = correction or Correction()
    correction.service_request, correction.reason = sr, reason
    correction.amount_adjustment = adjustment
    if line is not None and new_quantity is not None:
        correction.line, correction.old_quantity = line, line.quantity
        correction.new_quantity = new_quantity
        line.quantity = new_quantity
    db.session.add(correction)
    sr.updated_at = utcnow()
    return correction


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
    return TRANSITIONS["applicant_feedback"].allows(sr.status)



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
