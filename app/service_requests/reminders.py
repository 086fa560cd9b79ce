"""The morning reminder: each writer gets one mail listing their overdue requests (the
shared scheduled-jobs mechanism runs it; no second scheduler)."""
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext
from sqlalchemy import select

from ..extensions import db
from ..mail import queue_template
from .clock import overdue_clause
from .models import ServiceRequest

LISTED = 50  # per mail; the Overdue list has the rest


def remind_writers(now):
    """Queue one mail per writer with overdue requests; returns how many were queued."""
    writer_ids = db.session.scalars(
        select(ServiceRequest.assigned_to_id).where(overdue_clause(now),
                                                    ServiceRequest.assigned_to_id.is_not(None))
        .distinct()).all()
    sent = 0
    for writer in db.session.scalars(select(User).where(User.id.in_(writer_ids),
                                                        User.active.is_(True))):
        overdue = db.session.scalars(
            select(ServiceRequest).where(overdue_clause(now),
                                         ServiceRequest.assigned_to_id == writer.id)
            .order_by(ServiceRequest.due_at).limit(LISTED + 1)).all()
        queue_template("service_requests/mail/overdue_reminder", writer.email,
                       lazy_gettext("%(number)s request(s) past the due date",
                                    number=min(len(overdue), LISTED)),
                       context={"writer": writer, "requests": overdue[:LISTED],
                                "more": len(overdue) > LISTED})
        sent += 1
    return sent


def register_jobs(app):
    from .. import jobs

    jobs.register(app, "service_requests.overdue_reminder", remind_writers, at="07:00",
                  description="Mail each writer the requests past their due date")
