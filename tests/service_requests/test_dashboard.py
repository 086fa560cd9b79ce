"""The registry office's dashboard is the start page: its figures count what the lists
show, and each bar links to the filtered list behind it."""
import json
import re
from datetime import timedelta
from decimal import Decimal

from app import audit
from app.database import utcnow
from app.extensions import db
from app.service_requests.models import Payment, ServiceRequest
from tests.helpers import make_request


def _figures(html):
    """{title: chart data} of the charts on a page."""
    charts = re.findall(r'<h3 id="([^"]+)-title" class="panel-title">([^<]+)</h3>.*?'
                        r'<script type="application/json" id="\1-data">(.*?)</script>', html, re.S)
    return {title: json.loads(data) for _fid, title, data in charts}


def test_start_page_shows_the_dashboard_with_links_to_the_lists(app, products, client_for):
    make_request(app, name="Een")
    make_request(app, name="Twee", status="assigned", writer="writer")
    make_request(app, "KAD-UIT", name="Drie", status="assigned", writer="writer")
    client = client_for("Viewer")
    figures = _figures(client.get("/").get_data(as_text=True))

    status = figures["Openstaande aanvragen per status"]
    counts = dict(zip(status["labels"], status["series"][0]["values"], strict=True))
    assert counts["Ingekomen"] == 1 and counts["Toegewezen"] == 2
    link = status["links"][status["labels"].index("Toegewezen")]
    listed = client.get(link).get_data(as_text=True)
    assert "Twee" in listed and "Drie" in listed and "Een" not in listed

    kinds = figures["Openstaande aanvragen per productsoort"]
    assert dict(zip(kinds["labels"], kinds["series"][0]["values"], strict=True))[
        "Hypothecair uittreksel"] == 2

    writers = figures["Openstaande aanvragen per uitschrijver"]
    assert writers["series"][0]["values"] == [2]


def test_turnaround_and_money_come_from_the_records(app, products, client_for):
    pk = make_request(app, name="Snel")
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        sr.received_at = utcnow() - timedelta(days=4)
        sr.handed_over_at = utcnow()
        sr.status = "delivered"
        db.session.add(Payment(service_request=sr, amount=Decimal("25.00"), method="cash"))
        db.session.commit()
    figures = _figures(client_for("Viewer").get("/").get_data(as_text=True))
    turnaround = figures["Doorlooptijd in dagen (afgegeven in de laatste 90 dagen)"]
    assert turnaround["series"][0]["values"] == [4.0]
    money = figures["Ontvangen geld per dag (laatste 30 dagen)"]
    assert sum(money["series"][0]["values"]) == 25.0
    weekly = figures["Ontvangen en afgegeven per week"]
    assert sum(weekly["series"][1]["values"]) == 1


def test_a_role_without_requests_sees_no_request_dashboard(app, client_for):
    html = client_for("FacilityManager").get("/").get_data(as_text=True)
    assert "Openstaande aanvragen per status" not in html
    assert client_for("FacilityManager").get("/dashboard/service-requests").status_code == 403
