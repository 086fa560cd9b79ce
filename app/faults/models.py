"""Fault reports (KlusHeeren): locations, contractors, devices with QR stickers,
reports, work orders, ratings and complaints."""
from types import SimpleNamespace

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
    event,
    func,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import foreign, relationship

from ..audit import Audited
from ..database import TimestampMixin, UTCDateTime, partial_index_condition, utcnow
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
    # Not completed: the completion clock runs (a declined order waits for another partner).
    RUNNING = (NEW, ACCEPTED, PARTS_ON_ORDER, DECLINED)
    LABELS = {NEW: _("New"), ACCEPTED: _("Accepted"), PARTS_ON_ORDER: _("Parts on order"),
              COMPLETED: _("Completed"), DECLINED: _("Declined by the maintenance partner")}


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
    # Sums over this contractor's ratings, kept current by the Rating listeners
    # below: the partners list shows averages without reading every work order.
    rating_count = Column(Integer, nullable=False, default=0, server_default="0")
    rating_speed_sum = Column(Integer, nullable=False, default=0, server_default="0")
    rating_communication_sum = Column(Integer, nullable=False, default=0, server_default="0")
    rating_quality_sum = Column(Integer, nullable=False, default=0, server_default="0")

    def __repr__(self):
        return self.name

    @property
    def rating_summary(self):
        """'4,0 / 3,5 / 4,5 (2×)': speed / communication / quality over this contractor's
        ratings, with a Dutch decimal comma."""
        count = self.rating_count or 0
        if not count:
            return "—"
        return (f"{format_amount(self.rating_speed_sum / count, 1)} / "
                f"{format_amount(self.rating_communication_sum / count, 1)} / "
                f"{format_amount(self.rating_quality_sum / count, 1)} ({count}×)")


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


class StickerBatch(Audited, Model):
    """Stickers generated and printed together: a name, and optionally the customer or
    location they are for. `code` is the batch's generated code, printed in file names."""

    __tablename__ = "fault_sticker_batch"
    __table_args__ = (
        Index("ix_fault_sticker_batch_name", "name", "id"),
        Index("ix_fault_sticker_batch_customer", "customer", "id"),
        Index("ix_fault_sticker_batch_location", "location_id", "id"),
        Index("ix_fault_sticker_batch_created", "created_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    customer = Column(String(200))
    location_id = Column(Integer, ForeignKey("fault_location.id"))
    location = relationship("Location")
    size = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def __repr__(self):
        return self.name


class StickerCode(Audited, Model):
    """A printed QR sticker. Random code; a device claims it when registered."""

    __tablename__ = "fault_sticker_code"
    __table_args__ = (Index("ix_fault_sticker_code_batch_id", "batch_id", "id"),
                      Index("ix_fault_sticker_code_created", "created_at", "id"))

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    batch = Column(String(32), nullable=False, index=True)  # the batch's code
    batch_id = Column(Integer, ForeignKey("fault_sticker_batch.id"))
    sticker_batch = relationship("StickerBatch")
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)
    device = relationship("Device", back_populates="sticker", uselist=False)

    def __repr__(self):
        return self.code

    @property
    def in_use(self):
        return self.device is not None


class Device(Audited, TimestampMixin, Model):
    __tablename__ = "fault_device"
    # The list's sorts, and the devices tab of a location and of a partner (newest first).
    __table_args__ = (
        Index("ix_fault_device_location", "location_id", "id"),
        Index("ix_fault_device_contractor", "contractor_id", "id"),
        Index("ix_fault_device_placement", "placement", "id"),
        Index("ix_fault_device_type", "device_type", "id"),
        Index("ix_fault_device_serial", "serial_number", "id"),
        Index("ix_fault_device_registered", "registered_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    sticker_id = Column(Integer, ForeignKey("fault_sticker_code.id"), unique=True)
    sticker = relationship("StickerCode", back_populates="device")
    location_id = Column(Integer, ForeignKey("fault_location.id"), nullable=False)
    location = relationship("Location")
    placement = Column(String(300), nullable=False)
    device_type = Column(String(200), nullable=False)
    photo_id = Column(Integer, ForeignKey("stored_file.id"))
    photo = relationship("StoredFile")
    serial_number = Column(String(100))
    contractor_id = Column(Integer, ForeignKey("fault_contractor.id"), nullable=False)
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
    __table_args__ = (
        Index("ix_fault_report_device", "device_id", "id"),
        Index("ix_fault_report_location", "location_id", "id"),
        Index("ix_fault_report_created", "created_at", "id"),
        Index("ix_fault_report_reporter", "reporter_last_name", "id"),
        Index("ix_fault_report_email", "reporter_email", "id"),
        Index("ix_fault_report_priority", "priority", "id"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    device_id = Column(Integer, ForeignKey("fault_device.id"))
    device = relationship("Device", backref="reports")
    location_id = Column(Integer, ForeignKey("fault_location.id"), nullable=False)
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


class KeptPhoto(Model):
    """A photo kept after a refused public form, so the reporter need not choose it again.
    Removed when the photo is attached to a report; a scheduled job deletes the photos
    never attached (kept_photos.py)."""

    __tablename__ = "fault_kept_photo"

    id = Column(Integer, primary_key=True)
    file_id = Column(Integer, ForeignKey("stored_file.id"), nullable=False, unique=True)
    file = relationship("StoredFile")
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False, index=True)


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
    __audit_exclude__ = TIMESTAMP_COLUMNS + ("version", "complete_due_at")
    __table_args__ = (
        # one current order per report; earlier (reopened) orders stay as history
        Index("uq_fault_work_order_current_report", "report_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        Index("ix_fault_work_order_location_id", "location_id", "id"),
        # each status button, the partner's tab and every sortable date (app/listing.py)
        Index("ix_fault_work_order_status", "status", "id"),
        Index("ix_fault_work_order_contractor", "contractor_id", "id"),
        # the partner's portal: its orders of one status, newest first (app/faults/portal.py)
        Index("ix_fault_work_order_partner_status", "contractor_id", "status", "created_at",
              "id"),
        # its recently finished orders, last activity first
        Index("ix_fault_work_order_partner_activity", "contractor_id", "status", "updated_at",
              "id"),
        Index("ix_fault_work_order_created", "created_at", "id"),
        Index("ix_fault_work_order_accepted", "accepted_at", "id"),
        Index("ix_fault_work_order_appointment", "appointment_date", "id"),
        Index("ix_fault_work_order_completed", "completed_at", "id"),
        Index("ix_fault_work_order_invoice_total", "invoice_total", "id"),
        # the Late list (open and past complete_due_at): one index range per open status
        Index("ix_fault_work_order_status_complete_due", "status", "complete_due_at", "id"),
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
    contractor_id = Column(Integer, ForeignKey("fault_contractor.id"), nullable=False)
    contractor = relationship("Contractor", backref="work_orders")
    status = Column(String(20), nullable=False, default=WorkOrderStatus.NEW)
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
    # The completion clock (clock.py): complete before this, per the report's priority.
    complete_due_at = Column(UTCDateTime())
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
    def complete_state(self):
        """(state, complete_due_at) for the list's badge: late, running or done — from
        stored columns only, no query."""
        if self.status not in WorkOrderStatus.RUNNING:
            return "done", self.complete_due_at
        if self.complete_due_at is not None and self.complete_due_at < utcnow():
            return "late", self.complete_due_at
        return "running", self.complete_due_at

    @property
    def is_locked(self):
        return self.status == WorkOrderStatus.COMPLETED

    @property
    def rating(self):
        return self.ratings[0] if self.ratings else None


def flagged_condition():
    """Marked "needs attention": the Flagged list, and its partial index's condition."""
    return partial_index_condition(WorkOrder.flagged_at.is_not(None))


# The Flagged list newest first: a walk of the flagged orders only (often none among
# 300,000; the database walked every order backwards by id looking for them).
Index("ix_fault_work_order_flagged", WorkOrder.id, WorkOrder.flagged_at,
      sqlite_where=flagged_condition(), postgresql_where=flagged_condition())


class Rating(Audited, Model):
    """The reporter's score after completion; one per work order."""

    __tablename__ = "fault_rating"
    __table_args__ = tuple(Index(f"ix_fault_rating_{col}", col, "id") for col in (
        "created_at", "speed", "communication", "quality", "solved")) + (
        Index("ix_fault_rating_contractor", "contractor_id", "created_at", "id"),)

    id = Column(Integer, primary_key=True)
    work_order_id = Column(Integer, ForeignKey("fault_work_order.id"), nullable=False,
                           unique=True)
    work_order = relationship("WorkOrder", backref="ratings")
    # The partner that did the work (the order's, when rated): the Ratings list filters on
    # it and the dashboard's trend per partner counts by it without joining the orders.
    contractor_id = Column(Integer, ForeignKey("fault_contractor.id"))
    contractor = relationship("Contractor")
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
    __table_args__ = (
        Index("ix_fault_complaint_status", "status", "id"),
        Index("ix_fault_complaint_created", "created_at", "id"),
        Index("ix_fault_complaint_responded", "responded_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    work_order_id = Column(Integer, ForeignKey("fault_work_order.id"), nullable=False,
                           index=True)
    work_order = relationship("WorkOrder", backref="complaints")
    text = Column(Text, nullable=False)
    response = Column(Text)
    responder_name = Column(String(200))  # the partner that answered, as it was then
    responded_at = Column(UTCDateTime())
    status = Column(String(20), nullable=False, default=ComplaintStatus.OPEN)
    closed_at = Column(UTCDateTime())

    def audit_subject(self):
        return "WorkOrder", self.work_order_id

    def __repr__(self):
        return f"{self.work_order.number if self.work_order else ''} #{self.id}"


# ---------------------------------------------------------------- the partners' rating sums

_SUMS = ("speed", "communication", "quality")


def _change_rating_sums(connection, rating, sign):
    """Add (sign=1) or take away (-1) one rating from its contractor's sums, in the same
    transaction as the rating row."""
    contractor_id = select(WorkOrder.contractor_id).where(
        WorkOrder.id == rating.work_order_id).scalar_subquery()
    table = Contractor.__table__
    connection.execute(update(table).where(table.c.id == contractor_id).values(
        rating_count=table.c.rating_count + sign,
        **{f"rating_{k}_sum": table.c[f"rating_{k}_sum"] + sign * getattr(rating, k)
           for k in _SUMS}))


@event.listens_for(Rating, "before_insert")
def _rating_partner(mapper, connection, rating):
    if rating.contractor_id is None:
        rating.contractor_id = connection.execute(select(WorkOrder.contractor_id).where(
            WorkOrder.id == rating.work_order_id)).scalar()


@event.listens_for(Rating, "after_insert")
def _rating_added(mapper, connection, rating):
    _change_rating_sums(connection, rating, 1)


@event.listens_for(Rating, "after_delete")
def _rating_removed(mapper, connection, rating):
    _change_rating_sums(connection, rating, -1)


@event.listens_for(Rating, "before_update")
def _rating_changed(mapper, connection, rating):
    state = inspect(rating)
    old = {k: state.attrs[k].history.deleted for k in (*_SUMS, "work_order_id")}
    if any(old.values()):
        before = SimpleNamespace(**{k: (old[k][0] if old[k] else getattr(rating, k))
                                    for k in (*_SUMS, "work_order_id")})
        _change_rating_sums(connection, before, -1)
        _change_rating_sums(connection, rating, 1)


def recount_rating_sums(connection):
    """Recompute every contractor's sums from the ratings (the migration's backfill)."""
    table, ratings, orders = Contractor.__table__, Rating.__table__, WorkOrder.__table__
    joined = ratings.join(orders, orders.c.id == ratings.c.work_order_id)

    def total(expression):
        return (select(func.coalesce(func.sum(expression), 0)).select_from(joined)
                .where(orders.c.contractor_id == table.c.id).scalar_subquery())
    connection.execute(update(table).values(
        rating_count=total(1),
        **{f"rating_{k}_sum": total(ratings.c[k]) for k in _SUMS}))


__all__ = ["Contractor", "Location", "StickerBatch", "StickerCode", "Device", "FaultReport", "WorkOrder",
           "Rating", "Complaint", "WorkOrderStatus", "ComplaintStatus", "Priority",
           "ReportFollower", "KeptPhoto"]
