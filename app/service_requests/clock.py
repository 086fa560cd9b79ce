"""A request's clock: its age, the time it waited on the customer, the time it was in our
hands, and the moment it is due.

The due moment is set when the request is made: a target in working days (weekends and
the office's holidays do not count) per urgency, optionally per product kind, from the
configuration. While a request waits on the customer (status documents_needed) its clock
stands still: when it leaves that status the waiting time is added to `waiting_seconds`
and the due moment moves later by the working time of the wait (a wait over a weekend
or a holiday moves it by the working days in it only, and the moved moment skips
weekends and holidays as the target does). All of it is stored (and `status, due_at` is
indexed), so the Overdue list is one index range, not a computation per row.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import and_, event

from ..database import utcnow
from ..formatting import local_time
from .choices import RequestStatus, Urgency
from .models import ServiceRequest, running_condition

WAITING = RequestStatus.DOCUMENTS_NEEDED
# Statuses whose clock runs: open, and not waiting on the customer.
RUNNING = RequestStatus.RUNNING
DEFAULT_TARGETS = {Urgency.URGENT: 1, Urgency.NORMAL: 5, Urgency.ONLINE: 10}


def _config(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def holidays():
    """OFFICE_HOLIDAYS: dates (YYYY-MM-DD), a list or a comma-separated string."""
    value = _config("OFFICE_HOLIDAYS", ())
    if isinstance(value, str):
        value = [v for v in value.replace(" ", "").split(",") if v]
    return {v if isinstance(v, date) else date.fromisoformat(v) for v in value}


def target_days(urgency, kind=None):
    """Working days allowed: SR_TARGET_DAYS_BY_KIND[kind][urgency], else
    SR_TARGET_DAYS[urgency]."""
    by_kind = _config("SR_TARGET_DAYS_BY_KIND", {}).get(kind or "", {})
    if urgency in by_kind:
        return by_kind[urgency]
    return _config("SR_TARGET_DAYS", DEFAULT_TARGETS).get(urgency, DEFAULT_TARGETS[Urgency.ONLINE])


def _zone():
    zone = _config("SERVICE_REQUESTS_TIMEZONE", None)
    return ZoneInfo(zone) if zone else None


def _local(moment):
    """The office's wall-clock time of `moment`, without zone (for day arithmetic)."""
    zone = _zone()
    return (moment.astimezone(zone) if zone else local_time(moment)).replace(tzinfo=None)


def _back(local, like):
    """A wall-clock time of the office back to an aware moment in `like`'s zone."""
    zone = _zone() or local_time(like).tzinfo
    return local.replace(tzinfo=zone).astimezone(like.tzinfo)


def _working(day, free):
    return day.weekday() < 5 and day not in free


def add_working_days(start, days, free=None):
    """`start` moved `days` working days on (same local time of day); a weekend or holiday
    start counts from the next working day."""
    free = holidays() if free is None else free
    local = _local(start)
    day, counted = local.date(), 0
    while counted < days:
        day += timedelta(days=1)
        if _working(day, free):
            counted += 1
    return _back(datetime.combine(day, local.time()), start)


def working_seconds(start, end, free=None):
    """How much of [start, end) falls on working days (the office's calendar days that
    are neither weekend nor holiday)."""
    free = holidays() if free is None else free
    begin, finish = _local(start), _local(end)
    total, day = 0.0, begin.date()
    while day <= finish.date():
        if _working(day, free):
            low = max(begin, datetime.combine(day, time()))
            high = min(finish, datetime.combine(day + timedelta(days=1), time()))
            total += max((high - low).total_seconds(), 0)
        day += timedelta(days=1)
    return int(total)


def add_working_seconds(start, seconds, free=None):
    """`start` moved on by `seconds` of working time: weekends and holidays pass without
    counting (a moment on one starts counting at the next working day)."""
    if seconds <= 0:
        return start
    free = holidays() if free is None else free
    moment, left = _local(start), seconds
    while True:
        midnight = datetime.combine(moment.date() + timedelta(days=1), time())
        if _working(moment.date(), free):
            room = (midnight - moment).total_seconds()
            if left <= room:
                return _back(moment + timedelta(seconds=left), start)
            left -= room
        moment = midnight


def _kind(sr):
    for line in sr.requested_lines:
        product = line.product
        if product is not None:
            return product.kind
    return None


@event.listens_for(ServiceRequest, "before_insert")
def _set_due(_mapper, _connection, sr):
    if sr.due_at is None:
        start = sr.received_at or utcnow()
        sr.due_at = add_working_days(start, target_days(sr.urgency or Urgency.ONLINE, _kind(sr)))


@event.listens_for(ServiceRequest.status, "set", active_history=True)
def _pause_or_resume(sr, new, old, _initiator):
    """documents_needed stops the clock; leaving it starts it again, the due moment later
    by the working time of the pause."""
    now = utcnow()
    if new == WAITING and old != WAITING:
        sr.waiting_since = now
    elif old == WAITING and new != WAITING and sr.waiting_since is not None:
        paused = now - sr.waiting_since
        sr.waiting_seconds = (sr.waiting_seconds or 0) + int(paused.total_seconds())
        if sr.due_at is not None:
            sr.due_at = add_working_seconds(sr.due_at, working_seconds(sr.waiting_since, now))
        sr.waiting_since = None


def overdue_clause(now=None):
    """The Overdue list's condition: running (the condition of the partial index
    ix_sr_request_running_received, in the list's order) and past the due moment (in
    that index too): the page walks the running requests newest first, never the
    others, and sorts nothing."""
    return and_(running_condition(), ServiceRequest.due_at < (now or utcnow()))


def duration_text(value):
    """'3 d 4 u' — days and hours, as the office counts."""
    hours = int(value.total_seconds() // 3600)
    days, hours = divmod(max(hours, 0), 24)
    return f"{days} d {hours} u" if days else f"{hours} u"
