"""One list row as export cells: the text a person reads on screen (CSV), or a typed
value Excel can sort and add up (XLSX: numbers, dates)."""
from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup

from ..formatting import format_cell, local_time


def as_text(value):
    """What the list shows, without HTML (a badge, a link, a thumbnail)."""
    value = format_cell(value)
    if isinstance(value, Markup):
        return value.striptags()
    return "" if value is None else str(value)


def typed(raw, shown, domain=None):
    """The raw value where a spreadsheet does better with it, else the shown text; a
    time as the list shows it, in the zone of the list's domain."""
    if isinstance(raw, bool) or raw is None:
        return shown
    if isinstance(raw, (int, float, Decimal)):
        return raw
    if isinstance(raw, datetime):
        # xlsx has no time zones: the wall-clock time the office sees.
        return (local_time(raw, domain) if raw.tzinfo else raw).replace(tzinfo=None)
    if isinstance(raw, date):
        return raw
    return shown


def neutralise(text):
    """A cell that starts like a formula is text, not a formula (CSV/formula injection)."""
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text.replace(".", "").replace(",", "."))
    except ValueError:
        return False
    return True
