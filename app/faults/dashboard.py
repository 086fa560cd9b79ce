"""The facility company's dashboard: open work, speed of each maintenance partner, what
the reporters think, and what it costs per location.

Open work is one aggregate over the open orders (the status index). Figures over
months — reports and cost per location, hours to accept and to complete, the share not
accepted in 24 hours, ratings per partner and their trend — read the per-day counts
(app/dashboard/daily.py), written each night for the closed days; only today is asked
of the records themselves. So the page stays fast at 300,000 work orders.
"""
from datetime import timedelta

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import and_, func, select

from ..dashboard import (
    Dashboard,
    Figure,
    Measure,
    counts,
    percentile_counted,
    register,
    register_measure,
    totals,
)
from ..dashboard.daily import day_start
from ..database import utcnow
from ..extensions import db
from ..formatting import local_time
from ..money import format_amount
from . import DOMAIN
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


LATE_AFTER = timedelta(hours=24)
MONTHS = 12


def _today():
    return local_time(utcnow(), DOMAIN).date()


def _window(days):
    today = _today()
    return today - timedelta(days=days - 1), today


def _hours_bucket(row):
    """partner|hours (to a tenth, as the figure shows them)."""
    _moment, contractor, start, end = row
    return [(f"{contractor}|{round((end - start).total_seconds() / 3600, 1)}", 0)]


def _late_bucket(row):
    """late / in_time: accepted (or, not yet, now) more than 24 hours after it was sent."""
    created, accepted = row
    return [("late" if (accepted or utcnow()) - created > LATE_AFTER else "in_time", 0)]


def _in(column, since, until):
    return and_(column >= since, column < until)


MEASURES = [
    Measure(DOMAIN, "reports", lambda since, until: select(
        FaultReport.created_at, FaultReport.location_id).where(
        _in(FaultReport.created_at, since, until)), dimension="location"),
    Measure(DOMAIN, "cost", lambda since, until: select(
        WorkOrder.completed_at, WorkOrder.location_id, WorkOrder.invoice_total).where(
        _in(WorkOrder.completed_at, since, until), WorkOrder.invoice_total.is_not(None)),
        dimension="location"),
    Measure(DOMAIN, "accept_hours", lambda since, until: select(
        WorkOrder.accepted_at, WorkOrder.contractor_id, WorkOrder.created_at,
        WorkOrder.accepted_at).where(_in(WorkOrder.accepted_at, since, until)),
        dimension="contractor_hours", bucket=_hours_bucket),
    Measure(DOMAIN, "complete_hours", lambda since, until: select(
        WorkOrder.completed_at, WorkOrder.contractor_id, WorkOrder.created_at,
        WorkOrder.completed_at).where(_in(WorkOrder.completed_at, since, until)),
        dimension="contractor_hours", bucket=_hours_bucket),
    Measure(DOMAIN, "orders", lambda since, until: select(
        WorkOrder.created_at, WorkOrder.accepted_at).where(
        _in(WorkOrder.created_at, since, until)), dimension="late", bucket=_late_bucket),
    Measure(DOMAIN, "ratings", lambda since, until: select(
        Rating.created_at, Rating.contractor_id,
        Rating.speed + Rating.communication + Rating.quality).where(
        _in(Rating.created_at, since, until)), dimension="contractor"),
]


def _names(model, ids):
    ids = [int(i) for i in ids if i]
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def reports_per_location():
    first, last = _window(YEAR)
    top = sorted(totals(DOMAIN, "reports", first, last, "location").items(),
                 key=lambda item: (-item[1][0], item[0]))[:TOP]
    names = _names(Location, [k for k, _v in top])
    return Figure(gettext("Fault reports per location (last year, top %(n)s)", n=TOP), "bar",
                  labels=[names.get(int(k), k) for k, _v in top],
                  series=[(gettext("Reports"), [n for _k, (n, _t) in top])],
                  links=[url_for("FaultReportView.list", _flt_0_location=k) for k, _v in top])


def speed_per_contractor():
    """Hours to accept and to complete: median and p90 per maintenance partner, over the
    orders accepted / completed in the last 90 days."""
    first, last = _window(SPEED_DAYS)
    hours = {}
    for name in ("accept_hours", "complete_hours"):
        for key, (count, _total) in totals(DOMAIN, name, first, last,
                                           "contractor_hours").items():
            contractor, value = key.split("|")
            hours.setdefault(name, {}).setdefault(int(contractor), {})[float(value)] = count
    accept, complete = hours.get("accept_hours", {}), hours.get("complete_hours", {})
    names = _names(Contractor, {*accept, *complete})
    ids = sorted(names, key=lambda i: names[i])

    def stat(values, share):
        return percentile_counted(values, share) if values else None

    return Figure(
        gettext("Hours to accept and to complete (last %(n)s days)", n=SPEED_DAYS), "bar",
        labels=[names[i] for i in ids],
        series=[(gettext("Accept, median"), [stat(accept.get(i), 0.5) for i in ids]),
                (gettext("Accept, p90"), [stat(accept.get(i), 0.9) for i in ids]),
                (gettext("Complete, median"), [stat(complete.get(i), 0.5) for i in ids]),
                (gettext("Complete, p90"), [stat(complete.get(i), 0.9) for i in ids])],
        links=[url_for("WorkOrderView.list", _flt_0_contractor=i) for i in ids])


def late_share():
    first, last = _window(SPEED_DAYS)
    cells = totals(DOMAIN, "orders", first, last, "late")
    late = cells.get("late", (0, 0))[0]
    everything = late + cells.get("in_time", (0, 0))[0]
    share = f"{format_amount(100 * late / everything, 0)}%" if everything else "–"
    return Figure(gettext("Not accepted within 24 hours (last %(n)s days)", n=SPEED_DAYS),
                  "number", value=share, link=url_for("WorkOrderOverdueView.list"),
                  note=gettext("%(late)s of %(all)s work orders", late=late, all=everything))


def _ratings(first, last):
    """{(day, contractor id): (count, sum of the three scores)}."""
    return {(day, int(key)): value for (day, key), value in counts(
        DOMAIN, "ratings", first, last, "contractor").items() if key}


def _average(count, total):
    return round(float(total) / (3 * count), 1) if count else None


def _ratings_link(contractor, first=None, last=None):
    args = {"_flt_0_contractor": contractor}
    if first is not None:  # the month: its first moment up to the next month's (UTC,
        # with the offset: the column holds aware moments)
        args["_flt_1_created_at"] = day_start(DOMAIN, first).isoformat()
        args["_flt_2_created_at"] = day_start(DOMAIN, last).isoformat()
    return url_for("RatingView.list", **args)


def ratings_per_contractor(cells, first):
    totals = {}
    for (day, contractor), (count, total) in cells.items():
        if day < first:
            continue
        cell = totals.setdefault(contractor, [0, 0])
        cell[0] += count
        cell[1] += total
    names = _names(Contractor, totals)
    ids = sorted(totals, key=lambda i: names.get(i, ""))
    return Figure(gettext("Average rating per maintenance partner (last year, 1–5)"), "bar",
                  labels=[names.get(i, i) for i in ids],
                  series=[(gettext("Rating"), [_average(*totals[i]) for i in ids])],
                  links=[_ratings_link(i) for i in ids])


def _months(today):
    months, month = [], today.replace(day=1)
    for _n in range(MONTHS):
        months.insert(0, month)
        month = (month - timedelta(days=1)).replace(day=1)
    return months


def _next_month(month):
    return (month + timedelta(days=32)).replace(day=1)


def ratings_trend(daily, months):
    """Average rating per partner per month: a line per partner (the most rated first),
    each month's cell linking to that partner's ratings of that month."""
    cells, rated = {}, {}
    for (day, contractor), (count, total) in daily.items():
        if day < months[0]:
            continue
        cell = cells.setdefault((day.replace(day=1), contractor), [0, 0])
        cell[0] += count
        cell[1] += total
        rated[contractor] = rated.get(contractor, 0) + count
    names = _names(Contractor, rated)
    ids = sorted(rated, key=lambda i: (-rated[i], names.get(i, "")))[:TOP]
    month_names = [format_month(m) for m in months]
    return Figure(
        gettext("Rating per maintenance partner per month (1–5)"), "line", labels=month_names,
        series=[(names.get(i, i), [_average(*cells.get((m, i), (0, 0))) for m in months])
                for i in ids],
        cell_links=[[_ratings_link(i, m, _next_month(m)) for m in months] for i in ids],
        note=gettext("The %(n)s most rated partners; a figure in the table opens their "
                     "ratings of that month.", n=TOP))


def format_month(month):
    return f"{month.month:02d}-{month.year}"


def cost_per_location():
    first, last = _window(YEAR)
    top = sorted(((k, t) for k, (_n, t) in totals(
        DOMAIN, "cost", first, last, "location").items() if k),
        key=lambda item: (-item[1], item[0]))[:TOP]
    names = _names(Location, [k for k, _t in top])
    return Figure(gettext("Cost per location excl. VAT (last year, top %(n)s)", n=TOP), "bar",
                  labels=[names.get(int(k), k) for k, _t in top],
                  series=[(gettext("Cost"), [t for _k, t in top])],
                  links=[url_for("FaultReportView.list", _flt_0_location=k) for k, _t in top])


def open_complaints():
    count = db.session.scalar(select(func.count()).select_from(Complaint)
                              .where(Complaint.status == ComplaintStatus.OPEN))
    return Figure(gettext("Open complaints"), "number", value=count,
                  link=url_for("ComplaintOpenView.list"))


def build():
    months = _months(_today())
    year_first, today = _window(YEAR)
    ratings = _ratings(min(months[0], year_first), today)
    return [open_orders(), late_share(), open_complaints(), speed_per_contractor(),
            reports_per_location(), ratings_per_contractor(ratings, year_first),
            ratings_trend(ratings, months), cost_per_location()]


def register_dashboard():
    for measure in MEASURES:
        register_measure(measure)
    register(Dashboard("faults", _("Faults"), ("can_read", "FaultWorkOrder"), build))
