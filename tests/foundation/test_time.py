"""Times are stored in UTC, timezone-aware, and shown in the configured zone."""
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from app.database import utcnow
from app.extensions import db
from app.formatting import format_datetime, local_time
from app.mail import queue
from app.mail.models import OutboxMessage
from app.money import format_amount

PARAMARIBO = ZoneInfo("America/Paramaribo")


def _reload(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_naive_datetimes_are_refused(app_ctx):
    message = queue("klant@example.org", "Naive", "text")
    message.sent_at = datetime(2026, 11, 23, 12, 0)
    with pytest.raises(StatementError) as info:
        db.session.commit()
    assert "naive datetime" in str(info.value)
    db.session.rollback()


def test_aware_values_round_trip_as_the_same_instant_in_utc(app_ctx):
    local = datetime(2026, 7, 1, 9, 30, 15, 123456, tzinfo=PARAMARIBO)  # UTC-3
    message = queue("klant@example.org", "Aware", "text")
    message.sent_at = local
    db.session.commit()
    loaded = _reload(message.id).sent_at
    assert loaded == local
    assert loaded.utcoffset() == timedelta(0)
    assert loaded == datetime(2026, 7, 1, 12, 30, 15, 123456, tzinfo=UTC)
    assert _reload(message.id).created_at.tzinfo is not None


def test_comparisons_in_queries_use_utc(app_ctx):
    message = queue("klant@example.org", "Query", "text")
    message.sent_at = datetime(2026, 1, 1, 23, 30, tzinfo=timezone(timedelta(hours=-3)))
    db.session.commit()  # = 2026-01-02 02:30 UTC
    cutoff = datetime(2026, 1, 2, 3, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # 02:00 UTC
    found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at > cutoff)).all()
    assert [m.subject for m in found] == ["Query"]


def test_format_datetime_shows_amsterdam_time(app, app_ctx):
    assert app.config["DISPLAY_TIMEZONE"] == "Europe/Amsterdam"
    winter = datetime(2026, 11, 23, 13, 5, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)
    assert format_datetime(winter) == "23-11-2026 14:05"
    assert format_datetime(summer) == "01-07-2026 15:05"
    assert format_datetime(None) == ""
    assert local_time(winter).tzinfo.key == "Europe/Amsterdam"


def test_display_zone_is_configurable(app, app_ctx):
    app.config["DISPLAY_TIMEZONE"] = "America/Paramaribo"
    try:
        assert format_datetime(datetime(2026, 11, 23, 13, 5, tzinfo=UTC)) == (
            "23-11-2026 10:05")
    finally:
        app.config["DISPLAY_TIMEZONE"] = "Europe/Amsterdam"


@pytest.mark.parametrize("zone, shown", [("Europe/Amsterdam", "23-11-2026 14:05"),
                                         ("America/Paramaribo", "23-11-2026 10:05")])
def test_screens_show_the_configured_zone(app, admin_client, zone, shown):
    from app import audit
    from app.audit import AuditEntry

    utc = datetime(2026, 11, 23, 13, 5, tzinfo=UTC)
    with app.app_context(), audit.acting_as("system"):
        message = queue("klant@example.org", "Tijd", "text")
        message.created_at = utc
        db.session.flush()
        audit.record(message, "note", note="tijd")
        db.session.flush()
        # an audit row cannot be changed through the ORM: set its time as a migration would
        db.session.execute(AuditEntry.__table__.update().values(at=utc))
        db.session.commit()
        message_id = message.id
    app.config["DISPLAY_TIMEZONE"] = zone
    try:
        for url in ("/outboxview/list/", f"/outboxview/show/{message_id}",
                    "/auditentryview/list/"):
            page = admin_client.get(url).get_data(as_text=True)
            assert shown in page, url
            assert "13:05" not in page, url  # not the stored UTC
    finally:
        app.config["DISPLAY_TIMEZONE"] = "Europe/Amsterdam"


def test_money_is_shown_the_dutch_way():
    assert format_amount(Decimal("1234.5")) == "1.234,50"
    assert format_amount(0) == "0,00"
    assert format_amount(None) == ""


def test_utcnow_is_aware():
    assert utcnow().tzinfo is UTC
