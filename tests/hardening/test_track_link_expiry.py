"""Finding 7 (track links never expired) — a customer's link stops opening the request
TRACK_LINK_DAYS_AFTER_CLOSE days after it closed, with a clear page (410), not a 404."""
from datetime import timedelta

from app import audit
from app.database import utcnow
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import ServiceRequest
from tests.helpers import csrf_token, make_request, page


def _link(app, status, closed_days_ago=None):
    pk = make_request(app, status=status)
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        if closed_days_ago is not None:
            sr.handed_over_at = utcnow() - timedelta(days=closed_days_ago)
        token = workflow.issue_track_token(sr)
        db.session.commit()
    return f"/track/{token}"


def test_finding7_track_link_expires_after_the_request_closed(app, client, products):
    days = app.config["TRACK_LINK_DAYS_AFTER_CLOSE"]
    fresh = _link(app, "delivered", closed_days_ago=days - 1)
    stale = _link(app, "delivered", closed_days_ago=days + 1)
    still_open = _link(app, "documents_needed")
    assert client.get(fresh).status_code == 200
    assert client.get(still_open).status_code == 200
    response = client.get(stale)
    assert response.status_code == 410
    assert "verlopen" in page(response)  # "This link has expired"
    token = csrf_token(client, fresh)
    response = client.post(stale + "/error", data={"text": "Fout", "csrf_token": token})
    assert response.status_code == 410
    assert client.get("/track/" + "0" * 32).status_code == 404  # unknown stays unknown


def test_finding7_the_period_is_configurable(app, client, products):
    link = _link(app, "delivered", closed_days_ago=3)
    old = app.config["TRACK_LINK_DAYS_AFTER_CLOSE"]
    app.config["TRACK_LINK_DAYS_AFTER_CLOSE"] = 2
    try:
        assert client.get(link).status_code == 410
    finally:
        app.config["TRACK_LINK_DAYS_AFTER_CLOSE"] = old
    assert client.get(link).status_code == 200
