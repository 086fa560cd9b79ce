"""A request's clock: due after its target in working days (weekends and the office's
holidays skipped), paused while waiting on the customer, overdue in its own list with a
badge, and a morning reminder to the writer through the scheduled jobs."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app import audit
from app.database import utcnow
from app.extensions import db
from app.service_requests.clock import (
    add_working_days,
    add_working_seconds,
    target_days,
    working_seconds,
)
from app.service_requests.models import ServiceRequest
from tests.helpers import make_request

FRIDAY = datetime(2026, 12, 18, 12, 0, tzinfo=UTC)


def test_working_days_skip_weekends_and_holidays(app):
    with app.app_context():
        assert add_working_days(FRIDAY, 1, free=set()).date().isoformat() == "2026-12-21"
        christmas = {datetime(2026, 12, 25).date(), datetime(2026, 12, 28).date()}
        # Fri 18 + 5 working days: 21, 22, 23, 24, (25 holiday, weekend, 28 holiday) 29
        assert add_working_days(FRIDAY, 5, free=christmas).date().isoformat() == "2026-12-29"


def test_targets_per_urgency_and_product_kind_from_the_configuration(app):
    with app.app_context():
        app.config["SR_TARGET_DAYS_BY_KIND"] = {"survey_map": {"online": 20}}
        try:
            assert target_days("urgent") == 1
            assert target_days("online", "survey_map") == 20
            assert target_days("online", "mortgage_extract") == 10
        finally:
            del app.config["SR_TARGET_DAYS_BY_KIND"]


def _set(app, pk, **values):
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        for name, value in values.items():
            setattr(sr, name, value)
        db.session.commit()


def _get(app, pk):
    with app.app_context():
        sr = db.session.get(ServiceRequest, pk)
        db.session.expunge(sr)
        return sr


def test_a_new_request_is_due_after_its_target(app, products):
    pk = make_request(app, urgency="urgent", on_behalf_of="registrar")
    sr = _get(app, pk)
    assert timedelta(hours=23) < sr.due_at - sr.received_at <= timedelta(days=3, hours=1)


def test_waiting_on_the_customer_pauses_the_clock(app, products):
    pk = make_request(app)
    due = _get(app, pk).due_at
    _set(app, pk, status="documents_needed")
    assert _get(app, pk).clock_state[0] == "paused"
    since = utcnow() - timedelta(days=2)
    _set(app, pk, waiting_since=since)  # two days waiting
    _set(app, pk, status="documents_received")
    sr = _get(app, pk)
    assert sr.waiting_since is None
    assert abs(sr.waiting_seconds - 2 * 86400) < 60
    with app.app_context():  # later by the working time in those two days, not by two days
        expected = add_working_seconds(due, working_seconds(since, utcnow()))
    assert abs(sr.due_at - expected) < timedelta(minutes=1)
    assert abs(sr.clock_ours + sr.clock_waiting - sr.clock_age) < timedelta(seconds=1)


PARAMARIBO = ZoneInfo("America/Paramaribo")
NEW_YEAR = {date(2027, 1, 1)}


def _at(text):
    """'Mon 2026-12-14 10:00' in the office's time (the weekday is there for the reader)."""
    return datetime.strptime(text[4:], "%Y-%m-%d %H:%M").replace(tzinfo=PARAMARIBO)


# due before the wait, waiting from, waiting until, due after the wait
PAUSES = [
    # two working days waited: due two working days later, over the weekend
    ("Fri 2026-12-18 12:00", "Mon 2026-12-14 10:00", "Wed 2026-12-16 10:00",
     "Tue 2026-12-22 12:00"),
    # Friday noon to Monday noon is one working day (the weekend does not count)
    ("Wed 2026-12-16 12:00", "Fri 2026-12-11 12:00", "Mon 2026-12-14 12:00",
     "Thu 2026-12-17 12:00"),
    # a wait within the weekend moves nothing
    ("Wed 2026-12-16 12:00", "Sat 2026-12-12 10:00", "Sun 2026-12-13 18:00",
     "Wed 2026-12-16 12:00"),
    # a few hours on a working day move it by those hours
    ("Wed 2026-12-16 12:00", "Mon 2026-12-14 09:00", "Mon 2026-12-14 13:00",
     "Wed 2026-12-16 16:00"),
    # hours that run past the due day's midnight go on after the weekend
    ("Fri 2026-12-18 20:00", "Mon 2026-12-14 08:00", "Mon 2026-12-14 14:00",
     "Mon 2026-12-21 02:00"),
    # the holiday (New Year) neither counts in the wait nor as a day to move over
    ("Wed 2026-12-30 12:00", "Thu 2026-12-31 12:00", "Mon 2027-01-04 12:00",
     "Thu 2026-12-31 12:00"),
    ("Thu 2026-12-31 10:00", "Mon 2026-12-21 10:00", "Tue 2026-12-22 10:00",
     "Mon 2027-01-04 10:00"),
]


@pytest.mark.parametrize("due, since, until, moved", PAUSES)
def test_a_pause_moves_the_due_date_by_its_working_time(app, due, since, until, moved):
    with app.app_context():
        waited = working_seconds(_at(since), _at(until), free=NEW_YEAR)
        assert add_working_seconds(_at(due), waited, free=NEW_YEAR) == _at(moved)


def test_leaving_documents_needed_moves_the_due_date_over_weekend_and_holiday(app, products):
    """Through the status change: a wait from Monday to Wednesday moves a Friday due date
    to Tuesday, not to Sunday as calendar time would."""
    pk = make_request(app)
    _set(app, pk, status="documents_needed")
    waited_since = utcnow() - timedelta(days=2)
    with app.app_context():
        waited = working_seconds(waited_since, utcnow())
    _set(app, pk, due_at=_at("Fri 2026-12-18 12:00"), waiting_since=waited_since)
    _set(app, pk, status="documents_received")
    with app.app_context():
        expected = add_working_seconds(_at("Fri 2026-12-18 12:00"), waited)
    sr = _get(app, pk)
    assert abs(sr.due_at - expected) < timedelta(minutes=1)
    assert sr.due_at.astimezone(PARAMARIBO).weekday() < 5


@pytest.fixture
def late_and_on_time(app, products):
    late = make_request(app, name="Laat Lena", status="assigned", writer="writer")
    make_request(app, name="Op Tijd")
    waiting = make_request(app, name="Wacht Willem")
    _set(app, late, due_at=utcnow() - timedelta(hours=1))
    _set(app, waiting, status="documents_needed", due_at=utcnow() - timedelta(hours=1))
    return late


def test_overdue_button_lists_only_late_running_requests_with_a_badge(app, late_and_on_time,
                                                                     client_for):
    client = client_for("Viewer")
    listing = client.get("/service-requests/list/").get_data(as_text=True)
    assert 'href="/service-requests/overdue/list/"' in listing  # the button
    assert listing.count(">Te laat</span>") == 1
    assert "Gepauzeerd" in listing
    overdue = client.get("/service-requests/overdue/list/").get_data(as_text=True)
    assert "Laat Lena" in overdue
    assert "Op Tijd" not in overdue and "Wacht Willem" not in overdue


def test_the_morning_reminder_mails_the_writer_through_the_jobs(app, late_and_on_time):
    from app.mail.models import OutboxMessage
    from app.service_requests.reminders import remind_writers

    with app.app_context(), audit.acting_as("system", "test"):
        assert "service_requests.overdue_reminder" in app.extensions["jobs"]
        assert remind_writers(utcnow()) == 1
        db.session.commit()
        # (each new request also queued its confirmation to the customer)
        mail = db.session.query(OutboxMessage).filter(
            OutboxMessage.recipients.contains("writer@example.org")).one()
        assert "Laat Lena" in mail.body_text and "Op Tijd" not in mail.body_text
