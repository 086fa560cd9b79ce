"""Fault reports (KlusHeeren): locations, contractors, devices with QR stickers,
reports, work orders, ratings and complaints."""
from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import relationship

from ..audit import Audited
from ..database import TimestampMixin, UTCDateTime, utcnow
from ..money import format_amount

# Token columns never go into the audit log.
TOKEN_COLUMNS = ("created_at", "updated_at", "token_hash", "token_salt")


class WorkOrderStatus:
    NEW = "new"
    ACCEPTED = "accepted"
    PARTS_ON_ORDER = "parts_on_order"
    COMPLETED = "completed"
    ALL = (NEW, ACCEPTED, PARTS_ON_ORDER, COMPLETED)


class ComplaintStatus:
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    ALL = (OPEN, ANSWERED, CLOSED)


class Contractor(Audited, TimestampMixin, Model):
    __tablename__ = "fault_contractor"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    email = Column(String(255), nullable=False)
    phone = Column(String(50))
    contact_person = Column(String(200))

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
    __audit_exclude__ = TOKEN_COLUMNS

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
    # The reporter's page /r/<token>: see tokens.py.
    token_hash = Column(String(64), unique=True)
    token_salt = Column(String(32))
    work_order = relationship("WorkOrder", back_populates="report", uselist=False)

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


class WorkOrder(Audited, TimestampMixin, Model):
    """The order (opdracht) a contractor handles on /wo/<token>, KH-OC-000001."""

    __tablename__ = "fault_work_order"
    __audit_exclude__ = TOKEN_COLUMNS + ("version",)

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    report_id = Column(Integer, ForeignKey("fault_report.id"), nullable=False, unique=True)
    report = relationship("FaultReport", back_populates="work_order")
    contractor_id = Column(Integer, ForeignKey("fault_contractor.id"), nullable=False, index=True)
    contractor = relationship("Contractor", backref="work_orders")
    status = Column(String(20), nullable=False, default=WorkOrderStatus.NEW, index=True)
    appointment_date = Column(Date)
    contractor_remarks = Column(Text)
    invoice_total = Column(Numeric(12, 2))  # excl. VAT
    warranty = Column(Boolean)
    contractor_reference = Column(String(100))
    internal_note = Column(Text)
    contractor_note = Column(Text)  # "Info contractpartner"
    accepted_at = Column(UTCDateTime())
    parts_ordered_at = Column(UTCDateTime())
    completed_at = Column(UTCDateTime())
    token_hash = Column(String(64), unique=True)
    token_salt = Column(String(32))
    version = Column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return self.number

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
    __audit_exclude__ = TOKEN_COLUMNS

    id = Column(Integer, primary_key=True)
    work_order_id = Column(Integer, ForeignKey("fault_work_order.id"), nullable=False,
                           index=True)
    work_order = relationship("WorkOrder", backref="complaints")
    text = Column(Text, nullable=False)
    response = Column(Text)
    responded_at = Column(UTCDateTime())
    status = Column(String(20), nullable=False, default=ComplaintStatus.OPEN, index=True)
    closed_at = Column(UTCDateTime())
    token_hash = Column(String(64), unique=True)
    token_salt = Column(String(32))

    def audit_subject(self):
        return "WorkOrder", self.work_order_id

    def __repr__(self):
        return f"{self.work_order.number if self.work_order else ''} #{self.id}"


__all__ = ["Contractor", "Location", "StickerCode", "Device", "FaultReport", "WorkOrder",
           "Rating", "Complaint", "WorkOrderStatus", "ComplaintStatus"]
