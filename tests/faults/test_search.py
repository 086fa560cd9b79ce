"""The search box finds a fault report by its number, its work order's number, location,
device and reporter; a role that may not open fault reports finds none."""
import re

from app.extensions import db
from app.faults.models import FaultReport

from .conftest import make_order


def _found(client, query):
    html = client.get("/search/", query_string={"q": query}).get_data(as_text=True)
    return re.findall(r'href="/faultreportview/show/\d+"><strong>([^<]+)</strong>', html)


def test_finds_a_report_by_number_location_device_and_reporter(app, place, client_for):
    ids = make_order(app, place, photo=False)
    with app.app_context():
        report = db.session.get(FaultReport, ids["report_id"])
        number, order_no = report.number, report.work_order.number
    client = client_for("FacilityManager")
    for query in [number, order_no, "demo locatie", "kronenburg", "amstelveen",
                  "koffieautomaat", "keuken", place["codes"][0], "douwe demo",
                  "douwe@example", "088-5550555"]:
        assert _found(client, query) == [number], query
    assert _found(client, "wasmachine") == []


def test_a_role_that_may_not_open_fault_reports_finds_none(app, place, client_for):
    make_order(app, place, photo=False)
    assert _found(client_for("FacilityManager"), "koffieautomaat")
    assert _found(client_for("RoleManager"), "koffieautomaat") == []
