"""Per-day counts behind the dashboards, so a figure over months reads a few hundred rows
instead of every record at a million requests.

A domain registers a `Measure`: which moment puts a record on a day (an indexed column),
what it is split by (a dimension: kind, location, contractor, …) and what it adds up.
The scheduled job `dashboard.daily_counts` writes the closed days (before today in the
domain's time zone) into `dashboard_daily_count` and marks how far it got; a figure
reads the table up to that mark and asks the records themselves only for the days after
it (today, or the days a stopped worker missed): a bounded, indexed range.

The night's run rebuilds the last `REBUILD_DAYS` days too, so a late change to a recent
record (an order accepted the next morning, a corrected payment) is counted.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import g, has_request_context
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, Date, Integer, Numeric, PrimaryKeyConstraint, String, delete, func, select

from ..database import utcnow
from ..extensions import db
from ..money import timezone

REBUILD_DAYS = 7
BUILT = "_built"  # the mark: its day is the last closed day written
STREAM = 10_000


class DailyCount(Model):
    __tablename__ = "dashboard_daily_count"
    # The key is the index: a figure reads one (domain, measure, dimension) over a range
    # of days.
    __table_args__ = (PrimaryKeyConstraint("domain", "measure", "dimension", "day", "key",
                                           name="pk_dashboard_daily_count"),)

    domain = Column(String(40), nullable=False)
    measure = Column(String(40), nullable=False)
    dimension = Column(String(40), nullable=False, default="")
    day = Column(Date, nullable=False)
    key = Column(String(100), nullable=False, default="")  # the dimension's value
    count = Column(Integer, nullable=False, default=0)
    total = Column(Numeric(16, 2), nullable=False, default=0)


@dataclass(frozen=True)
class Measure:
    """domain: also the time zone the days are in (<DOMAIN>_TIMEZONE).
    rows(since, until): a select of (moment, *values) for the records whose moment is in
    [since, until) — on an indexed moment column. bucket(row) -> [(key, amount)]: what
    one row adds (default: key = values[0] or "", amount = values[1] or 0); a row may add
    to several keys, or none."""

    domain: str
    name: str
    rows: Callable[[datetime, datetime], Any]
    dimension: str = ""
    bucket: Callable[[Any], list] | None = None
    description: str = field(default="", compare=False)


_MEASURES = {}


def register_measure(measure):
    _MEASURES[(measure.domain, measure.name, measure.dimension)] = measure
    return measure


def measures():
    return list(_MEASURES.values())


def _get(domain, name, dimension):
    return _MEASURES[(domain, name, dimension)]


# ---------------------------------------------------------------- days and moments

def today(domain):
    return utcnow().astimezone(timezone(domain)).date()


def day_start(domain, day):
    """The first moment (UTC) of a local day of the domain."""
    return datetime.combine(day, time(), tzinfo=timezone(domain)).astimezone(UTC)


def _default_bucket(row):
    values = tuple(row)[1:]
    key = values[0] if values else ""
    amount = values[1] if len(values) > 1 else 0
    return [("" if key is None else str(key), amount or 0)]


def _count_rows(session, measure, first, last):
    """{(day, key): [count, total]} for the local days first..last, from the records."""
    zone = timezone(measure.domain)
    bucket = measure.bucket or _default_bucket
    out = defaultdict(lambda: [0, Decimal(0)])
    statement = measure.rows(day_start(measure.domain, first),
                             day_start(measure.domain, last + timedelta(days=1)))
    for row in session.execute(statement.execution_options(yield_per=STREAM)):
        day = row[0].astimezone(zone).date()
        for key, amount in bucket(row):
            cell = out[(day, key)]
            cell[0] += 1
            cell[1] += Decimal(str(amount or 0))
    return out


# ---------------------------------------------------------------- writing closed days

def built_until(session, domain):
    """The last closed day written for `domain`, or None."""
    return session.scalar(select(func.max(DailyCount.day)).where(
        DailyCount.domain == domain, DailyCount.measure == BUILT))


def _mark(session, domain, day):
    session.execute(delete(DailyCount).where(DailyCount.domain == domain,
                                             DailyCount.measure == BUILT))
    session.add(DailyCount(domain=domain, measure=BUILT, dimension="", day=day, key="",
                           count=0, total=0))


def rebuild(session, domain=None, since=None, commit=False, chunk_days=31):
    """Write the closed days of every measure (of `domain`) from `since` (default: from
    REBUILD_DAYS before the mark, or from the oldest record when nothing was written)
    to yesterday, a month at a time; returns {domain: days written}."""
    written = {}
    for name in sorted({m.domain for m in measures() if domain in (None, m.domain)}):
        ours = [m for m in measures() if m.domain == name]
        last = today(name) - timedelta(days=1)
        mark = built_until(session, name)
        if mark is not None and since is None:
            start = mark - timedelta(days=REBUILD_DAYS - 1)
        else:  # the first build, or from a given day (never past the mark: no gap)
            oldest = _oldest(session, ours)
            start = oldest if since is None or oldest is None else max(since, oldest)
            if mark is not None and start is not None:
                start = min(start, mark + timedelta(days=1))
        if start is None or start > last:
            _mark(session, name, last)
            written[name] = 0
            continue
        day = start
        while day <= last:
            end = min(day + timedelta(days=chunk_days - 1), last)
            for measure in ours:
                _write(session, measure, day, end)
            _mark(session, name, end)
            if commit:
                session.commit()
            day = end + timedelta(days=1)
        written[name] = (last - start).days + 1
    return written


def _oldest(session, ours):
    firsts = []
    for measure in ours:
        statement = measure.rows(datetime(1970, 1, 2, tzinfo=UTC),
                                 utcnow() + timedelta(days=1)).order_by(None).subquery()
        first = session.scalar(select(func.min(statement.c[0])))
        if first is not None:
            firsts.append(first.astimezone(timezone(measure.domain)).date())
    return min(firsts) if firsts else None


def _write(session, measure, first, last):
    session.execute(delete(DailyCount).where(
        DailyCount.domain == measure.domain, DailyCount.measure == measure.name,
        DailyCount.dimension == measure.dimension, DailyCount.day.between(first, last)))
    rows = [{"domain": measure.domain, "measure": measure.name,
             "dimension": measure.dimension, "day": day, "key": key[:100], "count": count,
             "total": total}
            for (day, key), (count, total) in _count_rows(session, measure, first, last).items()]
    if rows:
        session.execute(DailyCount.__table__.insert(), rows)


# ---------------------------------------------------------------- reading a figure

def counts(domain, name, first, last=None, dimension=""):
    """{(day, key): (count, total)} for local days first..last (default today): the
    table up to its mark, the records themselves after it."""
    session = db.session
    measure = _get(domain, name, dimension)
    last = last or today(domain)
    marks = g.setdefault("dashboard_marks", {}) if has_request_context() else {}
    if domain not in marks:  # one look per page, not one per figure
        marks[domain] = built_until(session, domain)
    mark = marks[domain]
    out = {}
    if mark is not None and first <= mark:
        for row in session.execute(select(DailyCount.day, DailyCount.key, DailyCount.count,
                                          DailyCount.total).where(
                DailyCount.domain == domain, DailyCount.measure == name,
                DailyCount.dimension == dimension,
                DailyCount.day.between(first, min(mark, last)))):
            out[(row.day, row.key)] = (row.count, row.total)
    live_from = first if mark is None else max(first, mark + timedelta(days=1))
    if live_from <= last:
        for key, (count, total) in _count_rows(session, measure, live_from, last).items():
            out[key] = (count, total)
    return out


def totals(domain, name, first, last=None, dimension=""):
    """{key: (count, total)} over local days first..last: summed by the database over
    the table up to its mark (a year of a 200-location split is 73,000 rows), plus the
    records after it."""
    session = db.session
    measure = _get(domain, name, dimension)
    last = last or today(domain)
    marks = g.setdefault("dashboard_marks", {}) if has_request_context() else {}
    if domain not in marks:
        marks[domain] = built_until(session, domain)
    mark = marks[domain]
    out = defaultdict(lambda: [0, Decimal(0)])
    if mark is not None and first <= mark:
        for key, count, total in session.execute(
                select(DailyCount.key, func.sum(DailyCount.count), func.sum(DailyCount.total))
                .where(DailyCount.domain == domain, DailyCount.measure == name,
                       DailyCount.dimension == dimension,
                       DailyCount.day.between(first, min(mark, last)))
                .group_by(DailyCount.key)):
            out[key][0] += int(count)
            out[key][1] += Decimal(str(total))
    live_from = first if mark is None else max(first, mark + timedelta(days=1))
    if live_from <= last:
        for (_day, key), (count, total) in _count_rows(session, measure, live_from,
                                                       last).items():
            out[key][0] += count
            out[key][1] += total
    return {k: tuple(v) for k, v in out.items()}


def per_key(cells):
    """{key: (count, total)} summed over the days."""
    out = defaultdict(lambda: [0, Decimal(0)])
    for (_day, key), (count, total) in cells.items():
        out[key][0] += count
        out[key][1] += Decimal(total)
    return {k: tuple(v) for k, v in out.items()}


def per_day(cells):
    """{day: (count, total)} summed over the keys."""
    out = defaultdict(lambda: [0, Decimal(0)])
    for (day, _key), (count, total) in cells.items():
        out[day][0] += count
        out[day][1] += Decimal(total)
    return {k: tuple(v) for k, v in out.items()}


# ---------------------------------------------------------------- the job

def run_job(now):
    """The night's job: yesterday (and the days before it that may have changed)."""
    result = rebuild(db.session)
    return ", ".join(f"{k}: {v} d" for k, v in result.items())


def register_job(app):
    from .. import jobs

    jobs.register(app, "dashboard.daily_counts", run_job, at="01:30",
                  description="Per-day counts of the dashboards for the closed days")

