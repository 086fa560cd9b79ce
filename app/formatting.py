"""Showing stored values to people: UTC times in the configured zone, money, numbers."""
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _


def local_time(value):
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"]))


def format_datetime(value):
    """'23-11-2026 14:05' in the display zone; '' for None."""
    value = local_time(value)
    return value.strftime("%d-%m-%Y %H:%M") if value else ""


def _decimal(value):
    # str() first: Decimal(0.1) would carry the float's binary noise into the rounding
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_decimal(value, places=1):
    """'4,5' for 4.5; Dutch comma, thousands with a dot, rounded half up; '' for None.

    Negative values keep their sign; a value that rounds to zero shows without one.
    """
    if value is None:
        return ""
    places = int(places)
    value = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == 0:
        value = abs(value)  # no "-0,0"
    text = f"{value:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_money(value):
    """'-1.234,50' for Decimal('-1234.5'): two decimals, rounded half up; '' for None."""
    return format_decimal(value, places=2)


_BOOLEAN_WORDS = {True: _("Yes"), False: _("No")}


def format_cell(value):
    """A value in a FAB list or show page as people read it: nothing as empty,
    True/False as Yes/No, a list of related records as "a, b" (not "[a, b]"),
    a date and time as 23-11-2026 14:05 (FAB's own columns store naive local time)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_BOOLEAN_WORDS[value])
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime):
        return format_datetime(value) if value.tzinfo else value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return value


def translate_label(label):
    """A column label FAB made up from a column name ("Description", a plain str) goes
    through the catalog; labels a view set with lazy_gettext are translated already."""
    if type(label) is str:  # noqa: E721  (LazyString is not a str subclass)
        return gettext(label)
    return label


def translate_labels(labels):
    return {name: translate_label(label) for name, label in labels.items()}


def register_template_filters(app):
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["decimal"] = format_decimal
    app.jinja_env.filters["cell"] = format_cell
    app.jinja_env.filters["label"] = translate_label
    app.jinja_env.filters["labels"] = translate_labels
