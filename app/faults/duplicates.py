"""Five colleagues, one broken coffee machine: when a device already has an open report
the scan page says so, and "ik heb dit ook" adds the colleague to that report (they get
its updates) instead of making a second order."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from .. import audit
from ..extensions import db
from . import rules
from .models import FaultReport, ReportFollower, WorkOrder, WorkOrderStatus
from .rules import queue_mail, text


def open_report_for(device):
    """The device's newest report whose order is not completed, or None."""
    if device is None:
        return None
    return db.session.scalars(
        select(FaultReport).join(WorkOrder, (WorkOrder.report_id == FaultReport.id)
                                 & WorkOrder.is_current)
        .where(FaultReport.device_id == device.id,
               WorkOrder.status != WorkOrderStatus.COMPLETED)
        .order_by(FaultReport.id.desc()).limit(1)).first()


def follow(report, *, first_name, last_name, email, phone=""):
    """"Ik heb dit ook": the reporter follows `report` (once per address) and is mailed
    that they will get its updates."""
    address = rules.email(email)
    known = {report.reporter_email.lower(), *(f.email.lower() for f in report.followers)}
    if address.lower() in known:
        return None
    follower = ReportFollower(
        report=report, email=address,
        first_name=text(first_name, gettext("First name"), limit=100),
        last_name=text(last_name, gettext("Last name"), limit=100),
        phone=text(phone, gettext("Phone"), required=False, limit=50) or None)
    db.session.add(follower)
    db.session.flush()
    audit.record(report, "follower_added", note=f"{follower.first_name} {follower.last_name}")
    order = report.work_order
    queue_mail("follower_added", address, _("You are following report %(number)s", number=report.number),
               context={"report": report, "order": order, "follower": follower},
               subject_record=("WorkOrder", order.id) if order else None)
    return follower
