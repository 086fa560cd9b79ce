"""Showing stored values to people: UTC times in the configured zone, money."""
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app


def local_time(value):
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"]))


def format_datetime(value):
    """'23-11-2026 14:05' in the display zone; '' for None."""
    value = local_time(value)
    return value.strftime("%d-%m-%Y %H:%M") if value else ""


def format_money(value):
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents}"


def register_template_filters(app):
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money
