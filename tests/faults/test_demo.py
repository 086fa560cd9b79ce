"""`flask demo load` fills this domain so every screen shows real rows; twice adds nothing."""
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.faults import demo, tokens
from app.faults.models import (
    Complaint,
    Contractor,
    Device,
    FaultReport,
    Location,
    Rating,
    StickerCode,
    WorkOrder,
)
from tests.helpers import page

MODELS = (Location, Contractor, Device, StickerCode, FaultReport, WorkOrder, Rating, Complaint)


def _counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_demo_load_is_idempotent_and_fills_every_screen(app, viewer_client):
    with app.app_context(), audit.acting_as("system", "demo loader"):
        demo.load()
        db.session.commit()
        first = _counts()
        demo.load()
        db.session.commit()
        assert _counts() == first
        assert all(first.values()), first
        statuses = set(db.session.scalars(select(WorkOrder.status)))
        assert statuses == {"new", "accepted", "parts_on_order", "completed"}
        assert set(db.session.scalars(select(Complaint.status))) == {"open", "answered", "closed"}
        order = db.session.scalars(select(WorkOrder).where(WorkOrder.status == "accepted")).first()
        wo_link = "/wo/" + tokens.token_for(order)
    for url, expected in [
        ("/locationview/list/", "Laan van Kronenburg 14"),
        ("/contractorview/list/", "Demo Contractpartner 1"),
        ("/deviceview/list/", "Op de koelkast in kantoor 2.21"),
        ("/stickercodeview/list/", "Ja"),
        ("/faultreportview/list/", "KH-A-000001"),
        ("/workorderview/list/", "KH-OC-000001"),
        ("/faultworkorders/workordernewview/list/", "KH-OC-000001"),
        ("/faultworkorders/workorderacceptedview/list/", "KH-OC-000002"),
        ("/faultworkorders/workorderpartsview/list/", "KH-OC-000003"),
        ("/faultworkorders/workordercompletedview/list/", "KH-OC-000004"),
        ("/faultworkorders/workorderoverdueview/list/", "KH-OC-000006"),
        ("/ratingview/list/", "KH-OC-000004"),
        ("/faultcomplaints/open/list/", "Er is niemand langsgekomen"),
        ("/faultcomplaints/answered/list/", "de monteur was ziek"),
        ("/faultcomplaints/closed/list/", "de monteur was ziek"),
    ]:
        assert expected in page(viewer_client.get(url)), url
    assert "Testticket" in page(app.test_client().get(wo_link))
