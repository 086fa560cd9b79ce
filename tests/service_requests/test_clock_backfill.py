"""Requests made before the clock existed get their due moment from the upgrade (or
`flask requests backfill-due`): received + the target in working days, in batches; one
that waits on the customer counts its pause from when the audit log says it began."""
from datetime import timedelta

from sqlalchemy import update

from app import audit
from app.audit.models import AuditEntry
from app.extensions import db
from app.service_requests.clock import add_working_days, target_days
from app.service_requests.models import ServiceRequest
from tests.helpers import make_request


def _as_before_the_clock(app, *pks):
    """What an upgraded database holds for old requests: no due moment, no wait start."""
    with app.app_context():
        db.session.execute(update(ServiceRequest).where(ServiceRequest.id.in_(pks))
                           .values(due_at=None, waiting_since=None))
        db.session.commit()


def test_the_backfill_gives_old_requests_their_due_date_in_batches(app, products):
    urgent = make_request(app, urgency="urgent", on_behalf_of="registrar", name="Oud Spoed")
    online = [make_request(app, name=f"Oud {n}", email=f"oud{n}@example.org") for n in range(4)]
    waiting = make_request(app, name="Oud Wacht", status="documents_needed")
    _as_before_the_clock(app, urgent, waiting, *online)
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, waiting)
        audit.record(sr, "transition", field="status", old="assigned", new="documents_needed")
        db.session.commit()
        began = db.session.query(AuditEntry.at).filter(
            AuditEntry.subject_id == str(waiting),
            AuditEntry.new_value == "documents_needed").scalar()

    result = app.test_cli_runner().invoke(args=["requests", "backfill-due", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "due dates set: 6" in result.output

    with app.app_context():
        for pk, urgency in [(urgent, "urgent"), *((pk, "online") for pk in online)]:
            sr = db.session.get(ServiceRequest, pk)
            assert sr.due_at == add_working_days(sr.received_at,
                                                 target_days(urgency, "mortgage_extract"))
        late = db.session.get(ServiceRequest, waiting)
        assert late.due_at is not None
        assert abs(late.waiting_since - began) < timedelta(seconds=1)
        assert late.clock_state[0] == "paused"
    again = app.test_cli_runner().invoke(args=["requests", "backfill-due"])
    assert "due dates set: 0" in again.output  # done once: a second run finds nothing
