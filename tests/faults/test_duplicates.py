"""Duplicates: a device with an open report says so on the scan page; "ik heb dit ook"
adds the colleague to that report (updates by mail) instead of a second order."""
from sqlalchemy import func, select

from app.extensions import db
from app.faults.models import FaultReport, ReportFollower, WorkOrder
from app.mail.models import OutboxMessage
from tests.helpers import complete, make_order, page, submit


def _subjects(app, to):
    with app.app_context():
        return [m.subject for m in db.session.scalars(select(OutboxMessage)
                                                       .order_by(OutboxMessage.id))
                if to in m.recipients]


def test_i_have_this_too_follows_the_open_report_and_gets_its_updates(app, client, place):
    links = make_order(app, place)
    code = place["codes"][0]
    view = page(client.get(f"/q/{code}"))
    assert "Voor dit apparaat loopt al een melding" in view and "KH-A-000001" in view
    assert "Ik heb dit ook" in view
    response = submit(client, f"/q/{code}", {"first_name": "Els", "last_name": "Collega",
                                             "email": "els@example.org"},
                      post_url=f"/q/{code}/same")
    assert response.status_code == 302
    view = page(client.get(response.headers["Location"]))
    assert "U krijgt de updates van melding KH-A-000001" in view
    # the same colleague twice stays one follower; no second report or order
    submit(client, f"/q/{code}", {"first_name": "Els", "last_name": "Collega",
                                  "email": "ELS@example.org"}, post_url=f"/q/{code}/same")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReportFollower)) == 1
        assert db.session.scalar(select(func.count()).select_from(FaultReport)) == 1
    assert _subjects(app, "els@example.org") == ["U volgt melding KH-A-000001"]
    # the report's updates reach the follower too
    submit(app.test_client(), links["wo"], {"action": "accept"})
    assert _subjects(app, "els@example.org")[-1] == "Uw melding KH-A-000001 is opgepakt"


def test_a_bad_address_is_refused_and_a_completed_report_is_not_offered(app, client, place):
    links = make_order(app, place)
    code = place["codes"][0]
    response = submit(client, f"/q/{code}", {"first_name": "Els", "last_name": "C",
                                             "email": "geen"}, post_url=f"/q/{code}/same")
    assert response.status_code == 400 and "Vul een geldig e-mailadres in." in page(response)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        order.status = "accepted"
        complete(order)
        db.session.commit()
    assert "Voor dit apparaat loopt al een melding" not in page(client.get(f"/q/{code}"))
