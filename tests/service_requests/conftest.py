"""Fixtures for the service-request tests: products, requests made through the workflow."""
import socket
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller

from app import audit
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import Product, ServiceRequest, Urgency
from tests.conftest import SmtpServer

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


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """tests/conftest.py's server with a port picked beforehand: aiosmtpd's Controller
    with port=0 fails at start (it connects to the given port to see it is up)."""
    server = SmtpServer()
    server.controller = Controller(server.handler, hostname="127.0.0.1", port=_free_port())
    server.start()
    state = app.extensions["mail"]
    old = app.config["MAIL_SERVER"], app.config["MAIL_PORT"], state.server, state.port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    state.server, state.port = "127.0.0.1", server.port
    yield server
    server.stop()
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"], state.server, state.port = old
