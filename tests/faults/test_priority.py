"""Priority per report: the reporter chooses (with a hint), or the device type decides."""
from sqlalchemy import select

from app.extensions import db
from app.faults.models import Device, FaultReport
from tests.helpers import make_order, page, submit

REPORT = {"description": "Deur gaat niet open", "first_name": "Douwe", "last_name": "Demo",
          "email": "douwe@example.org"}


def _newest(app):
    with app.app_context():
        return db.session.scalars(select(FaultReport).order_by(FaultReport.id.desc())).first()


def test_the_reporter_chooses_urgent_with_a_hint(app, client, place):
    make_order(app, place)
    code = place["codes"][0]
    form = page(client.get(f"/q/{code}"))
    assert 'name="priority" value="urgent"' in form and "Kies spoed alleen bij gevaar" in form
    submit(client, f"/q/{code}", {**REPORT, "priority": "urgent"})
    assert _newest(app).priority == "urgent"
    submit(client, f"/q/{code}", {**REPORT, "priority": "bogus"})
    assert _newest(app).priority == "normal"


def test_a_device_type_configured_as_urgent_makes_the_report_urgent(app, client, place):
    make_order(app, place)
    with app.app_context():
        db.session.scalars(select(Device)).one().device_type = "Lift"
        db.session.commit()
    submit(client, f"/q/{place['codes'][0]}", REPORT)  # no choice sent
    assert _newest(app).priority == "urgent"
