"""Each domain's lists read and show times in that domain's zone (<DOMAIN>_TIMEZONE), not
in the display zone of the shared screens: on the screen, in the date filter and in the
exports alike, so the day a list shows is the day its filter finds."""
import csv
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.faults.models import FaultReport
from app.service_requests.models import ServiceRequest
from tests.helpers import load, make_order, make_request, page

EQUAL = 0  # a date column's first filter in the search form


@pytest.fixture
def zones_apart(app, monkeypatch):
    """Three zones hours apart, so a late evening falls on three different dates."""
    monkeypatch.setitem(app.config, "DISPLAY_TIMEZONE", "Asia/Tokyo")
    monkeypatch.setitem(app.config, "FAULTS_TIMEZONE", "Europe/Amsterdam")
    monkeypatch.setitem(app.config, "SERVICE_REQUESTS_TIMEZONE", "America/Paramaribo")


def _xlsx_moments(response):
    """The spreadsheet's date-time cells as the wall-clock times Excel shows."""
    sheet = zipfile.ZipFile(io.BytesIO(response.get_data())).read(
        "xl/worksheets/sheet1.xml").decode()
    serials = [float(v) for v in re.findall(r"<v>(\d+\.\d+)</v>", sheet)]
    epoch = datetime(1899, 12, 30).timestamp()
    return {datetime.fromtimestamp(epoch + round(s * 86400)).strftime("%d-%m-%Y %H:%M")
            for s in serials}


def test_a_fault_report_at_23_30_local_is_shown_and_filtered_on_its_local_date(
        app, place, client_for, zones_apart):
    report_id = make_order(app, place)["report_id"]
    with app.app_context():  # 23:30 in Amsterdam, 07:30 the next day in Tokyo
        report = db.session.get(FaultReport, report_id)
        report.created_at = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
        db.session.commit()
        number = report.number
    manager = client_for("FacilityManager")

    listed = page(manager.get("/faultreportview/list/"))
    assert "30-11-2026 23:30" in listed and "01-12-2026 07:30" not in listed

    def found(typed):
        return number in page(manager.get("/faultreportview/list/",
                                          query_string={f"_flt_{EQUAL}_created_at": typed}))

    assert found("30-11-2026") and not found("01-12-2026")
    shown = page(manager.get(f"/faultreportview/show/{report_id}"))
    assert "30-11-2026 23:30" in shown
    rows = list(csv.reader(io.StringIO(
        manager.get("/faultreportview/export/csv").get_data(as_text=True)), delimiter=";"))
    assert any("30-11-2026 23:30" in row for row in rows)
    assert "30-11-2026 23:30" in _xlsx_moments(manager.get("/faultreportview/export/xlsx"))


def test_a_service_request_at_23_30_local_is_shown_and_filtered_on_its_local_date(
        app, products, client_for, zones_apart):
    pk = make_request(app)
    with app.app_context():  # 23:30 in Paramaribo, 11:30 the next day in Tokyo
        db.session.get(ServiceRequest, pk).received_at = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
        db.session.commit()
    order_no = load(app, pk).order_no
    viewer = client_for("Viewer")
    assert "30-11-2026 23:30" in page(viewer.get("/service-requests/list/"))
    for typed, expected in (("30-11-2026", True), ("01-12-2026", False)):
        listed = page(viewer.get("/service-requests/list/",
                                 query_string={f"_flt_{EQUAL}_received_at": typed}))
        assert (order_no in listed) is expected
    assert "30-11-2026 23:30" in _xlsx_moments(viewer.get("/service-requests/export/xlsx"))
