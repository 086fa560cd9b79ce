"""Amounts as people type and read them, on Babel (`babel.numbers`), Decimal end to end.

Each domain names its currency and display time zone in the config
(`<DOMAIN>_CURRENCY`, `<DOMAIN>_TIMEZONE`, e.g. SERVICE_REQUESTS_CURRENCY = "SRD");
this module knows no domain, callers pass theirs.

    parse_amount("1.258,17")            → Decimal("1258.17")  (DomainError when unclear)
    format_amount(Decimal("4.5"))       → "4,50"              (for inputs and plain numbers)
    format_money(Decimal("4.5"), "faults") → "€ 4,50"         (with the domain's currency)
    AmountField(_("Amount"))            → a text input with inputmode="decimal"

Typed amounts follow the reader's locale ("4,50", "1.500" = 1500, "-15,00" in Dutch).
A dot where the locale wants a comma is read as the decimal sign only when it cannot
be a thousands separator ("4.50", "4.5"; never "1.500"). Rounding is half up, to the
currency's places; more places than that, NaN, Infinity or an out-of-range amount is
refused with a message, never rounded away silently.
"""
import re
from datetime import tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from flask import current_app, has_app_context
from flask_babel import get_locale, gettext
from wtforms import StringField

from .errors import DomainError

PLACES = 2
# Numeric(10, 2) columns: below ten million with two places; one bound for every amount.
MAX_AMOUNT = Decimal("99999999.99")
DEFAULT_LOCALE = "nl"
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[€$])|(?:[A-Z]{3}|[€$])$")


def _locale():
    if has_app_context():
        locale = get_locale()
        if locale is not None:
            return str(locale)
        return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    return DEFAULT_LOCALE


def currency(domain):
    """The domain's ISO 4217 currency code from the config, e.g. "SRD"."""
    return current_app.config[f"{domain.upper()}_CURRENCY"]


def timezone(domain) -> tzinfo:
    """The domain's display time zone from the config (stored times are UTC)."""
    return ZoneInfo(current_app.config[f"{domain.upper()}_TIMEZONE"])


# ---------------------------------------------------------------- reading

def _refuse(example):
    return DomainError(gettext("Enter the amount as a number, e.g. %(example)s.",
                               example=example))


def parse_amount(value, *, places=PLACES, maximum=MAX_AMOUNT, locale=None):
    """The Decimal a person meant by `value` (a str as typed, or a number), or DomainError.

    `maximum` bounds the absolute value; a sign is allowed (corrections are negative).
    """
    locale = locale or _locale()
    example = format_decimal(Decimal("12.50"), format="#,##0.00", locale=locale)
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = "".join(str(value if value is not None else "").split())  # spaces, NBSP
        text = text.replace("\u2212", "-")  # the minus sign a word processor types
        text = _CURRENCY.sub("", text)  # "€ 4,50", "4,50 SRD" as pasted from a bill
        if not text:
            raise _refuse(example)
        amount = _parse_text(text, locale, example)
    if not amount.is_finite():
        raise _refuse(example)
    if amount.as_tuple().exponent < -places:
        raise DomainError(gettext("Use at most %(places)s decimals.", places=places))
    if abs(amount) > maximum:
        raise DomainError(gettext("The amount is too large (at most %(max)s).",
                                  max=format_amount(maximum, places=places, locale=locale)))
    return amount.quantize(Decimal(1).scaleb(-places)) + 0  # + 0: no "-0.00"


def _parse_text(text, locale, example):
    decimal_sign, group_sign = get_decimal_symbol(locale), get_group_symbol(locale)
    if not all(c.isdigit() or c in "+-.,'" or c in (decimal_sign, group_sign) for c in text):
        raise _refuse(example)  # letters: "NaN", "Infinity", "1e5", "12 euro"
    other = "." if decimal_sign == "," else ","
    head, sep, tail = text.rpartition(other)
    if sep and decimal_sign not in text and text.count(other) == 1 and len(tail) != 3 \
            and tail.isdigit():
        # "4.50" in Dutch: a dot that cannot group thousands is the decimal sign
        text = f"{head}{decimal_sign}{tail}"
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise _refuse(example) from None


# ---------------------------------------------------------------- showing

def _rounded(value, places):
    if value is None:
        return None
    # str() first: Decimal(0.1) would carry the float's binary noise into the rounding
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(value) if value == 0 else value  # never "-0,00"


def format_amount(value, places=PLACES, locale=None):
    """'1.234,50' for Decimal('1234.5') in Dutch (half up, no currency); '' for None."""
    value = _rounded(value, int(places))
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * int(places) if int(places) else "")
    return format_decimal(value, format=pattern, locale=locale or _locale(),
                          decimal_quantization=False)


def format_money(value, domain, locale=None):
    """'SRD 1.234,50' for Decimal('1234.5') in the domain's currency; '' for None."""
    value = _rounded(value, PLACES)
    if value is None:
        return ""
    return _money_text(value, currency(domain), str(locale or _locale()))


@lru_cache(maxsize=4096)
def _money_text(value, code, locale):
    # Amounts repeat (prices, zero balances); Babel's formatter costs some 70 µs a call,
    # which an export of 100,000 requests paid once per row.
    return format_currency(value, code, locale=locale)


class AmountField(StringField):
    """A WTForms field for amounts: a plain text input with the numeric keyboard on phones
    (never type=number, which drops "4,50" in some browsers); data is a Decimal or None."""

    def __init__(self, label=None, validators=None, places=PLACES, maximum=MAX_AMOUNT,
                 **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.places, self.maximum = places, maximum

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_amount(self.data, self.places) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = parse_amount(valuelist[0], places=self.places,
                                         maximum=self.maximum)
            except DomainError as exc:
                raise ValueError(exc.message) from None
