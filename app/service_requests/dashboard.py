"""The registry office's dashboard: where requests wait, how fast they go, what came in.

Open work (per status, kind, writer) is one aggregate over the open requests (the
status index). Figures over weeks and months read the per-day counts (app/dashboard/
daily.py: received, delivered, paid, turnaround per kind and urgency), written each
night for the closed days; only today is asked of the requests themselves. So the page
stays fast at a million requests.
"""
from collections import Counter
from datetime import timedelta

from flask import url_for
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import func, literal, select, true

from ..dashboard import (
    Dashboard,
    Figure,
    Measure,
    counts,
    per_day,
    percentile_counted,
    register,
    register_measure,
    totals,
)
from ..database import utcnow
from ..extensions import db
from ..formatting import local_time
from ..money import format_money
from . import DOMAIN
from .choices import ProductKind, RequestStatus, Urgency
from .models import Payment, Product, RequestedProductLine, ServiceRequest

WEEKS = 12
TURNAROUND_DAYS = 90
MONEY_DAYS = 30


def _list_url(view, **args):
    return url_for(f"{view}.list", **args)


def open_per_status():
    rows = dict(db.session.execute(
        select(ServiceRequest.status, func.count()).where(
            ServiceRequest.status.in_(RequestStatus.OPEN)).group_by(ServiceRequest.status)).all())
    from .views import STATUS_VIEWS

    views = {status: view.__name__ for status, view, _title in STATUS_VIEWS}
    statuses = [s for s in RequestStatus.OPEN if s in views]
    return Figure(gettext("Open requests per status"), "bar",
                  labels=[RequestStatus.LABELS[s] for s in statuses],
                  series=[(gettext("Requests"), [rows.get(s, 0) for s in statuses])],
                  links=[_list_url(views[s]) for s in statuses])


def open_per_kind():
    """Open requests per product kind: the kinds' flags stored on the request (kinds.py),
    counted from the open-work index alone (it joined the lines of every open request)."""
    from .kinds import KIND_COLUMNS
    from .views import KIND_VIEWS

    kinds = [(kind, view.__name__) for kind, view, _title in KIND_VIEWS]
    columns = [getattr(ServiceRequest, KIND_COLUMNS[k]) for k, _v in kinds]
    numbers = db.session.execute(
        select(*(func.count().filter(column == true()) for column in columns))
        .where(ServiceRequest.status.in_(RequestStatus.OPEN))).one()
    return Figure(gettext("Open requests per product kind"), "bar",
                  labels=[ProductKind.LABELS[k] for k, _v in kinds],
                  series=[(gettext("Requests"), list(numbers))],
                  links=[_list_url(v) for _k, v in kinds])


def _between(column, since, until):
    return select(column).where(column >= since, column < until)


def _turnaround_rows(since, until):
    return (select(ServiceRequest.handed_over_at, ServiceRequest.id, Product.kind,
                   ServiceRequest.urgency, ServiceRequest.received_at)
            .join(RequestedProductLine, RequestedProductLine.request_id == ServiceRequest.id)
            .join(Product, Product.id == RequestedProductLine.product_id)
            .where(ServiceRequest.handed_over_at >= since, ServiceRequest.handed_over_at < until)
            .distinct())


def _turnaround_bucket(row):
    """kind|urgency|days (to a tenth, as the figure shows them)."""
    days = round((row.handed_over_at - row.received_at).total_seconds() / 86400, 1)
    return [(f"{row.kind}|{row.urgency}|{days}", 0)]


MEASURES = [
    Measure(DOMAIN, "received", lambda since, until: _between(
        ServiceRequest.received_at, since, until)),
    Measure(DOMAIN, "delivered", lambda since, until: _between(
        ServiceRequest.handed_over_at, since, until)),
    Measure(DOMAIN, "paid", lambda since, until: select(Payment.paid_at, literal(""),
                                                        Payment.amount)
            .where(Payment.paid_at >= since, Payment.paid_at < until)),
    Measure(DOMAIN, "turnaround", _turnaround_rows, dimension="kind_urgency_days",
            bucket=_turnaround_bucket),
]


def received_and_delivered():
    today = local_time(utcnow(), DOMAIN).date()
    start = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    received = per_day(counts(DOMAIN, "received", start, today))
    delivered = per_day(counts(DOMAIN, "delivered", start, today))
    weeks = [start + timedelta(weeks=n) for n in range(WEEKS)]

    def weekly(days):
        return [sum(n for d, (n, _t) in days.items() if monday <= d < monday + timedelta(days=7))
                for monday in weeks]

    return Figure(gettext("Received and delivered per week"), "line",
                  labels=[gettext("wk %(n)s", n=m.isocalendar()[1]) for m in weeks],
                  series=[(gettext("Received"), weekly(received)),
                          (gettext("Delivered"), weekly(delivered))])


def turnaround():
    """Median and p90 days from received to handed over, per product kind and urgency,
    over what was delivered in the last 90 days."""
    today = local_time(utcnow(), DOMAIN).date()
    cells = totals(DOMAIN, "turnaround", today - timedelta(days=TURNAROUND_DAYS - 1), today,
                   dimension="kind_urgency_days")
    groups = {}
    for key, (count, _total) in cells.items():
        kind, urgency, days = key.rsplit("|", 2)
        groups.setdefault((kind, urgency), {})[float(days)] = count
    keys = sorted(groups)
    labels = [f"{ProductKind.LABELS.get(k, k)} · {Urgency.LABELS.get(u, u)}" for k, u in keys]
    medians = [percentile_counted(groups[k], 0.5) for k in keys]
    p90 = [percentile_counted(groups[k], 0.9) for k in keys]
    return Figure(gettext("Turnaround in days (delivered in the last %(n)s days)",
                          n=TURNAROUND_DAYS), "bar", labels=labels,
                  series=[(gettext("Median"), medians), (gettext("90th percentile"), p90)])


def workload_per_writer():
    """Open requests per writer: counted per status and writer in the order of the
    open-work index (status, writer, …), from that index alone, and added up per writer
    here (a few hundred rows); then the names of the 20 busiest. Grouped by writer only,
    the database walked the writer index through every request ever assigned (2.8 s at
    a million) to have its groups in order."""
    per_writer = Counter()
    for uid, n in db.session.execute(
            select(ServiceRequest.assigned_to_id, func.count())
            .where(ServiceRequest.status.in_(RequestStatus.OPEN),
                   ServiceRequest.assigned_to_id.is_not(None))
            .group_by(ServiceRequest.status, ServiceRequest.assigned_to_id)):
        per_writer[uid] += n
    busiest = sorted(per_writer.items(), key=lambda item: (-item[1], item[0]))[:20]
    names = {uid: f"{first} {last}".strip() for uid, first, last in db.session.execute(
        select(User.id, User.first_name, User.last_name).where(
            User.id.in_([uid for uid, _n in busiest])))}
    return Figure(gettext("Open requests per writer"), "bar",
                  labels=[names.get(uid, "") for uid, _n in busiest],
                  series=[(gettext("Requests"), [n for _uid, n in busiest])])


def money_per_day():
    today = local_time(utcnow(), DOMAIN).date()
    dates = [today - timedelta(days=n) for n in range(MONEY_DAYS - 1, -1, -1)]
    days = per_day(counts(DOMAIN, "paid", dates[0], today))
    amounts = [days[d][1] if d in days else 0 for d in dates]
    return Figure(gettext("Money collected per day (last %(n)s days)", n=MONEY_DAYS), "bar",
                  labels=[d.strftime("%d-%m") for d in dates],
                  series=[(gettext("Amount"), amounts)],
                  note=gettext("Total: %(total)s", total=format_money(sum(amounts), DOMAIN)))


def build():
    return [open_per_status(), open_per_kind(), received_and_delivered(), turnaround(),
            workload_per_writer(), money_per_day()]


def register_dashboard():
    for measure in MEASURES:
        register_measure(measure)
    register(Dashboard("service-requests", _("Service requests"),
                       ("can_read", "ServiceRequest"), build))
