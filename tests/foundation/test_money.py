"""Amounts typed the way people type them, refused when unclear, shown in the domain's
currency (app/money.py)."""
from decimal import Decimal

import pytest
from flask_babel import force_locale
from wtforms import Form

from app.errors import DomainError
from app.money import AmountField, currency, format_amount, format_money, parse_amount, timezone
from config import Config


@pytest.mark.parametrize("typed, meant", [
    ("4,50", "4.50"), ("1.500", "1500.00"), ("1.258,17", "1258.17"), ("-15,00", "-15.00"),
    ("4.50", "4.50"), ("4.5", "4.50"), ("12", "12.00"), (" 1 234,50 ", "1234.50"),
    ("1.234.567", "1234567.00"), ("\u221215,00", "-15.00"), ("€ 4,50", "4.50"),
    ("4,50 SRD", "4.50"), ("-0,00", "0.00"), ("99.999.999,99", "99999999.99"),
])
def test_dutch_typing(typed, meant):
    assert parse_amount(typed, locale="nl") == Decimal(meant)


@pytest.mark.parametrize("typed, meant", [
    ("4.50", "4.50"), ("1,500", "1500.00"), ("1,258.17", "1258.17"), ("4,50", "4.50"),
])
def test_english_typing(typed, meant):
    assert parse_amount(typed, locale="en") == Decimal(meant)


@pytest.mark.parametrize("typed, message", [
    ("", "Vul het bedrag in als getal, bijv. 12,50."),
    ("veel", "Vul het bedrag in als getal"), ("NaN", "Vul het bedrag in als getal"),
    ("Infinity", "Vul het bedrag in als getal"), ("-inf", "Vul het bedrag in als getal"),
    ("1e5", "Vul het bedrag in als getal"), ("1.234.56", "Vul het bedrag in als getal"),
    ("1,234.56", "Vul het bedrag in als getal"), ("--5", "Vul het bedrag in als getal"),
    ("12,345", "hoogstens 2 decimalen"), ("0,001", "hoogstens 2 decimalen"),
    ("100.000.000", "te groot (hoogstens 99.999.999,99)"),
])
def test_unclear_amounts_are_refused_with_a_message(app, typed, message):
    with app.test_request_context(), force_locale("nl"), pytest.raises(DomainError) as refused:
        parse_amount(typed)
    assert message in refused.value.message


def test_numbers_pass_but_not_nan_or_too_many_places():
    assert parse_amount(Decimal("12.5")) == Decimal("12.50")
    for value in (Decimal("NaN"), Decimal("Infinity"), Decimal("1.001")):
        with pytest.raises(DomainError):
            parse_amount(value)


@pytest.mark.parametrize("domain, locale, value, shown", [
    ("service_requests", "nl", "-1234.5", "SRD\N{NO-BREAK SPACE}-1.234,50"),
    ("service_requests", "en", "1234.5", "SRD1,234.50"),
    ("faults", "nl", "2.345", "€\N{NO-BREAK SPACE}2,35"),  # half up
    ("faults", "nl", "-0.004", "€\N{NO-BREAK SPACE}0,00"),  # never minus zero
    ("faults", "en", "4.5", "€4.50"),
])
def test_money_in_the_domains_currency_and_the_readers_locale(app, domain, locale, value,
                                                              shown):
    with app.app_context(), force_locale(locale):
        assert format_money(Decimal(value), domain) == shown
        assert format_money(None, domain) == ""


def test_defaults_per_domain_and_config_wins(app):
    assert (Config.SERVICE_REQUESTS_CURRENCY, Config.SERVICE_REQUESTS_TIMEZONE) == (
        "SRD", "America/Paramaribo")
    assert (Config.FAULTS_CURRENCY, Config.FAULTS_TIMEZONE) == ("EUR", "Europe/Amsterdam")
    with app.app_context():
        assert str(timezone("service_requests")) == "America/Paramaribo"
        old = app.config["FAULTS_CURRENCY"]
        app.config["FAULTS_CURRENCY"] = "USD"
        try:
            assert currency("faults") == "USD"
            with force_locale("nl"):
                assert format_money(Decimal("5"), "faults") == "US$\N{NO-BREAK SPACE}5,00"
        finally:
            app.config["FAULTS_CURRENCY"] = old


def test_plain_amounts_for_inputs():
    assert format_amount(Decimal("1234.5"), locale="nl") == "1.234,50"
    assert format_amount(Decimal("1234.5"), locale="en") == "1,234.50"
    assert format_amount(4.25, places=1, locale="nl") == "4,3"


class _PayForm(Form):
    amount = AmountField("Bedrag")


def test_the_amount_field_is_a_decimal_keyboard_text_input(app):
    with app.test_request_context(), force_locale("nl"):
        form = _PayForm()
        html = str(form.amount())
        assert 'inputmode="decimal"' in html and 'type="text"' in html
        assert 'type="number"' not in html
        form = _PayForm(data={"amount": Decimal("1234.5")})
        assert 'value="1.234,50"' in str(form.amount())

        class Sent(dict):
            def getlist(self, key):
                return [self[key]] if key in self else []

        form = _PayForm(formdata=Sent(amount="1.258,17"))
        assert form.validate() and form.amount.data == Decimal("1258.17")
        form = _PayForm(formdata=Sent(amount="NaN"))
        assert not form.validate()
        assert "Vul het bedrag in als getal" in form.amount.errors[0]
        assert 'value="NaN"' in str(form.amount())  # what was typed stays to correct
