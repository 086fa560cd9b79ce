"""The facility company's dashboard: open work, speed per maintenance partner, the share
not accepted within 24 hours, complaints and cost, each linked to its list."""
import json
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app import audit
from app.database import utcnow
from app.extensions import db
from app.faults.models import WorkOrder
from tests.helpers import make_order


def test_dashboard_figures_and_links(app, place, client_for):
    first = make_order(app, place, photo=False)
    make_order(app, place, photo=False, description="Deur klemt")
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, first["order_id"])
        order.created_at = utcnow() - timedelta(hours=30)
        order.accepted_at = order.created_at + timedelta(hours=2)
        order.completed_at = order.created_at + timedelta(hours=10)
        order.status = "completed"
        order.invoice_total = Decimal("150.00")
        db.session.commit()
    client = client_for("FacilityManager")
    html = client.get("/").get_data(as_text=True)
    assert "Openstaande opdrachten" in html
    assert "Accepteren, mediaan" in html
    # One of two orders accepted late? No: 2 h. The other is new and young: 0 %.
    assert re.search(r'<a href="/faultworkorders/workorderoverdueview/list/">0%</a>', html)
    assert "150" in html  # cost per location
    speed = client.get("/dashboard/faults").get_data(as_text=True)
    assert '"values": [2.0]' in speed and '"values": [10.0]' in speed
    link = re.search(r'href="(/workorderview/list/\?_flt_0_contractor=\d+)"', speed).group(1)
    assert client.get(link).status_code == 200


def test_a_role_without_faults_sees_no_faults_dashboard(app, client_for):
    assert client_for("RoleManager").get("/dashboard/faults").status_code == 403



def _rated(app, place, contractor_id, scores, months_ago=0, description="Lamp kapot"):
    from app.faults import feedback, workflow
    from app.faults.models import Rating
    from tests.helpers import complete

    ids = make_order(app, place, photo=False, description=description)
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, ids["order_id"])
        order.contractor_id = contractor_id
        workflow.transition(order, "accept")
        complete(order)
        feedback.rate(order, speed=scores[0], communication=scores[1], quality=scores[2],
                      solved="yes", comment=description)
        db.session.flush()
        rating = db.session.scalars(
            select(Rating).where(Rating.work_order_id == order.id)).one()
        if months_ago:
            rating.created_at = utcnow() - timedelta(days=31 * months_ago)
        db.session.commit()
        return rating.id


def test_ratings_per_partner_as_a_trend_linking_to_their_ratings_of_the_month(app, place,
                                                                             client_for):
    from app.faults.models import Contractor

    with app.app_context():
        other = Contractor(name="Snelle Jelle BV", email="jelle@example.org")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    _rated(app, place, place["contractor_id"], (5, 5, 5), description="Nu perfect")
    _rated(app, place, place["contractor_id"], (2, 2, 2), months_ago=2,
           description="Toen matig")
    _rated(app, place, other_id, (4, 4, 4), description="Jelle deed het")
    client = client_for("FacilityManager")
    html = client.get("/dashboard/faults").get_data(as_text=True)
    charts = {title: json.loads(data) for _f, title, data in re.findall(
        r'<h3 id="([^"]+)-title" class="panel-title">([^<]+)</h3>.*?'
        r'<script type="application/json" id="\1-data">(.*?)</script>', html, re.S)}
    trend = charts["Beoordeling per onderhoudspartner per maand (1–5)"]
    assert len(trend["labels"]) == 12
    lines = {s["name"]: s["values"] for s in trend["series"]}
    assert lines["Demo Contractpartner 1"][-1] == 5.0  # this month
    assert lines["Demo Contractpartner 1"][-3] == 2.0 or lines["Demo Contractpartner 1"][-4] == 2.0
    assert lines["Snelle Jelle BV"][-1] == 4.0
    # this month's point of the first partner opens exactly their ratings of this month
    series = [s["name"] for s in trend["series"]].index("Demo Contractpartner 1")
    link = trend["cellLinks"][series][-1]
    listed = client.get(link).get_data(as_text=True)
    assert "5,0" in listed and "2,0" not in listed and "4,0" not in listed
