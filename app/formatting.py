"""Showing stored values to people: UTC times in the configured zone, cells, labels.
(Amounts and numbers: app/money.py.)"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from .money import format_amount, format_money, timezone


def display_zone(domain=None):
    """The zone people read times in: the domain's (`<DOMAIN>_TIMEZONE`), else DISPLAY_TIMEZONE."""
    return timezone(domain) if domain else ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def local_time(value, domain=None):
    """A stored UTC time in the domain's zone (`<DOMAIN>_TIMEZONE`), else DISPLAY_TIMEZONE."""
    if value is None:
        return None
    return value.astimezone(display_zone(domain))


def format_datetime(value, domain=None):
    """'23-11-2026 14:05' in the domain's (or the display) zone; '' for None.
    In templates: {{ x|datetime }} or {{ x|datetime("service_requests") }}."""
    value = local_time(value, domain)
    return value.strftime("%d-%m-%Y %H:%M") if value else ""


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
    # Every page's <html lang> (FAB's layout and the public pages) asks the request's locale.
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["money"] = format_money      # {{ x|money("faults") }}: € 4,50
    app.jinja_env.filters["amount"] = format_amount    # {{ x|amount }}: 4,50 (inputs)
    app.jinja_env.filters["cell"] = format_cell
    app.jinja_env.filters["label"] = translate_label
    app.jinja_env.filters["labels"] = translate_labels
