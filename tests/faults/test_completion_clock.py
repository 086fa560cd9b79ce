"""A work order's completion clock: due a number of days after it was made, per its
report's priority (FAULTS_TARGETS complete_days); the "Te laat (niet op tijd afgerond)"
button lists the open orders past it, and the list shows a red badge on them."""
from datetime import timedelta

from app import audit
from app.database import utcnow
from app.extensions import db
from app.faults import workflow
from app.faults.models import FaultReport, WorkOrder
from tests.helpers import make_order, page

LATE_LIST = "/faultworkorders/workorderlateview/list/"


def _set(app, order_id, **values):
    with app.app_context(), audit.acting_as("system", "test"):
        order = db.session.get(WorkOrder, order_id)
        for name, value in values.items():
            setattr(order, name, value)
        db.session.commit()


def test_a_new_order_is_due_after_its_prioritys_target(app, place):
    normal = make_order(app, place, photo=False)
    with app.app_context(), audit.acting_as("system", "test"):
        report = db.session.get(FaultReport, normal["report_id"])
        urgent = workflow.create_report(
            device=report.device, location=report.location, description="Lift staat stil",
            first_name="Uma", last_name="Urgent", email="uma@example.org", priority="urgent")
        db.session.commit()
        targets = app.config["FAULTS_TARGETS"]
        for order, priority in ((db.session.get(WorkOrder, normal["order_id"]), "normal"),
                                (urgent.work_order, "urgent")):
            wanted = timedelta(days=targets[priority]["complete_days"])
            assert abs(order.complete_due_at - order.created_at - wanted) < timedelta(seconds=5)
        assert targets["urgent"]["complete_days"] < targets["normal"]["complete_days"]


def test_the_late_button_lists_open_orders_past_their_target_with_a_badge(app, place,
                                                                         client_for):
    rows = {name: make_order(app, place, description=name, photo=False)
            for name in ("late_new", "late_parts", "on_time", "done_late")}
    past = utcnow() - timedelta(hours=1)
    _set(app, rows["late_new"]["order_id"], complete_due_at=past)
    _set(app, rows["late_parts"]["order_id"], complete_due_at=past, status="parts_on_order",
         accepted_at=utcnow(), parts_ordered_at=utcnow())
    _set(app, rows["done_late"]["order_id"], complete_due_at=past, status="completed",
         accepted_at=utcnow(), completed_at=utcnow())
    with app.app_context():
        number = {name: db.session.get(WorkOrder, ids["order_id"]).number
                  for name, ids in rows.items()}
    viewer = client_for("FaultViewer")
    everything = page(viewer.get("/workorderview/list/"))
    assert f'href="{LATE_LIST}"' in everything  # the button
    assert "Afronden vóór" in everything  # the column
    assert everything.count('badge-late">Te laat</span>') == 2
    late = page(viewer.get(LATE_LIST))
    assert "Te late opdrachten (niet op tijd afgerond)" in late
    assert {name for name in rows if number[name] in late} == {"late_new", "late_parts"}
