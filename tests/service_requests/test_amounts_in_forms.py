"""Amounts typed the way people here type them go through the request's forms and come
back as they meant them (stored exactly, shown in SRD); unclear or absurd ones are refused
with a message and change nothing."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.service_requests.models import Correction, Payment
from tests.helpers import make_request
from tests.service_requests.test_manual_walk import add_in_tab, step

SRD = "SRD\N{NO-BREAK SPACE}"

# typed in the form → stored (None: refused with the message)
CORRECTIONS = [
    ("4,50", Decimal("4.50"), "4,50"),
    ("-1,50", Decimal("-1.50"), "-1,50"),
    ("-15,00", Decimal("-15.00"), "-15,00"),
    ("1.500", Decimal("1500.00"), "1.500,00"),
    ("1.258,17", Decimal("1258.17"), "1.258,17"),
    ("4.50", Decimal("4.50"), "4,50"),
    ("SRD 12,50", Decimal("12.50"), "12,50"),
    ("1,234.56", None, "Vul het bedrag in als getal"),
    ("99999999999999999999999", None, "99.999.999,99"),
    ("4,555", None, "Gebruik hoogstens 2 decimalen."),
]


def stored_corrections(app, pk):
    with app.app_context():
        return db.session.scalars(select(Correction.amount_adjustment).where(
            Correction.request_id == pk)).all()


@pytest.mark.parametrize("typed,stored,shown", CORRECTIONS)
def test_a_correction_amount_round_trips_as_typed(app, products, client_for, typed, stored,
                                                  shown):
    pk = make_request(app, quantity=2, status="delivered", writer="writer")  # SRD 50,00
    page = add_in_tab(client_for("Finance"), "correctionview", pk,
                      {"amount_adjustment": typed, "reason": "Tabel"})
    if stored is None:
        assert stored_corrections(app, pk) == []
        assert shown in page, page[-2000:]
        assert f'value="{typed}"' in page  # what was typed stays in the field
        return
    assert stored_corrections(app, pk) == [stored]
    assert f"{SRD}{shown}" in page.split('id="CorrectionView"')[1]


def test_a_payment_of_one_thousand_five_hundred_typed_the_dutch_way(app, products, client_for):
    pk = make_request(app, quantity=60, status="delivered", writer="writer")  # SRD 1.500,00
    page = step(client_for("Finance"), pk, "pay", {"amount": "1.500", "method": "transfer"})
    with app.app_context():
        assert db.session.scalars(select(Payment.amount)).all() == [Decimal("1500.00")]
    assert f"{SRD}1.500,00" in page
