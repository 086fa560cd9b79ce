"""Every range the dashboards read is an index range, not a table scan: at a million
requests a scan is seconds per figure."""
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.database import utcnow
from app.extensions import db
from app.faults.models import FaultReport, Rating, WorkOrder
from app.service_requests.models import Payment, ServiceRequest
from tests.helpers import make_request, query_plan

SINCE = utcnow() - timedelta(days=90)
RANGES = [
    ("delivered per week, turnaround", ServiceRequest.handed_over_at, "ix_sr_request_handed_over"),
    ("received per week", ServiceRequest.received_at, "ix_sr_request_received"),
    ("money per day", Payment.paid_at, "ix_sr_payment_paid_at"),
    ("reports per location", FaultReport.created_at, "ix_fault_report_created"),
    ("speed per partner", WorkOrder.created_at, "ix_fault_work_order_created"),
    ("cost per location", WorkOrder.completed_at, "ix_fault_work_order_completed"),
    ("ratings", Rating.created_at, "ix_fault_rating_created_at"),
]


@pytest.mark.parametrize("figure, column, index", RANGES, ids=[r[0] for r in RANGES])
def test_each_dashboard_range_reads_an_index(app, figure, column, index):
    with app.app_context():
        plan = query_plan(select(func.count()).where(column >= SINCE))
    assert index in plan, f"{figure}: {plan}"


def test_the_open_work_figures_read_an_index_alone(app, products, admin_client):
    """Open requests per status, per writer and per product kind are counted from the
    open-work index without reading a request or sorting: grouped by writer only, the
    database walked the writer index through every request ever assigned (seconds at a
    million), which the ranges above never asked."""
    make_request(app, name="Anna Ankersmit")
    statements = []
    with app.app_context():
        engine = db.engine
    listen = lambda conn, cursor, statement, params, *rest: statements.append(  # noqa: E731
        (statement, params))
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert admin_client.get("/dashboard/service-requests").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    open_work = [(s, p) for s, p in statements
                 if "FROM sr_request" in s and "sr_request.status IN" in s]
    assert len(open_work) == 3, open_work  # per status, per kind, per writer
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        for statement, params in open_work:
            plan = query_plan(statement, params)
            if sqlite:  # from an index alone (no request read), in its order (no sort)
                assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan, (statement, plan)
            else:  # a few test rows: PostgreSQL may read them by bitmap, never all of them
                assert "Seq Scan" not in plan, (statement, plan)
