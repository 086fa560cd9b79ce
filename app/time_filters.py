"""The list search's date filters on stored UTC times (UTCDateTime columns).

FAB reads a typed date with dateutil into a naive datetime and compares it with the
column; a UTCDateTime refuses a naive value (a server error). Here a typed date or
time is read as people see the list's times: in the zone of the model's domain
(`<DOMAIN>_TIMEZONE`, else DISPLAY_TIMEZONE, as app/formatting.py shows them), day
first as we write dates (30-11-2026) unless it starts with the year (2026-11-30, FAB's
date picker), and compared in UTC. A value that is no date is FAB's "no value": greater
and smaller filter nothing out, equal finds the rows without a time.

"Equal" to a date typed without a time means that whole day in the list's zone (from
its midnight up to the next day's), not the instant of midnight; "not equal" is every
other time (a row without a time is neither, as with FAB's not-equal). Typed with a
time, both compare that moment.
"""
import re
from datetime import UTC, datetime, time, timedelta

from dateutil import parser
from flask import current_app
from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterGreater,
    FilterNotEqual,
    FilterSmaller,
    SQLAFilterConverter,
    get_field_setup_query,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import and_, or_

from .database import UTCDateTime
from .formatting import display_zone

_YEAR_FIRST = re.compile(r"\s*\d{4}")
# Two fillers for what was not typed: where they differ in the result, no time was typed.
_FILLERS = (datetime(2000, 1, 1), datetime(2000, 1, 1, 1, 1, 1, 1))


def model_domain(model):
    """The domain a model belongs to: the first package of its module with a
    `<NAME>_TIMEZONE` setting (app.service_requests.models -> service_requests), or None."""
    for part in model.__module__.split(".")[1:]:
        if f"{part.upper()}_TIMEZONE" in current_app.config:
            return part
    return None


def read_moment(text, zone):
    """A typed date or date and time as an aware UTC datetime, or None when it is none."""
    if isinstance(text, datetime):
        moment = text
    else:
        try:
            moment = parser.parse(str(text), dayfirst=not _YEAR_FIRST.match(str(text)))
        except (ValueError, OverflowError):
            return None
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # year 1 or 9999 moved out of range
        return None


def read_day(text, zone):
    """A date typed without a time as that day in `zone`: (its start, the next day's
    start) as aware UTC datetimes; None when a time was typed or it is no date."""
    if isinstance(text, datetime):
        return None
    text = str(text)
    dayfirst = not _YEAR_FIRST.match(text)
    try:
        first, second = (parser.parse(text, dayfirst=dayfirst, default=filler)
                         for filler in _FILLERS)
        if first.hour == second.hour or first.tzinfo is not None:
            return None  # a time (or a zone) was typed: a moment, not a day
        start = datetime.combine(first.date(), time(), zone)
        end = datetime.combine(first.date() + timedelta(days=1), time(), zone)
        return start.astimezone(UTC), end.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


class _MomentFilter:
    # Own arg_names: FAB keeps one global arg_name -> class map for its REST filters,
    # and "eq" must stay FAB's plain FilterEqual there.
    def zone(self):
        return display_zone(model_domain(self.datamodel.obj))

    def apply(self, query, value):
        return super().apply(query, read_moment(value, self.zone()))


class _DayFilter(_MomentFilter):
    """Equal / not equal: a typed day is the whole day, a typed time that moment."""

    def apply(self, query, value):
        day = read_day(value, self.zone())
        if day is None:
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(self.on_day(field, *day))


class MomentEqual(_DayFilter, FilterEqual):
    arg_name = "moment_eq"

    @staticmethod
    def on_day(field, start, end):
        return and_(field >= start, field < end)


class MomentNotEqual(_DayFilter, FilterNotEqual):
    arg_name = "moment_neq"

    @staticmethod
    def on_day(field, start, end):
        return or_(field < start, field >= end)


class MomentGreater(_MomentFilter, FilterGreater):
    arg_name = "moment_gt"


class MomentSmaller(_MomentFilter, FilterSmaller):
    arg_name = "moment_lt"


class MomentFilterConverter(SQLAFilterConverter):
    """FAB's filters, with the ones above for UTCDateTime columns (same names and
    arguments, so links and the search widget stay as they are)."""

    conversion_table = (
        ("is_utc_datetime", [MomentEqual, MomentGreater, MomentSmaller, MomentNotEqual]),
        *SQLAFilterConverter.conversion_table,
    )


def is_utc_datetime(datamodel, column):
    """Whether `column` of the datamodel's model is stored as UTCDateTime."""
    column = datamodel.list_columns.get(column)
    return column is not None and isinstance(getattr(column, "type", None), UTCDateTime)


class MomentSQLAInterface(SQLAInterface):
    """FAB's interface with the date filters above: the REST APIs' models (the lists use
    app/listing.py, which sets the same converter). Their operators are moment_eq,
    moment_gt, moment_lt and moment_neq, listed by each API's _info."""

    filter_converter_class = MomentFilterConverter

    def is_utc_datetime(self, col_name):
        return is_utc_datetime(self, col_name)
