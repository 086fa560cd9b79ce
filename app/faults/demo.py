"""Demo data for this domain (`flask demo load`): every screen shows real rows.

Idempotent: a second run finds the demo locations and adds nothing. The
caller commits and names the actor ("system").
"""
import io
from datetime import date, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw

from ..database import utcnow
from ..extensions import db
from . import qr, workflow
from .models import Contractor, Location

CONTRACTORS = [
    ("Demo Contractpartner 1", "demo-contractpartner1@example.org", "020-1234567", "Jan Jansen"),
    ("Demo Contractpartner 2", "demo-contractpartner2@example.org", "010-7654321", "Petra Smit"),
]
LOCATIONS = [
    ("Demo locatie 1", "Laan van Kronenburg 14", "1183 AS", "Amstelveen", 0),
    ("Demo locatie 2", "Stationsplein 1", "3511 ED", "Utrecht", 1),
]
DEVICES = [  # location, placement, type, serial, contractor
    (0, "Op de koelkast in kantoor 2.21", "Koelkast", "KF-2201-88", 0),
    (0, "Koffieautomaat bij de entree", "C5", "C5-000417", 0),
    (1, "Schuifdeur hoofdingang", "Automatische deur", "", 1),
]
REPORTS = [  # device index, description, final status, rating?, complaint status
    (0, "De koelkast koelt niet meer.", "new", False, "open"),
    (1, "Testticket", "accepted", False, "answered"),
    (2, "De deur blijft open staan.", "parts_on_order", False, None),
    (1, "Koffie is lauw.", "completed", True, None),
    (0, "Lampje in de koelkast kapot.", "completed", True, "closed"),
]
STEPS = {"new": [], "accepted": ["accept"], "parts_on_order": ["accept", "parts_on_order"],
         "completed": ["accept", "complete"]}


def _photo(label, color):
    """A small generated 'photo' so the photo fields show something."""
    image = Image.new("RGB", (480, 360), color)
    ImageDraw.Draw(image).text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue(), f"{label}.jpg"


def load():
    """Add the demo rows if the first demo location is not there yet."""
    if db.session.query(Location).filter_by(name=LOCATIONS[0][0]).first():
        return
    contractors = [Contractor(name=n, email=e, phone=p, contact_person=c)
                   for n, e, p, c in CONTRACTORS]
    locations = [Location(name=n, street=s, postcode=p, city=c, contact_name="Receptie",
                          contact_phone="088-5550555", default_contractor=contractors[i])
                 for n, s, p, c, i in LOCATIONS]
    db.session.add_all(contractors + locations)
    stickers = qr.create_batch(12)
    devices = [workflow.register_device(stickers[i], location=locations[loc], placement=pl,
                                        device_type=t, serial_number=sn,
                                        contractor=contractors[c],
                                        photo=_photo(t, (40 + 60 * i, 90, 140)))
               for i, (loc, pl, t, sn, c) in enumerate(DEVICES)]
    for n, (dev, description, status, rated, complained) in enumerate(REPORTS):
        report = workflow.create_report(
            device=devices[dev], description=description, first_name="Douwe", last_name="Demo",
            email=f"demo{n + 1}@example.org", phone="088-5550555",
            photo=_photo(description[:20], (160, 60, 40)) if n % 2 == 0 else None)
        order = report.work_order
        order.internal_note = "Sleutel bij de receptie."
        order.contractor_note = "Melden bij de receptie."
        for step in STEPS[status]:
            if step == "complete":
                workflow.save_fields(order, {
                    "appointment_date": date.today() - timedelta(days=2),
                    "contractor_remarks": "Onderdeel vervangen.",
                    "invoice_total": Decimal("258.17"), "warranty": n % 2 == 0,
                    "contractor_reference": f"F-3450{n}-1"})
            workflow.transition(order, step)
        if rated:
            workflow.rate(order, speed=4, communication=5 - n % 2, quality=4, solved="yes",
                          comment="Snel opgelost.")
        if complained:
            complaint = workflow.complain(order, "Er is niemand langsgekomen op de afspraak.")
            if complained in ("answered", "closed"):
                workflow.respond(complaint, "Excuses, de monteur was ziek; we zijn de dag "
                                            "erna geweest.")
            if complained == "closed":
                workflow.close_complaint(complaint)
    # One order that waits longer than 24 hours: the "overdue" list.
    late = workflow.create_report(device=devices[2], description="Deur piept.",
                                  first_name="Douwe", last_name="Demo",
                                  email="demo9@example.org")
    late.work_order.created_at = utcnow() - timedelta(hours=30)
    db.session.flush()
