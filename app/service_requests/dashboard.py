"""The registry office's dashboard: where requests wait, how fast they go, what came in.

Every figure is one aggregate query over an indexed column (status, received_at,
handed_over_at, paid_at) or a bounded window (the last weeks), so it stays fast at a
million requests.
"""
from datetime import timedelta

from flask import url_for
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import func, select

from ..dashboard import Dashboard, Figure, percentile, register
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
    rows = dict(db.session.execute(
        select(Product.kind, func.count(func.distinct(RequestedProductLine.request_id)))
        .join(Product, Product.id == RequestedProductLine.product_id)
        .join(ServiceRequest, ServiceRequest.id == RequestedProductLine.request_id)
        .where(ServiceRequest.status.in_(RequestStatus.OPEN)).group_by(Product.kind)).all())
    from .views import KIND_VIEWS

    kinds = [(kind, view.__name__) for kind, view, _title in KIND_VIEWS]
    return Figure(gettext("Open requests per product kind"), "bar",
                  labels=[ProductKind.LABELS[k] for k, _v in kinds],
                  series=[(gettext("Requests"), [rows.get(k, 0) for k, _v in kinds])],
                  links=[_list_url(v) for _k, v in kinds])


def _per_day(column, since, value=None):
    day = func.date(column)
    rows = db.session.execute(select(day, value if value is not None else func.count())
                              .where(column >= since).group_by(day)).all()
    return {str(d): n for d, n in rows}


def received_and_delivered():
    today = local_time(utcnow()).date()
    start = today - timedelta(days=today.weekday(), weeks=WEEKS - 1)
    since = utcnow() - timedelta(weeks=WEEKS, days=7)
    received = _per_day(ServiceRequest.received_at, since)
    delivered = _per_day(ServiceRequest.handed_over_at, since)
    weeks = [start + timedelta(weeks=n) for n in range(WEEKS)]

    def weekly(days):
        return [sum(n for d, n in days.items() if monday.isoformat() <= d
                    < (monday + timedelta(days=7)).isoformat()) for monday in weeks]

    return Figure(gettext("Received and delivered per week"), "line",
                  labels=[gettext("wk %(n)s", n=m.isocalendar()[1]) for m in weeks],
                  series=[(gettext("Received"), weekly(received)),
                          (gettext("Delivered"), weekly(delivered))])


def turnaround():
    """Median and p90 days from received to handed over, per product kind and urgency,
    over what was delivered in the last 90 days (a bounded window)."""
    rows = db.session.execute(
        select(Product.kind, ServiceRequest.urgency, ServiceRequest.received_at,
               ServiceRequest.handed_over_at)
        .join(RequestedProductLine, RequestedProductLine.request_id == ServiceRequest.id)
        .join(Product, Product.id == RequestedProductLine.product_id)
        .where(ServiceRequest.handed_over_at >= utcnow() - timedelta(days=TURNAROUND_DAYS))
        .distinct()).all()
    groups = {}
    for kind, urgency, received, delivered in rows:
        days = (delivered - received).total_seconds() / 86400
        groups.setdefault((kind, urgency), []).append(days)
    keys = sorted(groups)
    labels = [f"{ProductKind.LABELS.get(k, k)} · {Urgency.LABELS.get(u, u)}" for k, u in keys]
    medians = [round(percentile(sorted(groups[k]), 0.5), 1) for k in keys]
    p90 = [round(percentile(sorted(groups[k]), 0.9), 1) for k in keys]
    return Figure(gettext("Turnaround in days (delivered in the last %(n)s days)",
                          n=TURNAROUND_DAYS), "bar", labels=labels,
                  series=[(gettext("Median"), medians), (gettext("90th percentile"), p90)])


def workload_per_writer():
    rows = db.session.execute(
        select(User.first_name, User.last_name, func.count())
        .join(ServiceRequest, ServiceRequest.assigned_to_id == User.id)
        .where(ServiceRequest.status.in_(RequestStatus.OPEN))
        .group_by(User.id, User.first_name, User.last_name)
        .order_by(func.count().desc()).limit(20)).all()
    return Figure(gettext("Open requests per writer"), "bar",
                  labels=[f"{first} {last}".strip() for first, last, _n in rows],
                  series=[(gettext("Requests"), [n for *_name, n in rows])])


def money_per_day():
    since = utcnow() - timedelta(days=MONEY_DAYS)
    days = _per_day(Payment.paid_at, since, func.sum(Payment.amount))
    today = local_time(utcnow()).date()
    dates = [today - timedelta(days=n) for n in range(MONEY_DAYS - 1, -1, -1)]
    total = sum((days.get(d.isoformat()) or 0) for d in dates)
    return Figure(gettext("Money collected per day (last %(n)s days)", n=MONEY_DAYS), "bar",
                  labels=[d.strftime("%d-%m") for d in dates],
                  series=[(gettext("Amount"), [days.get(d.isoformat()) or 0 for d in dates])],
                  note=gettext("Total: %(total)s", total=format_money(total, DOMAIN)))


def build():
    return [open_per_status(), open_per_kind(), received_and_delivered(), turnaround(),
            workload_per_writer(), money_per_day()]


def register_dashboard():
    register(Dashboard("service-requests", _("Service requests"),
                       ("can_read", "ServiceRequest"), build))
