"""Fault reports (KlusHeeren): locations, contractors, devices with QR stickers,
reports, work orders, ratings and complaints."""
from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    and_,
    func,
    text,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import foreign, relationship

from ..audit import Audited
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..money import format_amount

# Timestamps are in the audit entry itself.
TIMESTAMP_COLUMNS = ("created_at", "updated_at")


class WorkOrderStatus:
    NEW = "new"
    ACCEPTED = "accepted"
    PARTS_ON_ORDER = "parts_on_order"
    COMPLETED = "completed"
    DECLINED = "declined"  # "niet voor ons": back in the facility manager's queue
    ALL = (NEW, ACCEPTED, PARTS_ON_ORDER, COMPLETED, DECLINED)


class Priority:
    URGENT = "urgent"
    NORMAL = "normal"
    ALL = (URGENT, NORMAL)


class ComplaintStatus:
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    ALL = (OPEN, ANSWERED, CLOSED)
    LABELS = {OPEN: _("Open"), ANSWERED: _("Answered"), CLOSED: _("Closed")}


class Contractor(Audited, TimestampMixin, Model):
    __tablename__ = "fault_contractor"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    email = Column(String(255), nullable=False)
    phone = Column(String(50))
    contact_person = Column(String(200))
    # Invoices above this (excl. VAT) need the facility manager's approval before AFMELDEN.
    cost_approval_limit = Column(Numeric(12, 2))

    def __repr__(self):
        return self.name

    @property
    def rating_summary(self):
        """'4,0 / 3,5 / 4,5 (2×)': speed / communication / quality over this contractor's
        ratings, with a Dutch decimal comma."""
        ratings = [o.rating for o in self.work_orders if o.rating]
        if not ratings:
            return "—"
        avg = {k: sum(getattr(r, k) for r in ratings) / len(ratings)
               for k in ("speed", "communication", "quality")}
        return (f"{format_amount(avg['speed'], 1)} / {format_amount(avg['communication'], 1)} / "
                f"{format_amount(avg['quality'], 1)} ({len(ratings)}×)")


class Location(Audited, TimestampMixin, Model):
    __tablename__ = "fault_location"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    street = Column(String(200), nullable=False)  # street + house number
    postcode = Column(String(20), nullable=False)
    city = Column(String(100), nullable=False)
    contact_name = Column(String(200))
    contact_phone = Column(String(50))
    contact_email = Column(String(255))
    default_contractor_id = Column(Integer, ForeignKey("fault_contractor.id"))
    default_contractor = relationship("Contractor")

    def __repr__(self):
        return self.name


class StickerCode(Audited, Model):
    """A printed QR sticker. Random code; a device claims it when registered."""

    __tablename__ = "fault_sticker_code"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    batch = Column(String(32), nullable=False, index=True)
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)
    device = relationship("Device", back_populates="sticker", uselist=False)

    def __repr__(self):
        return self.code

    @property
    def in_use(self):
        return self.device is not None


class Device(Audited, TimestampMixin, Model):
    __tablename__ = "fault_device"

    id = Column(Integer, primary_key=True)
    sticker_id = Column(Integer, ForeignKey("fault_sticker_code.id"), unique=True)
    sticker = relationship("StickerCode", back_populates="device")
    location_id = Column(Integer, ForeignKey("fault_location.id"), nullable=False, index=True)
    location = relationship("Location")
    placement = Column(String(300), nullable=False)
    device_type = Column(String(200), nullable=False)
    photo_id = Column(Integer, ForeignKey("stored_file.id"))
    photo = relationship("StoredFile")
    serial_number = Column(String(100))
    contractor_id = Column(Integer, ForeignKey("fault_contractor.id"), nullable=False, index=True)
    contractor = relationship("Contractor")
    registered_by_id = Column(Integer, ForeignKey("ab_user.id"))
    registered_by = relationship("User")
    registered_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def __repr__(self):
        return f"{self.device_type} — {self.placement}"

    @property
    def code(self):
        return self.sticker.code if self.sticker else ""

    qr_preview = code


class FaultReport(Audited, TimestampMixin, Model):
    """A report (aanvraag), KH-A-000001. Without a device when reported via /report."""

    __tablename__ = "fault_report"
    __audit_exclude__ = TIMESTAMP_COLUMNS

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    device_id = Column(Integer, ForeignKey("fault_device.id"), index=True)
    device = relationship("Device", backref="reports")
    location_id = Column(Integer, ForeignKey("fault_location.id"), nullable=False, index=True)
    location = relationship("Location")
    placement = Column(String(300))
    description = Column(Text, nullable=False)
    photo_id = Column(Integer, ForeignKey("stored_file.id"))
    photo = relationship("StoredFile")
    reporter_first_name = Column(String(100), nullable=False)
    reporter_last_name = Column(String(100), nullable=False)
    reporter_email = Column(String(255), nullable=False)
    reporter_phone = Column(String(50))
    priority = Column(String(10), nullable=False, default=Priority.NORMAL,
                      server_default=Priority.NORMAL)
    # Every order made for this report (a reopened order gets a new one) ...
    work_orders = relationship("WorkOrder", back_populates="report", order_by="WorkOrder.id")
    # ... and the current one, the order the report's pages show.
    work_order = relationship(
        "WorkOrder", uselist=False, viewonly=True,
        primaryjoin=lambda: and_(FaultReport.id == foreign(WorkOrder.report_id),
                                 WorkOrder.is_current == true()))

    def __repr__(self):
        return self.number

    @property
    def reporter_name(self):
        return f"{self.reporter_first_name} {self.reporter_last_name}".strip()

    @property
    def device_label(self):
        return self.device.device_type if self.device else ""

    @property
    def order_status(self):
        return self.work_order.status if self.work_order else None

    @property
    def where(self):
        return self.placement or (self.device.placement if self.device else "")


class EvidenceKind:
    REPORT_PHOTO = "report_photo"  # more photos of the reporter
    AFTER_PHOTO = "after_photo"    # the contractor's photos of the finished work
    WORK_REPORT = "work_report"
    INVOICE = "invoice"
    ALL = (REPORT_PHOTO, AFTER_PHOTO, WORK_REPORT, INVOICE)


class Evidence(Audited, Model):
    """A file of a report or its order: extra photos, after-photos, work report, invoice."""

    __tablename__ = "fault_evidence"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("fault_report.id"), nullable=False, index=True)
    report = relationship("FaultReport", backref="evidence")
    work_order_id = Column(Integer, ForeignKey("fault_work_order.id"), index=True)
    work_order = relationship("WorkOrder", backref="evidence")
    kind = Column(String(20), nullable=False)
    file_id = Column(Integer, ForeignKey("stored_file.id"), nullable=False)
    file = relationship("StoredFile")
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def audit_subject(self):
        return ("WorkOrder", self.work_order_id) if self.work_order_id else (
            "FaultReport", self.report_id)

    def __repr__(self):
        return f"{self.kind}: {self.file.original_name if self.file else ''}"


class ReportFollower(Audited, Model):
    """Someone else with the same fault ("ik heb dit ook"): gets the report's updates."""

    __tablename__ = "fault_report_follower"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("fault_report.id"), nullable=False, index=True)
    report = relationship("FaultReport", backref="followers")
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    email = Column(String(255), nullable=False)
    phone = Column(String(50))
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def audit_subject(self):
        return "FaultReport", self.report_id

    def __repr__(self):
        return f"{self.first_name} {self.last_name}"


class WorkOrder(Audited, TimestampMixin, Model):
    """The order (opdracht) a contractor handles on /wo/<token>, KH-OC-000001."""

    __tablename__ = "fault_work_order"
    __audit_exclude__ = TIMESTAMP_COLUMNS + ("version",)
    __table_args__ = (
        # one current order per report; earlier (reopened) orders stay as history
        Index("uq_fault_work_order_current_report", "report_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        Index("ix_fault_work_order_location_id", "location_id", "id"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    report_id = Column(Integer, ForeignKey("fault_report.id"), nullable=False, index=True)
    report = relationship("FaultReport", back_populates="work_orders")
    # The report's location, kept on the order for the lists' location column and filter.
    location_id = Column(Integer, ForeignKey("fault_location.id"))
    location = relationship("Location")
    is_current = Column(Boolean, nullable=False, default=True, server_default=true())
    reopened_from_id = Column(Integer, ForeignKey("fault_work_order.id"))
    reopened_from = relationship("WorkOrder", remote_side="WorkOrder.id",
                                 foreign_keys=[reopened_from_id])
    contractor_id = Column(Integer, ForeignKey("fault_contractor.id"), nullable=False, index=True)
    contractor = relationship("Contractor", backref="work_orders")
    status = Column(String(20), nullable=False, default=WorkOrderStatus.NEW, index=True)
    appointment_date = Column(Date)
    appointment_time = Column(Time)
    contractor_remarks = Column(Text)
    invoice_total = Column(Numeric(12, 2))  # excl. VAT
    warranty = Column(Boolean)
    contractor_reference = Column(String(100))
    internal_note = Column(Text)
    contractor_note = Column(Text)  # "Info contractpartner"
    accepted_at = Column(UTCDateTime())
    parts_ordered_at = Column(UTCDateTime())
    completed_at = Column(UTCDateTime())
    # When the order was given to another partner (None: the partner it was made for);
    # the escalation clock starts here, else at created_at (see sent_at).
    assigned_at = Column(UTCDateTime())
    declined_at = Column(UTCDateTime())
    decline_reason = Column(Text)
    # Escalation (jobs): when each step was done, so a step is never repeated.
    reminder_sent_at = Column(UTCDateTime())
    manager_alerted_at = Column(UTCDateTime())
    followup_sent_at = Column(UTCDateTime())
    # Feedback loop: "not solved", a low rating or a complaint asks for the office's attention.
    flagged_at = Column(UTCDateTime(), index=True)
    flag_reason = Column(String(300))
    # Cost approval: asked when an invoice above the partner's limit is saved; the
    # amount the facility manager approved (a higher invoice needs approval again).
    cost_approval_requested_at = Column(UTCDateTime())
    cost_approved_amount = Column(Numeric(12, 2))
    version = Column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return self.number

    @hybrid_property
    def sent_at(self):
        """When the current partner got the order: the escalation clock's start."""
        return self.assigned_at or self.created_at

    @sent_at.expression
    def sent_at(cls):
        return func.coalesce(cls.assigned_at, cls.created_at)

    @property
    def is_locked(self):
        return self.status == WorkOrderStatus.COMPLETED

    @property
    def rating(self):
        return self.ratings[0] if self.ratings else None


class Rating(Audited, Model):
    """The reporter's score after completion; one per work order."""

    __tablename__ = "fault_rating"

    id = Column(Integer, primary_key=True)
    work_order_id = Column(Integer, ForeignKey("fault_work_order.id"), nullable=False,
                           unique=True)
    work_order = relationship("WorkOrder", backref="ratings")
    speed = Column(Integer, nullable=False)
    communication = Column(Integer, nullable=False)
    quality = Column(Integer, nullable=False)
    solved = Column(Boolean, nullable=False)
    comment = Column(Text)
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def audit_subject(self):
        return "WorkOrder", self.work_order_id

    def __repr__(self):
        return f"{self.speed}/{self.communication}/{self.quality}"

    @property
    def average(self):
        return round((self.speed + self.communication + self.quality) / 3, 1)


class Complaint(Audited, TimestampMixin, Model):
    """A reporter's complaint; the contractor answers on /c/<token>."""

    __tablename__ = "fault_complaint"
    __audit_exclude__ = TIMESTAMP_COLUMNS

    id = Column(Integer, primary_key=True)
    work_order_id = Column(Integer, ForeignKey("fault_work_order.id"), nullable=False,
                           index=True)
    work_order = relationship("WorkOrder", backref="complaints")
    text = Column(Text, nullable=False)
    response = Column(Text)
    responder_name = Column(String(200))  # the partner that answered, as it was then
    responded_at = Column(UTCDateTime())
    status = Column(String(20), nullable=False, default=ComplaintStatus.OPEN, index=True)
    closed_at = Column(UTCDateTime())

    def audit_subject(self):
        return "WorkOrder", self.work_order_id

    def __repr__(self):
        return f"{self.work_order.number if self.work_order else ''} #{self.id}"


__all__ = ["Contractor", "Location", "StickerCode", "Device", "FaultReport", "WorkOrder",
           "Rating", "Complaint", "WorkOrderStatus", "ComplaintStatus", "Priority",
           "ReportFollower"]
