"""Due moments for requests made before the clock existed.

Each request without one gets `received_at` + its target in working days (the same rule
as a new request); one that waits on the customer now gets `waiting_since` from the
audit log (when it last entered that status), so its pause counts from then. Batched by
id and written with one executemany per batch: a million requests never in memory, and
each batch its own transaction, so a stopped run goes on where it stopped.
"""
from sqlalchemy import bindparam, func, select, update

from ..audit.models import AuditEntry
from ..database import utcnow
from .choices import RequestStatus, Urgency
from .clock import add_working_days, holidays, target_days
from .models import Product, RequestedProductLine, ServiceRequest

BATCH = 5000
REQUESTS = ServiceRequest.__table__
LINES = RequestedProductLine.__table__
PRODUCTS = Product.__table__
AUDIT = AuditEntry.__table__


def _batch(session, after, size):
    first_line = (select(func.min(LINES.c.id)).where(LINES.c.request_id == REQUESTS.c.id)
                  .correlate(REQUESTS).scalar_subquery())
    kind = (select(PRODUCTS.c.kind).join(LINES, LINES.c.product_id == PRODUCTS.c.id)
            .where(LINES.c.id == first_line).scalar_subquery())
    return session.execute(
        select(REQUESTS.c.id, REQUESTS.c.received_at, REQUESTS.c.urgency, REQUESTS.c.status,
               REQUESTS.c.waiting_since, kind.label("kind"))
        .where(REQUESTS.c.id > after, REQUESTS.c.due_at.is_(None))
        .order_by(REQUESTS.c.id).limit(size)).all()


def _waiting_since(session, request_id):
    """When the request last entered documents_needed, by its audit log."""
    return session.execute(
        select(func.max(AUDIT.c.at)).where(
            AUDIT.c.subject_type == "ServiceRequest", AUDIT.c.subject_id == str(request_id),
            AUDIT.c.field == "status", AUDIT.c.new_value == RequestStatus.DOCUMENTS_NEEDED)
    ).scalar()


def backfill_due_dates(session, size=BATCH, commit=False, now=None):
    """Set due_at (and waiting_since where waiting) on every request without a due moment,
    committing after each batch if `commit`. Returns how many were set."""
    free, now, after, done = holidays(), now or utcnow(), 0, 0
    targets = {}
    while True:
        rows = _batch(session, after, size)
        if not rows:
            return done
        values = []
        for row in rows:
            key = (row.urgency or Urgency.ONLINE, row.kind)
            if key not in targets:
                targets[key] = target_days(*key)
            waiting = row.waiting_since
            if row.status == RequestStatus.DOCUMENTS_NEEDED and waiting is None:
                waiting = _waiting_since(session, row.id) or now
            values.append({"pk": row.id, "due": add_working_days(row.received_at or now,
                                                                 targets[key], free),
                           "waiting": waiting})
        session.execute(update(REQUESTS).where(REQUESTS.c.id == bindparam("pk"))
                           .values(due_at=bindparam("due"), waiting_since=bindparam("waiting")),
                           values)
        after, done = rows[-1].id, done + len(rows)
        if commit:
            session.commit()
