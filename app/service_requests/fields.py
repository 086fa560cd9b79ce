"""Amounts the way people here type and read them: '-15,00', '1.234,50'."""
from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from wtforms import DecimalField

from ..formatting import format_money


def parse_amount(value):
    """'12,50', '1.234,50' or '12.50' → Decimal('12.50'); ValueError for anything else."""
    text = str(value).strip().replace(" ", "").replace("€", "")
    if "," in text:  # Dutch: dots group thousands, the comma is the decimal sign
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValueError(gettext("Enter the amount as a number, e.g. 12,50.")) from None
    if not amount.is_finite():
        raise ValueError(gettext("Enter the amount as a number, e.g. 12,50."))
    return amount


class DutchDecimalField(DecimalField):
    """A money field that shows '25,00' and accepts '-15,00' (WTForms' wants '25.00')."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_money(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            self.data = parse_amount(valuelist[0])
