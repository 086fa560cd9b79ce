"""The facility company's dashboard: open work, speed per maintenance partner, the share
not accepted within 24 hours, complaints and cost, each linked to its list."""
import re
from datetime import timedelta
from decimal import Decimal

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

