"""The facility manager changes a report's priority (urgent / normal) with a reason.

Escalation reads the priority of the report each run (escalation.py): from the change
on, the new priority's targets apply to the order's own clock (sent to the partner at
…), so an order made urgent late is reminded at once, one made normal waits longer.
The order's completion target (clock.py) is set anew from the new priority. Steps
already taken stay taken. An open order's partner is told by mail.
"""
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .. import audit
from ..errors import DomainError
from . import clock
from .models import Priority, WorkOrderStatus
from .orders import PRIORITY_LABELS
from .rules import public_url, queue_mail, text


def _subject(order):
    """The partner's mail subject, translated when queued (in the mail language)."""
    if order.report.priority == Priority.URGENT:
        return _("Priority changed: work order %(number)s is now urgent", number=order.number)
    return _("Priority changed: work order %(number)s is now normal", number=order.number)


def change_priority(report, priority, reason):
    """Set `report`'s priority; the reason is required and kept in the audit log."""
    if priority not in Priority.ALL:
        raise DomainError(gettext("Choose urgent or normal."))
    reason = text(reason, gettext("Reason"), limit=500)
    if priority == report.priority:
        raise DomainError(gettext("The report already has this priority."))
    order = report.work_order
    if order is not None and order.status == WorkOrderStatus.COMPLETED:
        raise DomainError(gettext("The work order of this report is completed; its priority "
                                  "no longer changes anything."))
    old, report.priority = report.priority, priority
    note = f"{PRIORITY_LABELS[old]} → {PRIORITY_LABELS[priority]}: {reason}"
    audit.record(report, "priority_changed", note=note)
    if order is not None:
        clock.restart(order, priority)  # the completion target follows too
        audit.record(order, "priority_changed", note=note)
        if order.status != WorkOrderStatus.DECLINED:
            _tell_partner(order, reason)
    return report


def _tell_partner(order, reason):
    queue_mail("priority_changed", order.contractor.email,
               _subject(order),
               context={"order": order, "report": order.report, "reason": reason,
                        "link": public_url("/wo/", order)},
               subject_record=("WorkOrder", order.id))
