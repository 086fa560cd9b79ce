"""Helpers for the fault-report tests: a location with a contractor, stickers,
photos, and scraping links out of delivered mails."""
import io
import re

import pytest
from PIL import Image

from app.extensions import db
from app.faults import qr
from app.faults.models import Contractor, Location

CONTRACTOR_EMAIL = "monteur@contractpartner.example"
REPORTER_EMAIL = "douwe@example.org"


def jpeg(size=(64, 48), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def viewer_client(client_for):
    """The read-only role of this business (the service-request Viewer sees no faults)."""
    return client_for("FaultViewer")


@pytest.fixture
def place(app):
    """Demo locatie 1 with Demo Contractpartner 1 as default, and 3 unused stickers."""
    with app.app_context():
        contractor = Contractor(name="Demo Contractpartner 1", email=CONTRACTOR_EMAIL,
                                phone="020-1234567", contact_person="Jan")
        location = Location(name="Demo locatie 1", street="Laan van Kronenburg 14",
                            postcode="1183 AS", city="Amstelveen",
                            default_contractor=contractor)
        db.session.add_all([contractor, location])
        codes = [s.code for s in qr.create_batch(3)]
        db.session.commit()
        return {"contractor_id": contractor.id, "location_id": location.id, "codes": codes}


def link(message, path):
    """The first link to `path` (e.g. "/wo/") in a mail's text part."""
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"http://backoffice\.test(" + re.escape(path) + r"[A-Za-z0-9_\-]+)", body)
    assert match, f"no {path} link in mail:\n{body}"
    return match.group(1)


def page(response):
    return response.get_data(as_text=True)


def make_order(app, place, description="Lekkage onder de koffieautomaat", photo=True):
    """A report with a device and a photo, made through the workflow; returns ids and links."""
    from app import audit
    from app.faults import tokens, workflow
    from app.faults.models import StickerCode

    with app.app_context(), audit.acting_as("system", "test"):
        location = db.session.get(Location, place["location_id"])
        contractor = db.session.get(Contractor, place["contractor_id"])
        sticker = db.session.query(StickerCode).filter_by(code=place["codes"][0]).one()
        device = sticker.device or workflow.register_device(
            sticker, location=location, contractor=contractor, placement="Keuken 1e verdieping",
            device_type="Koffieautomaat", photo=(jpeg(), "device.jpg"))
        report = workflow.create_report(
            device=device, description=description, first_name="Douwe", last_name="Demo",
            email=REPORTER_EMAIL, phone="088-5550555",
            photo=(jpeg(), "storing.jpg") if photo else None)
        order = report.work_order
        result = {"report_id": report.id, "order_id": order.id,
                  "wo": "/wo/" + tokens.token_for(order), "r": "/r/" + tokens.token_for(report),
                  "photo_keys": [report.photo.key, device.photo.key] if photo else []}
        db.session.commit()
        return result


def complete(order):
    """AFMELDEN through the workflow, with the fields it requires (invoice, warranty)."""
    from decimal import Decimal

    from app.faults import workflow

    if order.invoice_total is None:
        order.invoice_total = Decimal("100.00")
    if order.warranty is None:
        order.warranty = False
    return workflow.transition(order, "complete")
