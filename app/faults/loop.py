"""The feedback loop: what needs a person at the office is flagged and mailed there
(not solved, a low rating, a complaint), and the facility manager can reopen a
completed order as a new order linked to the old one."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .. import audit
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from . import tokens
from .models import WorkOrder, WorkOrderStatus
from .rules import mail_office, mail_reporter, text


def flag(order, reason, rating=None, complaint=None):
    """Mark the order "needs attention" and tell the office why."""
    order.flagged_at = utcnow()
    order.flag_reason = reason[:300]
    audit.record(order, "flagged", note=reason[:300])
    report = order.report
    lines = [reason, f"{gettext('Maintenance partner')}: {order.contractor.name}"]
    if rating is not None:
        lines.append(f"{gettext('Rating')}: {rating.speed} / {rating.communication} / "
                     f"{rating.quality}" + (f" — {rating.comment}" if rating.comment else ""))
    if complaint is not None:
        lines.append(f"{gettext('Complaint')}: {complaint.text}")
    subject = (_("New complaint about work order %(number)s", number=order.number)
               if complaint is not None else
               _("Needs attention: report %(report)s (%(order)s)", report=report.number,
                 order=order.number))
    mail_office(order, subject, lines)
    return order


def clear_flag(order):
    """The office has dealt with it."""
    if order.flagged_at is None:
        raise DomainError(gettext("This work order is not marked."))
    audit.record(order, "update", field="flag_reason", old=order.flag_reason, new=None)
    order.flagged_at = None
    order.flag_reason = None
    return order


def reopen(order, reason):
    """A completed order that did not solve the problem: a new order for the same report
    and partner, linked to the old one (which keeps its invoice and rating). The partner
    gets the new order mail, the reporter is told."""
    from .orders import ORDER_SERIES, next_number, queue_contractor_mail

    reason = text(reason, gettext("Reason"), limit=1000)
    if order.status != WorkOrderStatus.COMPLETED:
        raise DomainError(gettext("Only a completed work order can be reopened."))
    if not order.is_current:
        raise DomainError(gettext("This work order was already reopened."))
    order.is_current = False
    db.session.flush()  # free the report's "current order" slot first
    number = next_number(ORDER_SERIES, "FAULTS_ORDER_NUMBER_START")
    new = WorkOrder(report=order.report, contractor=order.contractor, location=order.location,
                    status=WorkOrderStatus.NEW, number=f"KH-OC-{number:06d}",
                    reopened_from=order,
                    internal_note=order.internal_note,
                    contractor_note=gettext("Reopened from %(number)s: %(reason)s",
                                            number=order.number, reason=reason))
    tokens.issue(new)
    db.session.add(new)
    db.session.flush()
    order.flagged_at = None
    order.flag_reason = None
    audit.record(order, "reopened", note=f"{new.number}: {reason}"[:500])
    audit.record(new, "reopened", note=f"{order.number}: {reason}"[:500])
    queue_contractor_mail(new)
    report = order.report
    mail_reporter(report, "reopened", _("Your report %(number)s has been reopened", number=report.number),
                  new.id, followers=True, order=new, previous=order, reason=reason)
    return new
