"""Every range the dashboards read is an index range, not a table scan: at a million
requests a scan is seconds per figure."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.database import utcnow
from app.faults.models import FaultReport, Rating, WorkOrder
from app.service_requests.models import Payment, ServiceRequest
from tests.helpers import query_plan

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
