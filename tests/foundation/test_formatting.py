"""Numbers as Dutch readers expect them: comma for decimals, dot for thousands."""
from decimal import Decimal

from flask_babel import force_locale

from app.formatting import format_cell
from app.money import format_amount


def test_negative_money_keeps_its_sign_and_thousands():
    assert format_amount(Decimal("-1234.5")) == "-1.234,50"
    assert format_amount(Decimal("-0.5")) == "-0,50"


def test_money_rounds_half_up_and_never_shows_minus_zero():
    assert format_amount(Decimal("2.345")) == "2,35"
    assert format_amount(Decimal("-0.004")) == "0,00"
    assert format_amount(0.1 + 0.2) == "0,30"


def test_decimal_for_averages():
    assert format_amount(Decimal("4.25"), places=1) == "4,3"
    assert format_amount(4, places=1) == "4,0"
    assert format_amount(3.96, places=2) == "3,96"
    assert format_amount(1234567.891, places=0) == "1.234.568"
    assert format_amount(-0.04, places=1) == "0,0"
    assert format_amount(None) == ""


def test_cells_show_nothing_and_yes_no(app_ctx):
    assert format_cell(None) == ""
    with force_locale("nl"):
        assert (format_cell(True), format_cell(False)) == ("Ja", "Nee")
    with force_locale("en"):
        assert format_cell(True) == "Yes"
    assert format_cell(0) == 0 and format_cell("x") == "x"
