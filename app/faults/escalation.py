"""Escalation, run as a scheduled job (app/jobs) by the worker every 15 minutes.

Per priority (FAULTS_TARGETS): an order not accepted within `accept_hours` of being
sent to its partner gets one reminder to the partner; after `alert_hours` the office is
alerted once; an order accepted for `accepted_days` or waiting for parts for
`parts_days` gets one follow-up to the partner (copied to the office). Each step is
stamped on the order, so a step is never repeated; a reassignment or a status change
starts the clock again.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from .. import audit
from ..extensions import db
from .models import FaultReport, WorkOrder, WorkOrderStatus
from .orders import STATUS_LABELS
from .rules import mail_office, public_url, queue_mail

S = WorkOrderStatus
BATCH = 500  # per step and run; the rest is picked up 15 minutes later


def _due(priority, *conditions):
    return db.session.scalars(
        select(WorkOrder).join(FaultReport, WorkOrder.report_id == FaultReport.id)
        .where(WorkOrder.is_current, FaultReport.priority == priority, *conditions)
        .order_by(WorkOrder.id).limit(BATCH)).all()


def _remind(order, hours, now):
    order.reminder_sent_at = now
    audit.record(order, "reminder_sent", note=order.contractor.email)
    queue_mail("reminder", order.contractor.email,
               _("Reminder: work order %(number)s has not been accepted yet", number=order.number),
               context={"order": order, "report": order.report, "hours": hours,
                        "link": public_url("/wo/", order)},
               subject_record=("WorkOrder", order.id))


def _alert(order, hours, now):
    order.manager_alerted_at = now
    audit.record(order, "manager_alerted")
    mail_office(order, _("Escalation: work order %(number)s not accepted after %(hours)s hours",
                  number=order.number, hours=hours),
                [gettext("%(partner)s has not accepted this work order within %(hours)s hours.",
                         partner=order.contractor.name, hours=hours),
                 gettext("A reminder was sent. Call the partner or give the order to another "
                         "one.")])


def _follow_up(order, days, now):
    order.followup_sent_at = now
    status = str(STATUS_LABELS[order.status])
    audit.record(order, "followup_sent", note=status)
    queue_mail("followup", order.contractor.email,
               _("Follow-up: work order %(number)s has been \"%(status)s\" for %(days)s days",
                 number=order.number, status=status, days=days),
               context={"order": order, "report": order.report, "days": days,
                        "status": status, "link": public_url("/wo/", order)},
               cc=current_app.config.get("FAULTS_OFFICE_EMAIL") or None,
               subject_record=("WorkOrder", order.id))


def run_escalation(now):
    """The job: every step that is due at `now`. Returns how many mails it queued."""
    count = 0
    for priority, target in current_app.config["FAULTS_TARGETS"].items():
        accept = target["accept_hours"]
        for order in _due(priority, WorkOrder.status == S.NEW,
                          WorkOrder.reminder_sent_at.is_(None),
                          WorkOrder.sent_at < now - timedelta(hours=accept)):
            _remind(order, accept, now)
            count += 1
        alert = target["alert_hours"]
        for order in _due(priority, WorkOrder.status == S.NEW,
                          WorkOrder.manager_alerted_at.is_(None),
                          WorkOrder.sent_at < now - timedelta(hours=alert)):
            _alert(order, alert, now)
            count += 1
        for status, since, days in (
                (S.ACCEPTED, WorkOrder.accepted_at, target["accepted_days"]),
                (S.PARTS_ON_ORDER, WorkOrder.parts_ordered_at, target["parts_days"])):
            for order in _due(priority, WorkOrder.status == status,
                              WorkOrder.followup_sent_at.is_(None),
                              since < now - timedelta(days=days)):
                _follow_up(order, days, now)
                count += 1
    return count
