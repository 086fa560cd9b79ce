"""Priority per report: the reporter chooses (with a hint), or the device type decides."""
from sqlalchemy import select

from app.extensions import db
from app.faults.models import Device, FaultReport
from tests.helpers import csrf_token, make_order, page, submit

REPORT = {"description": "Deur gaat niet open", "first_name": "Douwe", "last_name": "Demo",
          "email": "douwe@example.org"}


def _newest(app):
    with app.app_context():
        return db.session.scalars(select(FaultReport).order_by(FaultReport.id.desc())).first()


def test_the_reporter_chooses_urgent_with_a_hint(app, client, place):
    make_order(app, place)
    code = place["codes"][0]
    form = page(client.get(f"/q/{code}"))
    assert 'name="priority" value="urgent"' in form and "Kies spoed alleen bij gevaar" in form
    submit(client, f"/q/{code}", {**REPORT, "priority": "urgent"})
    assert _newest(app).priority == "urgent"
    submit(client, f"/q/{code}", {**REPORT, "priority": "bogus"})
    assert _newest(app).priority == "normal"


def test_a_device_type_configured_as_urgent_makes_the_report_urgent(app, client, place):
    make_order(app, place)
    with app.app_context():
        db.session.scalars(select(Device)).one().device_type = "Lift"
        db.session.commit()
    submit(client, f"/q/{place['codes'][0]}", REPORT)  # no choice sent
    assert _newest(app).priority == "urgent"


def test_the_facility_manager_makes_a_report_urgent_and_the_reminders_follow(app, client_for,
                                                                            place):
    from datetime import timedelta

    from app import audit
    from app.faults.models import WorkOrder
    from tests.faults.test_escalation import run, subjects

    links = make_order(app, place)
    assert run(app, links, 5) == [("faults.escalation", "ok", 0)]  # normal: 24 hours
    manager = client_for("FacilityManager")
    show = f"/workorderview/show/{links['order_id']}"
    assert 'id="priority"' in page(manager.get(show))
    refused = submit(manager, show, {"priority": "urgent", "reason": ""},
                     post_url=f"/workorderview/priority/{links['order_id']}",
                     follow_redirects=True)
    assert "Vul in: Reden." in page(refused)
    assert _newest(app).priority == "normal"
    done = submit(manager, show, {"priority": "urgent", "reason": "Lekkage bij de serverruimte"},
                  post_url=f"/workorderview/priority/{links['order_id']}",
                  follow_redirects=True)
    assert "De prioriteit is gewijzigd" in page(done)
    assert _newest(app).priority == "urgent"
    assert subjects(app, "monteur@contractpartner.example")[-1] == (
        f"Prioriteit gewijzigd: opdracht {_number(app, links)} is nu spoed")
    with app.app_context():  # and complete within 2 days instead of 14
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.complete_due_at - order.created_at == timedelta(days=2)
    # urgent: 4 hours to accept, so the reminder is due now (5 hours after sending)
    assert run(app, links, 5) == [("faults.escalation", "ok", 1)]
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        notes = [e.new_value for e in db.session.scalars(audit.entries_for("WorkOrder",
                                                                           order.id))
                 if e.action == "priority_changed"]
    assert notes == ["Normaal → Spoed: Lekkage bij de serverruimte"]
    # back to normal on the report's page: no office alert at 8 hours (normal: 48)
    report_page = f"/faultreportview/show/{links['report_id']}"
    submit(manager, report_page, {"priority": "normal", "reason": "Toch niet dringend"},
           post_url=f"/faultreportview/priority/{links['report_id']}")
    assert _newest(app).priority == "normal"
    assert run(app, links, 9) == [("faults.escalation", "ok", 0)]


def test_a_viewer_cannot_change_the_priority(app, viewer_client, place):
    links = make_order(app, place)
    assert 'id="priority"' not in page(viewer_client.get(
        f"/faultreportview/show/{links['report_id']}"))
    response = viewer_client.post(f"/faultreportview/priority/{links['report_id']}",
                                  data={"priority": "urgent", "reason": "x",
                                        "csrf_token": csrf_token(viewer_client, "/report")})
    assert response.status_code == 403 or "/login/" in response.headers.get("Location", "")
    assert _newest(app).priority == "normal"


def _number(app, links):
    from app.faults.models import WorkOrder

    with app.app_context():
        return db.session.get(WorkOrder, links["order_id"]).number
