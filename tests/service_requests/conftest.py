"""Fixtures for the service-request tests: products, requests made through the workflow."""
from decimal import Decimal

import pytest

from app import audit
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import Product, ServiceRequest, Urgency

REPLY = "aanvragen@example.org"


@pytest.fixture(autouse=True)
def reply_address(app):
    """A reply domain the outbox accepts (the default sender is @localhost)."""
    old = app.config.get("MAIL_REPLY_ADDRESS")
    app.config["MAIL_REPLY_ADDRESS"] = REPLY
    yield REPLY
    app.config["MAIL_REPLY_ADDRESS"] = old


PRODUCTS = [
    ("HYP-UIT", "Hypothecair uittreksel", "mortgage_extract", "25.00", False),
    ("KAD-UIT", "Kadastraal uittreksel", "cadastral_extract", "15.00", False),
    ("MEETBRIEF", "Meetbrief", "survey_map", "40.00", False),
    ("PRINT-A4", "Print A4", "print", "1.50", True),
]


@pytest.fixture
def products(app):
    with app.app_context():
        for code, name, kind, price, additional in PRODUCTS:
            db.session.add(Product(code=code, name=name, kind=kind, unit_price=Decimal(price),
                                   is_additional=additional))
        db.session.commit()
    return [p[0] for p in PRODUCTS]


def make_request(app, code="HYP-UIT", quantity=1, extra_pages=0, urgency=Urgency.ONLINE,
                 on_behalf_of=None, name="Anna Jansen", email="anna@example.org",
                 id_number="FB123456", status=None, writer=None, info="Perceel 12, Paramaribo"):
    """A request made the way the portal makes one; optionally pushed to a status directly
    (set-up only: the tests of each step go through the screens)."""
    with app.app_context(), audit.acting_as("system", "test set-up"):
        product = db.session.query(Product).filter_by(code=code).one()
        extra = []
        if extra_pages:
            extra.append((db.session.query(Product).filter_by(code="PRINT-A4").one(), extra_pages))
        sr = workflow.create_request(
            applicant_name=name, applicant_email=email, applicant_phone="+597 123456",
            id_number=id_number, urgency=urgency, on_behalf_of=on_behalf_of,
            products=[(product, quantity, info)], additional=extra)
        if writer:
            sr.assigned_to_id = app.appbuilder.sm.find_user(username=writer).id
        if status:
            sr.status = status
        db.session.commit()
        return sr.id


def load(app, pk):
    with app.app_context():
        sr = db.session.get(ServiceRequest, pk)
        db.session.expunge(sr)
        return sr


@pytest.fixture
def four(app, products):
    """A: urgent mortgage extract, new; B: normal cadastral extract, assigned to the writer;
    C: online survey map, handed over, the writer's; D: online mortgage extract, ready, admin's."""
    a = make_request(app, "HYP-UIT", urgency="urgent", on_behalf_of="registrar", name="Arie A",
                     email="arie@example.org", id_number="AA111")
    b = make_request(app, "KAD-UIT", urgency="normal", name="Bea B", email="bea@example.org",
                     id_number="BB222", status="assigned", writer="writer")
    c = make_request(app, "MEETBRIEF", name="Cor C", email="cor@example.org", id_number="CC333",
                     status="delivered", writer="writer")
    d = make_request(app, "HYP-UIT", name="Dina D", email="dina@example.org", id_number="DD444",
                     status="ready", writer="admin")
    return {k: load(app, pk).order_no for k, pk in zip("ABCD", (a, b, c, d), strict=False)} | {
        "ids": dict(zip("ABCD", (a, b, c, d), strict=False))}
