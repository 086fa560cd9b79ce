"""The maintenance partner's portal: one link per partner (/p/<token>) that lists its open
and recent work orders; each opens in the portal with the order page's own form.

The link is a token of the shared service (app/tokens), purpose "faults:portal", on the
Contractor: random, only its hash stored, so it exists only in the mail that carried it.
It expires after FAULTS_PORTAL_LINK_DAYS; the facility manager sends a new one (the old
one stops working) or revokes it.

The open list walks the index (contractor_id, status, created_at, id) once per status,
newest first; the recently finished list walks (contractor_id, status, updated_at, id),
last activity first (completed, declined, or changed since: an invoice added). Both page
by the last order shown (keyset): no count, no OFFSET, whatever the partner's history.

An order the facility manager gave to another partner leaves this partner's lists; its
old link in the portal says so instead of "not found" (the audit log knows it was theirs).
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select, tuple_, union_all
from sqlalchemy.orm import selectinload

from .. import audit, tokens
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..security.input_guard import parse_id
from .models import FaultReport, WorkOrder, WorkOrderStatus
from .rules import queue_mail

PURPOSE = "faults:portal"
S = WorkOrderStatus
LISTS = {"open": (S.NEW, S.ACCEPTED, S.PARTS_ON_ORDER), "done": (S.COMPLETED, S.DECLINED)}
PAGE_SIZE = 20


def link_days():
    return int(current_app.config.get("FAULTS_PORTAL_LINK_DAYS", 365))


def send_link(contractor):
    """A new portal link for `contractor`, mailed at once; any earlier one stops working."""
    token = tokens.renew(PURPOSE, contractor, expires_in=timedelta(days=link_days()))
    audit.record(contractor, "portal_link_sent", note=contractor.email)
    return queue_mail(
        "portal_link", contractor.email, _("Your work orders at KlusHeeren"),
        context={"contractor": contractor, "days": link_days(),
                 "link": f"{current_app.config['PUBLIC_BASE_URL']}/p/{token}"},
        subject_record=("Contractor", contractor.id))


def revoke_link(contractor):
    """The partner's portal link stops working (a leaked mail, a partner that left)."""
    if not tokens.is_active(PURPOSE, contractor):
        raise DomainError(gettext("This maintenance partner has no working portal link."))
    tokens.revoke(PURPOSE, contractor)
    audit.record(contractor, "portal_link_revoked")
    return contractor


def current_link(contractor):
    """The working link's row (created_at, expires_at), or None."""
    return tokens.current(PURPOSE, contractor)


def find_partner(token):
    """The partner whose working portal link is `token`, or None."""
    from .models import Contractor

    return tokens.find(PURPOSE, token, Contractor)


def order_of(contractor, pk):
    """One of this partner's work orders by id, or None (another partner's, or none)."""
    number = parse_id(pk)
    order = db.session.get(WorkOrder, number) if number is not None else None
    return order if order is not None and order.contractor_id == contractor.id else None


def was_assigned(contractor, pk):
    """Whether work order `pk` was once this partner's (given to another one since)."""
    from ..audit.models import AuditEntry

    number = parse_id(pk)
    if number is None:
        return False
    return db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.subject_type == "WorkOrder", AuditEntry.subject_id == str(number),
        AuditEntry.entity_type == "WorkOrder", AuditEntry.field == "contractor_id",
        AuditEntry.old_value == str(contractor.id)).limit(1)) is not None


def recent_since(now=None):
    days = int(current_app.config.get("FAULTS_PORTAL_RECENT_DAYS", 90))
    return (now or utcnow()) - timedelta(days=days)


def orders(contractor, which="open", after=None, size=PAGE_SIZE):
    """A page of the partner's orders: (orders, id to page on or None).

    which: "open" (new, accepted, parts on order), newest first, or "done" (completed or
    declined, active in the last FAULTS_PORTAL_RECENT_DAYS), last activity first.
    after: the id of the last order of the page before.
    """
    statuses = LISTS.get(which, LISTS["open"])
    key = WorkOrder.updated_at if which == "done" else WorkOrder.created_at
    since = recent_since() if which == "done" else None
    cursor = order_of(contractor, after) if after else None
    branches = []
    for status in statuses:  # one index walk per status, each stopping after a page
        query = select(WorkOrder.id, key.label("key")).where(
            WorkOrder.contractor_id == contractor.id, WorkOrder.status == status)
        if since is not None:
            query = query.where(key >= since)
        if cursor is not None:
            query = query.where(tuple_(key, WorkOrder.id)
                                < tuple_(getattr(cursor, key.key), cursor.id))
        branches.append(select(*query.order_by(key.desc(), WorkOrder.id.desc())
                               .limit(size + 1).subquery().c))
    merged = union_all(*branches).subquery()
    ids = (select(merged.c.id).order_by(merged.c.key.desc(), merged.c.id.desc())
           .limit(size + 1))
    rows = db.session.scalars(
        select(WorkOrder).where(WorkOrder.id.in_(ids))
        .order_by(key.desc(), WorkOrder.id.desc())
        .options(selectinload(WorkOrder.location),
                 selectinload(WorkOrder.report).selectinload(FaultReport.device))).all()
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)
