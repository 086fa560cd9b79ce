"""Paper for the counter and Finance: a numbered receipt per payment, and the daily cash
report per payment method (screen, CSV and PDF)."""
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..formatting import format_datetime, local_time
from ..money import format_amount, timezone
from ..pdf import render_pdf
from . import DOMAIN
from .customer_mail import office
from .display import money, payment_method
from .models import Payment, PaymentMethod, Refund

ZERO = Decimal("0.00")


def receipt_pdf(payment):
    return render_pdf("service_requests/receipt_pdf.html", payment=payment,
                      sr=payment.service_request, office=office(), money=money,
                      method=payment_method(payment.method), paid_at=format_datetime(payment.paid_at, DOMAIN))


@dataclass
class MethodTotal:
    method: str
    label: str
    count: int = 0
    amount: Decimal = ZERO


@dataclass
class CashReport:
    day: object
    methods: list
    payments: list
    voided: list
    refunds: list
    total: Decimal = ZERO
    refunded: Decimal = ZERO
    net: Decimal = field(default=ZERO)


def _day_bounds(day):
    """The day in the display time zone, as a UTC range [start, end)."""
    zone = timezone(DOMAIN)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(
        ZoneInfo("UTC"))


def cash_report(day):
    """Payments received on `day` per payment method (voided ones apart), and the refunds
    paid out that day. Two indexed range queries, whatever the size of the ledger."""
    start, end = _day_bounds(day)
    payments = db.session.scalars(
        select(Payment).where(Payment.paid_at >= start, Payment.paid_at < end)
        .options(selectinload(Payment.service_request)).order_by(Payment.paid_at)).all()
    refunds = db.session.scalars(
        select(Refund).where(Refund.refunded_at >= start, Refund.refunded_at < end)
        .options(selectinload(Refund.service_request)).order_by(Refund.refunded_at)).all()
    totals = {key: MethodTotal(key, str(label)) for key, label in PaymentMethod.LABELS.items()}
    standing = [p for p in payments if not p.is_void]
    for p in standing:
        row = totals.setdefault(p.method, MethodTotal(p.method, payment_method(p.method)))
        row.count += 1
        row.amount += p.amount
    report = CashReport(day=day, methods=list(totals.values()), payments=standing,
                        voided=[p for p in payments if p.is_void], refunds=refunds)
    report.total = sum((p.amount for p in standing), ZERO)
    report.refunded = sum((r.amount for r in refunds), ZERO)
    report.net = report.total - report.refunded
    return report


def cash_report_csv(report):
    """One line per payment method, then every payment and refund of the day (Dutch
    amounts, semicolons: what a spreadsheet here opens as columns)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Cash report"), report.day.strftime("%d-%m-%Y")])
    writer.writerow([_("Payment method"), _("Count"), _("Amount")])
    for row in report.methods:
        writer.writerow([row.label, row.count, format_amount(row.amount)])
    writer.writerow([_("Total received"), len(report.payments), format_amount(report.total)])
    writer.writerow([_("Refunds"), len(report.refunds), format_amount(-report.refunded)])
    writer.writerow([_("Net"), "", format_amount(report.net)])
    writer.writerow([])
    writer.writerow([_("Time"), _("Receipt number"), _("Order no."), _("Payment method"),
                     _("Amount"), _("Voided")])
    for p in report.payments + report.voided:
        writer.writerow([local_time(p.paid_at, DOMAIN).strftime("%H:%M"), p.receipt_no or "",
                         p.service_request.order_no, payment_method(p.method),
                         format_amount(p.amount), p.void_reason or ""])
    for r in report.refunds:
        writer.writerow([local_time(r.refunded_at, DOMAIN).strftime("%H:%M"), "",
                         r.service_request.order_no, _("Refund"), format_amount(-r.amount), ""])
    return out.getvalue()


def cash_report_pdf(report):
    return render_pdf("service_requests/cash_report_pdf.html", report=report, office=office(),
                      money=money, time=lambda v: local_time(v, DOMAIN).strftime("%H:%M"),
                      method=payment_method)
