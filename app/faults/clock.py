"""A work order's completion clock: complete within its report priority's target
(FAULTS_TARGETS[priority]["complete_days"]) of the order being made.

The moment is stored on the order when it is made (a reopened order gets its own), and
`(status, complete_due_at)` is indexed, so the Late list is one index range per open
status, not a computation per row, at 300,000 orders.
"""
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, bindparam, event, select, update

from ..database import utcnow
from .models import FaultReport, Priority, WorkOrder, WorkOrderStatus

DEFAULT_DAYS = {Priority.URGENT: 2, Priority.NORMAL: 14}
BATCH = 5000


def complete_days(priority):
    targets = current_app.config.get("FAULTS_TARGETS", {}) if has_app_context() else {}
    target = targets.get(priority or Priority.NORMAL, {})
    return target.get("complete_days", DEFAULT_DAYS.get(priority, DEFAULT_DAYS[Priority.NORMAL]))


def _priority(connection, order):
    if order.report is not None:
        return order.report.priority
    return connection.execute(select(FaultReport.priority).where(
        FaultReport.id == order.report_id)).scalar()


@event.listens_for(WorkOrder, "before_insert")
def _set_complete_due(_mapper, connection, order):
    if order.complete_due_at is None:
        start = order.created_at or utcnow()
        order.complete_due_at = start + timedelta(days=complete_days(_priority(connection, order)))


def restart(order, priority):
    """The order's completion target under `priority` (the facility manager changed it),
    still counted from when the order was made."""
    start = order.created_at or utcnow()
    order.complete_due_at = start + timedelta(days=complete_days(priority))


def late_clause(now=None):
    """The Late list's condition: not completed and past the moment it was due."""
    return and_(WorkOrder.status.in_(WorkOrderStatus.RUNNING),
                WorkOrder.complete_due_at < (now or utcnow()))


def backfill_complete_due(session, size=BATCH):
    """complete_due_at for orders made before the clock, a batch at a time (the upgrade)."""
    orders, reports = WorkOrder.__table__, FaultReport.__table__
    after, done = 0, 0
    while True:
        rows = session.execute(
            select(orders.c.id, orders.c.created_at, reports.c.priority)
            .join(reports, reports.c.id == orders.c.report_id)
            .where(orders.c.id > after, orders.c.complete_due_at.is_(None))
            .order_by(orders.c.id).limit(size)).all()
        if not rows:
            return done
        session.execute(update(orders).where(orders.c.id == bindparam("pk"))
                        .values(complete_due_at=bindparam("due")),
                        [{"pk": r.id, "due": r.created_at + timedelta(days=complete_days(r.priority))}
                         for r in rows])
        after, done = rows[-1].id, done + len(rows)
