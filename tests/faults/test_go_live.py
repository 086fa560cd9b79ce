"""Go-live: the number series continue from the old system's numbers (the deck shows
KH-A-010816 and KH-OC-001488)."""
from app.extensions import db
from app.faults.models import FaultReport, WorkOrder
from tests.faults.conftest import make_order


def test_number_series_start_from_the_configured_numbers(app, place):
    old = app.config["FAULTS_REPORT_NUMBER_START"], app.config["FAULTS_ORDER_NUMBER_START"]
    app.config.update(FAULTS_REPORT_NUMBER_START=10816, FAULTS_ORDER_NUMBER_START=1488)
    try:
        first = make_order(app, place)
        second = make_order(app, place, description="Deur klemt")
    finally:
        app.config["FAULTS_REPORT_NUMBER_START"], app.config["FAULTS_ORDER_NUMBER_START"] = old
    with app.app_context():
        assert db.session.get(FaultReport, first["report_id"]).number == "KH-A-010816"
        assert db.session.get(WorkOrder, first["order_id"]).number == "KH-OC-001488"
        assert db.session.get(FaultReport, second["report_id"]).number == "KH-A-010817"
        assert db.session.get(WorkOrder, second["order_id"]).number == "KH-OC-001489"
