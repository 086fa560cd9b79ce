"""The reporter's feedback on a work order: a rating once completed, complaints at any time,
the contractor's answer and the facility manager closing them."""
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..transitions import Transition
from . import tokens
from .loop import flag
from .models import Complaint, ComplaintStatus, Rating, WorkOrderStatus
from .rules import mail_reporter, public_url, queue_mail, text

C = ComplaintStatus
COMPLAINT_LABELS = C.LABELS
# A complaint's steps (app/transitions.py): the partner answers through the complaint's
# link (again, to add something) until the facility manager closes it in the back office.
COMPLAINT_TRANSITIONS = {
    "respond": Transition((C.OPEN, C.ANSWERED), C.ANSWERED),
    "close": Transition((C.OPEN, C.ANSWERED), C.CLOSED, "can_write"),
}


def _score(value, label):
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise DomainError(gettext("Please give 1 to 5 stars for %(what)s.", what=label))
    return score


def rating_open(order):
    """Whether the reporter's page offers the rating: once the work is completed
    (rate() still refuses a second rating)."""
    return order.status == WorkOrderStatus.COMPLETED


def can_respond(complaint):
    """Whether the contractor may (still) answer a complaint: until it is closed."""
    return COMPLAINT_TRANSITIONS["respond"].allows(complaint.status)


def rate(order, *, speed, communication, quality, solved, comment=""):
    """Feedback versturen: after completion, once."""
    if not rating_open(order):
        raise DomainError(gettext("You can rate the handling once the work is completed."))
    if order.rating is not None:
        raise DomainError(gettext("You have already rated this report. Thank you!"))
    if solved not in ("yes", "no"):
        raise DomainError(gettext("Please say whether the problem is solved."))
    rating = Rating(
        work_order=order,
        speed=_score(speed, gettext("speed")),
        communication=_score(communication, gettext("communication")),
        quality=_score(quality, gettext("quality")),
        solved=solved == "yes",
        comment=text(comment, gettext("Comment"), required=False) or None,
    )
    db.session.add(rating)
    db.session.flush()  # the unique key refuses a second rating sent at the same moment
    low = current_app.config.get("FAULTS_LOW_RATING", 3)
    if not rating.solved:
        flag(order, gettext("The reporter says the problem is not solved."), rating=rating)
    elif rating.average < low:
        flag(order, gettext("Low rating: %(score)s of 5.", score=rating.average),
             rating=rating)
    return rating


def complain(order, complaint_text):
    """A complaint, at any time after the report; mails the contractor a link
    to a page with the order and the complaint, where they answer."""
    complaint = Complaint(work_order=order, status=ComplaintStatus.OPEN,
                          text=text(complaint_text, gettext("Complaint")))
    tokens.issue(complaint)
    db.session.add(complaint)
    db.session.flush()
    mail_complaint(complaint)
    flag(order, gettext("New complaint from the reporter."), complaint=complaint)
    return complaint


def mail_complaint(complaint):
    """The complaint with the link to its page, to the order's current partner."""
    order = complaint.work_order
    return queue_mail(
        "complaint", order.contractor.email,
        _("Complaint about work order %(number)s", number=order.number),
        context={"order": order, "report": order.report, "complaint": complaint,
                 "link": public_url("/c/", complaint)},
        subject_record=("WorkOrder", order.id))


def respond(complaint, response):
    """The contractor's answer to a complaint; the reporter is told."""
    if not can_respond(complaint):
        raise DomainError(gettext("This complaint is closed."))
    complaint.response = text(response, gettext("Response"))
    complaint.responder_name = complaint.work_order.contractor.name
    complaint.responded_at = utcnow()
    complaint.status = COMPLAINT_TRANSITIONS["respond"].target
    report = complaint.work_order.report
    mail_reporter(report, "complaint_answered",
                  _("Reply to your complaint about report %(number)s", number=report.number),
                  complaint.work_order_id, complaint=complaint)
    return complaint


def close_complaint(complaint):
    """The facility manager closes a complaint (answered or not)."""
    step = COMPLAINT_TRANSITIONS["close"]
    if not step.allows(complaint.status):
        raise DomainError(gettext("This complaint is already closed."))
    complaint.status = step.target
    complaint.closed_at = utcnow()
    return complaint
