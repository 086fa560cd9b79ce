"""Audit values are shown as people read them, in the display time zone."""
from app.audit.labels import value_label


def test_stored_timestamp_is_shown_in_local_time(app_ctx):
    # 13:58 UTC is 14:58 in Amsterdam (DISPLAY_TIMEZONE) in November.
    assert value_label("WorkOrder", "closed_at", "2026-11-23T13:58:22.123456+00:00") == "23-11-2026 14:58"


def test_codes_booleans_and_nothing(app_ctx):
    assert value_label("X", "flag", "True") == "Ja"
    assert value_label("X", "note", "None") == ""
    assert value_label("X", "note", "2026 is a year") == "2026 is a year"
