"""The facility company's dashboard: open work, speed of each maintenance partner, what
the reporters think, and what it costs per location.

Counts are aggregate queries on indexed columns; speed, ratings and cost look at a
bounded window (the last 90 / 365 days), so the page stays fast at 300,000 work orders.
"""
from datetime import timedelta

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import func, select

from ..dashboard import Dashboard, Figure, percentile, register
from ..database import utcnow
from ..extensions import db
from ..money import format_amount
from .models import (
    Complaint,
    ComplaintStatus,
    Contractor,
    FaultReport,
    Location,
    Rating,
    WorkOrder,
    WorkOrderStatus,
)
from .workflow import STATUS_LABELS

SPEED_DAYS = 90
YEAR = 365
TOP = 10
OPEN_VIEWS = [(WorkOrderStatus.NEW, "WorkOrderNewView"),
              (WorkOrderStatus.ACCEPTED, "WorkOrderAcceptedView"),
              (WorkOrderStatus.PARTS_ON_ORDER, "WorkOrderPartsView")]


def open_orders():
    rows = dict(db.session.execute(
        select(WorkOrder.status, func.count()).where(
            WorkOrder.status.in_([s for s, _v in OPEN_VIEWS])).group_by(WorkOrder.status)).all())
    return Figure(gettext("Open work orders"), "bar",
                  labels=[STATUS_LABELS.get(s, s) for s, _v in OPEN_VIEWS],
                  series=[(gettext("Work orders"), [rows.get(s, 0) for s, _v in OPEN_VIEWS])],
                  links=[url_for(f"{v}.list") for _s, v in OPEN_VIEWS])


def reports_per_location():
    since = utcnow() - timedelta(days=YEAR)
    rows = db.session.execute(
        select(Location.id, Location.name, func.count(FaultReport.id))
        .join(FaultReport, FaultReport.location_id == Location.id)
        .where(FaultReport.created_at >= since)
        .group_by(Location.id, Location.name).order_by(func.count(FaultReport.id).desc())
        .limit(TOP)).all()
    return Figure(gettext("Fault reports per location (last year, top %(n)s)", n=TOP), "bar",
                  labels=[name for _id, name, _n in rows],
                  series=[(gettext("Reports"), [n for *_x, n in rows])],
                  links=[url_for("FaultReportView.list", _flt_0_location=i) for i, *_x in rows])


def _speed_rows():
    since = utcnow() - timedelta(days=SPEED_DAYS)
    return db.session.execute(
        select(Contractor.id, Contractor.name, WorkOrder.created_at, WorkOrder.accepted_at,
               WorkOrder.completed_at)
        .join(Contractor, Contractor.id == WorkOrder.contractor_id)
        .where(WorkOrder.created_at >= since)).all()


def speed_per_contractor(rows):
    """Hours to accept and to complete: median and p90 per maintenance partner."""
    accept, complete, names = {}, {}, {}
    for cid, name, created, accepted, completed in rows:
        names[cid] = name
        if accepted:
            accept.setdefault(cid, []).append((accepted - created).total_seconds() / 3600)
        if completed:
            complete.setdefault(cid, []).append((completed - created).total_seconds() / 3600)
    ids = sorted(names, key=lambda i: names[i])

    def stat(values, share):
        found = percentile(sorted(values), share) if values else None
        return None if found is None else round(found, 1)

    return Figure(
        gettext("Hours to accept and to complete (last %(n)s days)", n=SPEED_DAYS), "bar",
        labels=[names[i] for i in ids],
        series=[(gettext("Accept, median"), [stat(accept.get(i, []), 0.5) for i in ids]),
                (gettext("Accept, p90"), [stat(accept.get(i, []), 0.9) for i in ids]),
                (gettext("Complete, median"), [stat(complete.get(i, []), 0.5) for i in ids]),
                (gettext("Complete, p90"), [stat(complete.get(i, []), 0.9) for i in ids])],
        links=[url_for("WorkOrderView.list", _flt_0_contractor=i) for i in ids])


def late_share(rows):
    late = sum(1 for _c, _n, created, accepted, _d in rows
               if (accepted or utcnow()) - created > timedelta(hours=24))
    share = f"{format_amount(100 * late / len(rows), 0)}%" if rows else "–"
    return Figure(gettext("Not accepted within 24 hours (last %(n)s days)", n=SPEED_DAYS),
                  "number", value=share, link=url_for("WorkOrderOverdueView.list"),
                  note=gettext("%(late)s of %(all)s work orders", late=late, all=len(rows)))


def ratings_per_contractor():
    since = utcnow() - timedelta(days=YEAR)
    average = (Rating.speed + Rating.communication + Rating.quality) / 3.0
    rows = db.session.execute(
        select(Contractor.id, Contractor.name, func.avg(average), func.count(Rating.id))
        .join(WorkOrder, WorkOrder.contractor_id == Contractor.id)
        .join(Rating, Rating.work_order_id == WorkOrder.id)
        .where(Rating.created_at >= since)
        .group_by(Contractor.id, Contractor.name).order_by(Contractor.name)).all()
    return Figure(gettext("Average rating per maintenance partner (last year, 1–5)"), "bar",
                  labels=[name for _i, name, _a, _n in rows],
                  series=[(gettext("Rating"), [round(float(a), 1) for _i, _nm, a, _n in rows])],
                  links=[url_for("RatingView.list") for _row in rows])


def open_complaints():
    count = db.session.scalar(select(func.count()).select_from(Complaint)
                              .where(Complaint.status == ComplaintStatus.OPEN))
    return Figure(gettext("Open complaints"), "number", value=count,
                  link=url_for("ComplaintOpenView.list"))


def cost_per_location():
    since = utcnow() - timedelta(days=YEAR)
    total = func.sum(WorkOrder.invoice_total)
    rows = db.session.execute(
        select(Location.id, Location.name, total)
        .join(FaultReport, FaultReport.location_id == Location.id)
        .join(WorkOrder, WorkOrder.report_id == FaultReport.id)
        .where(WorkOrder.completed_at >= since, WorkOrder.invoice_total.is_not(None))
        .group_by(Location.id, Location.name).order_by(total.desc()).limit(TOP)).all()
    return Figure(gettext("Cost per location excl. VAT (last year, top %(n)s)", n=TOP), "bar",
                  labels=[name for _i, name, _t in rows],
                  series=[(gettext("Cost"), [t for *_x, t in rows])],
                  links=[url_for("FaultReportView.list", _flt_0_location=i) for i, *_x in rows])


def build():
    rows = _speed_rows()
    return [open_orders(), late_share(rows), open_complaints(), speed_per_contractor(rows),
            reports_per_location(), ratings_per_contractor(), cost_per_location()]


def register_dashboard():
    register(Dashboard("faults", _("Faults"), ("can_read", "FaultWorkOrder"), build))
