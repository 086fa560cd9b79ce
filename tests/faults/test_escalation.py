"""Escalation (a scheduled job in the worker): a reminder to the partner when an order is
not accepted in time, the office alerted after a second period, follow-ups for orders
stuck in accepted / parts on order; urgent reports have shorter targets. Also the
partner declining an order, and the appointment mailed to the reporter."""
from datetime import timedelta

from sqlalchemy import select

from app import jobs
from app.database import utcnow
from app.extensions import db
from app.faults import workflow
from app.faults.models import Contractor, FaultReport, WorkOrder
from app.mail.models import OutboxMessage
from tests.helpers import CONTRACTOR_EMAIL, REPORTER_EMAIL, make_order, page, submit

OFFICE = "info@klusheeren.nl"


def subjects(app, to):
    with app.app_context():
        return [m.subject for m in db.session.scalars(select(OutboxMessage)
                                                       .order_by(OutboxMessage.id))
                if to in m.recipients.split(", ") or to in (m.cc or "")]


def run(app, links, hours):
    """Run the escalation job as the worker would, `hours` after the order was sent."""
    with app.app_context():
        sent = db.session.get(WorkOrder, links["order_id"]).created_at
        return jobs.run_due(sent + timedelta(hours=hours), only="faults.escalation",
                            force=True)


def test_reminder_then_office_alert_each_once(app, place):
    links = make_order(app, place)
    assert run(app, links, 23) == [("faults.escalation", "ok", 0)]
    assert run(app, links, 25) == [("faults.escalation", "ok", 1)]
    assert subjects(app, CONTRACTOR_EMAIL)[-1] == (
        "Herinnering: opdracht KH-OC-000001 is nog niet geaccepteerd")
    assert run(app, links, 30) == [("faults.escalation", "ok", 0)]  # never twice
    assert run(app, links, 49) == [("faults.escalation", "ok", 1)]
    assert subjects(app, OFFICE) == [
        "Escalatie: opdracht KH-OC-000001 na 48 uur niet geaccepteerd"]
    manager_view = app.test_client()
    assert "Herinnering" not in page(manager_view.get(links["wo"]))  # the page is unchanged


def test_an_urgent_report_is_chased_within_hours(app, place):
    links = make_order(app, place)
    with app.app_context():
        db.session.get(FaultReport, links["report_id"]).priority = "urgent"
        db.session.commit()
    assert run(app, links, 5) == [("faults.escalation", "ok", 1)]
    assert run(app, links, 9) == [("faults.escalation", "ok", 1)]
    assert len(subjects(app, OFFICE)) == 1


def test_accepted_orders_are_followed_up_and_an_accepted_order_is_not_reminded(app, place):
    links = make_order(app, place)
    submit(app.test_client(), links["wo"], {"action": "accept"})
    assert run(app, links, 100) == [("faults.escalation", "ok", 0)]
    assert run(app, links, 8 * 24) == [("faults.escalation", "ok", 1)]
    assert subjects(app, CONTRACTOR_EMAIL)[-1] == (
        'Opvolging: opdracht KH-OC-000001 staat al 7 dagen op "Geaccepteerd"')
    assert subjects(app, OFFICE)[-1].startswith("Opvolging")  # copied to the office
    submit(app.test_client(), links["wo"], {"action": "parts_on_order"})
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        ordered = order.parts_ordered_at
        created = order.created_at
    hours = (ordered - created).total_seconds() / 3600
    assert run(app, links, hours + 13 * 24) == [("faults.escalation", "ok", 0)]
    assert run(app, links, hours + 15 * 24) == [("faults.escalation", "ok", 1)]
    assert "Onderdelen in bestelling" in subjects(app, CONTRACTOR_EMAIL)[-1]


def test_the_worker_runs_escalation_without_cron(app, place):
    make_order(app, place)
    with app.app_context():
        assert "faults.escalation" in jobs.registered()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--job", "faults.escalation",
                                                "--force"])
    assert "faults.escalation: ok (0)" in result.output


def test_decline_with_a_reason_goes_back_to_the_office_and_a_new_partner_gets_it(
        app, client_for, place):
    links = make_order(app, place)
    partner = app.test_client()
    response = submit(partner, links["wo"], {"action": "decline"})
    assert response.status_code == 400 and "Vul in: Reden." in page(response)
    response = submit(partner, links["wo"], {"action": "decline",
                                             "reason": "Geen koffiemachines"},
                      follow_redirects=True)
    view = page(response)
    assert "terug bij de facilitair manager" in view and "ACCEPTEREN" not in view
    assert subjects(app, OFFICE) == ["Opdracht KH-OC-000001 geweigerd door Demo Contractpartner 1"]
    manager = client_for("FacilityManager")
    assert "KH-OC-000001" in page(manager.get("/faultworkorders/workorderdeclinedview/list/"))
    with app.app_context():
        other = Contractor(name="Koffie BV", email="koffie@example.org")
        db.session.add(other)
        order = db.session.get(WorkOrder, links["order_id"])
        order.created_at = order.created_at - timedelta(hours=30)  # declined after a day
        db.session.commit()
        other_id = other.id
    submit(manager, f"/workorderview/edit/{links['order_id']}",
           {"contractor": str(other_id), "internal_note": ""})
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.status == "new" and order.contractor.name == "Koffie BV"
    assert subjects(app, "koffie@example.org") == ["Nieuwe opdracht KH-OC-000001 — Demo locatie 1"]
    assert app.test_client().get(links["wo"]).status_code == 404
    # the new partner's clock starts now: no reminder for the first partner's hours
    with app.app_context():
        assert jobs.run_due(utcnow() + timedelta(hours=1), only="faults.escalation",
                            force=True) == [("faults.escalation", "ok", 0)]


def test_appointment_date_and_time_are_mailed_to_the_reporter(app, place):
    links = make_order(app, place)
    partner = app.test_client()
    response = submit(partner, links["wo"], {"action": "save", "appointment_time": "09:30"})
    assert response.status_code == 400 and "afspraakdatum" in page(response)
    submit(partner, links["wo"], {"action": "save", "appointment_date": "2026-12-03",
                                  "appointment_time": "09:30"})
    assert subjects(app, REPORTER_EMAIL)[-1] == (
        "Afspraak voor uw melding KH-A-000001: 03-12-2026 09:30")
    before = len(subjects(app, REPORTER_EMAIL))
    submit(partner, links["wo"], {"action": "save", "appointment_date": "2026-12-03",
                                  "appointment_time": "09:30", "contractor_remarks": "x"})
    assert len(subjects(app, REPORTER_EMAIL)) == before  # unchanged appointment: no mail
    assert "03-12-2026 09:30" in page(app.test_client().get(links["r"]))
    with app.app_context():
        assert workflow.appointment_text(db.session.get(WorkOrder, links["order_id"])) == (
            "03-12-2026 09:30")
