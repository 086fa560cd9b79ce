"""The money of a request: its ledger and its balance.

Payments (several, partial, each with a numbered receipt), voids of a mistaken payment
(Finance, with a reason; the row stays), refunds (at most what was paid), corrections of
any line, and additional products added after intake. After every change `settle()`
stores the balance (amount due − payments that stand + refunds) on the request and lets
*Betaald* follow it: a handed-over request with nothing left to pay is Betaald, and
goes back to Product afgegeven when a void or a correction leaves something to pay.
"""
from flask_babel import gettext

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..formatting import local_time
from ..money import parse_amount
from ..numbering import next_value
from . import DOMAIN
from .display import money
from .models import AdditionalProductLine, Correction, Payment, PaymentMethod, Refund
from .models import RequestStatus as S
from .rules import _current_user_id, _guard, _move, _take


def settle(sr):
    """Store the balance and let Betaald follow it (whatever step changed the money)."""
    sr.balance_due = sr.computed_balance()
    if sr.status == S.DELIVERED and sr.balance_due <= 0:
        _move(sr, S.PAID)
    elif sr.status == S.PAID and sr.balance_due > 0:
        _move(sr, S.DELIVERED)


def next_receipt_no():
    """K2026-000123: one gap-free series of receipt numbers per year."""
    year = local_time(utcnow(), DOMAIN).year
    return f"K{year}-{next_value(db.session, f'sr_receipt:{year}'):06d}"


def mark_paid(sr, amount, method, expected_version=None):
    """A payment (the whole balance or a part of it), with a numbered receipt."""
    _guard(sr, "pay", expected_version)
    if sr.balance_due is None or sr.computed_balance() <= 0:
        raise DomainError(gettext("Nothing is left to pay for this request."))
    amount = parse_amount(amount)
    if amount <= 0:
        raise DomainError(gettext("The amount must be more than zero."))
    if amount > sr.computed_balance():
        raise DomainError(gettext(
            "That is more than the balance due (%(amount)s).",
            amount=money(sr.computed_balance())))
    if method not in PaymentMethod.LABELS:
        raise DomainError(gettext("Choose how it was paid."))
    payment = Payment(service_request=sr, amount=amount, method=method, paid_at=utcnow(),
                      receipt_no=next_receipt_no(), received_by_id=_current_user_id())
    db.session.add(payment)
    sr.updated_at = utcnow()
    settle(sr)
    return payment


def void_payment(sr, payment, reason, expected_version=None):
    """Finance voids a payment recorded by mistake: it stays in the ledger, marked void
    with who, when and why, and counts for nothing."""
    _guard(sr, "void_payment", expected_version)
    if payment is None or payment.request_id != sr.id:
        raise DomainError(gettext("Choose a payment of this request."))
    if payment.is_void:
        raise DomainError(gettext("This payment has already been voided."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for voiding the payment."))
    if sr.net_paid - payment.amount < 0:
        raise DomainError(gettext(
            "More has been refunded than would be left paid; this payment cannot be voided."))
    payment.voided_at, payment.voided_by_id, payment.void_reason = (
        utcnow(), _current_user_id(), reason)
    sr.updated_at = utcnow()
    settle(sr)
    return payment


def refund(sr, amount, reason, expected_version=None):
    """Restitutie: at most what was paid (and not yet refunded), with a reason. The
    request goes to Restitutie, or stays Geannuleerd."""
    _guard(sr, "refund", expected_version)
    if not sr.is_paid:
        raise DomainError(gettext("Nothing has been paid for this request."))
    amount = parse_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for the refund."))
    if amount <= 0 or amount > sr.net_paid:
        raise DomainError(gettext("The refund must be more than zero and at most what was paid."))
    row = Refund(service_request=sr, amount=amount, reason=reason, refunded_at=utcnow())
    db.session.add(row)
    if sr.status != S.CANCELLED:  # a cancelled request stays cancelled while it is refunded
        _move(sr, S.REFUND)
    sr.updated_at = utcnow()
    settle(sr)
    return row


def correct(sr, reason, line=None, new_quantity=None, amount_adjustment=None,
            correction=None, expected_version=None):
    """Correctie: a line's quantity (requested or additional product) and/or an amount
    adjustment, with the reason. The total may not become negative."""
    _guard(sr, "correct", expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Give the reason for the correction."))
    adjustment = parse_amount(amount_adjustment or 0)
    if line is None and new_quantity is not None:
        raise DomainError(gettext("Choose the product line whose quantity changes."))
    if line is not None and line.request_id != sr.id:
        raise DomainError(gettext("This product line belongs to another request."))
    if new_quantity is not None and not 0 <= new_quantity <= 1000:
        raise DomainError(gettext("The quantity must be a whole number from 0 to 1000."))
    if new_quantity is None and adjustment == 0:
        raise DomainError(gettext("Change a quantity or the amount."))
    correction = correction or Correction()
    correction.service_request, correction.reason = sr, reason
    correction.amount_adjustment = adjustment
    if line is not None and new_quantity is not None:
        if isinstance(line, AdditionalProductLine):
            correction.additional_line, correction.line = line, None
        else:
            correction.line, correction.additional_line = line, None
        correction.old_quantity, correction.new_quantity = line.quantity, new_quantity
        line.quantity = new_quantity
    db.session.add(correction)
    if sr.total < 0:
        raise DomainError(gettext(
            "After this correction the total would be negative; the most that can be "
            "taken off is %(amount)s.", amount=money(sr.total - adjustment)))
    sr.updated_at = utcnow()
    settle(sr)
    return correction


def add_additional_line(sr, product, quantity, expected_version=None):
    """Bijkomende producten after intake: the writer adds e.g. print A4 pages (pages
    beyond the first 5) once the page count is known; the total follows."""
    _guard(sr, "add_line", expected_version)
    if product is None or not product.is_additional or not product.active:
        raise DomainError(gettext("Choose an additional product."))
    try:
        quantity = int(str(quantity).strip())
    except ValueError:
        quantity = 0
    if not 1 <= quantity <= 1000:
        raise DomainError(gettext("The quantity must be a whole number from 1 to 1000."))
    line = AdditionalProductLine(service_request=sr, product=product, quantity=quantity,
                                 unit_price=product.unit_price)
    db.session.add(line)
    _take(sr)
    sr.updated_at = utcnow()
    settle(sr)
    return line
