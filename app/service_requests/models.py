"""Service requests (SROBO): products, requests, their lines and the records of each sub-screen.

Totals are derived from the lines (properties), never stored. Status changes only
happen in workflow.py; the status column is left out of the automatic audit
because the workflow writes an explicit "transition" entry for every change.
"""
from datetime import timedelta
from decimal import Decimal

from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import relationship

from ..audit import Audited
from ..database import TimestampMixin, UTCDateTime, literals, partial_index_condition, utcnow
from .choices import CheckResult, OnBehalfOf, PaymentMethod, ProductKind, RequestStatus, Urgency  # noqa: F401

ZERO = Decimal("0.00")


class Product(Audited, TimestampMixin, Model):
    __tablename__ = "sr_product"
    __audit_exclude__ = ("id", "created_at", "updated_at")

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    kind = Column(String(32), nullable=False)
    unit_price = Column(Numeric(10, 2), nullable=False)
    # Additional products (print A4: pages beyond the first 5) go on the
    # "Bijkomende producten" lines, never as the requested product.
    is_additional = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)

    def __repr__(self):
        return self.name

    @property
    def kind_label(self):
        return ProductKind.LABELS.get(self.kind, self.kind)


class ServiceRequest(Audited, TimestampMixin, Model):
    __tablename__ = "sr_request"
    # The clock's columns follow the status (audited as transitions) and balance_due is
    # derived (the ledger's rows are audited themselves): nothing to add.
    __audit_exclude__ = ("id", "created_at", "updated_at", "version_id", "status", "due_at",
                         "waiting_since", "waiting_seconds", "balance_due",
                         "has_mortgage_extract", "has_cadastral_extract", "has_survey_map")
    # One index per list shape (docs/performance.md): the default order (newest first),
    # each blue button with that order, and every sortable column; `id` last, as the
    # list's tie-breaker, so a page is one walk down an index at a million rows.
    __table_args__ = (
        Index("ix_sr_request_received", "received_at", "id"),
        Index("ix_sr_request_status_received", "status", "received_at", "id"),
        Index("ix_sr_request_urgency_received", "urgency", "received_at", "id"),
        Index("ix_sr_request_assigned_received", "assigned_to_id", "received_at", "id"),
        Index("ix_sr_request_applicant_name", "applicant_name", "id"),
        Index("ix_sr_request_applicant_email", "applicant_email", "id"),
        Index("ix_sr_request_id_number", "id_number", "id"),
        Index("ix_sr_request_balance_due", "balance_due", "id"),
        Index("ix_sr_request_status_due_at", "status", "due_at"),
        # The product-kind buttons (kinds.py): the kind's flag, then the list's order.
        Index("ix_sr_request_mortgage_received", "has_mortgage_extract", "received_at", "id"),
        Index("ix_sr_request_cadastral_received", "has_cadastral_extract", "received_at", "id"),
        Index("ix_sr_request_survey_map_received", "has_survey_map", "received_at", "id"),
        # the dashboards' delivered-per-week and turnaround read a range of it, and the
        # open work per status, writer and product kind is counted from an index alone
        Index("ix_sr_request_handed_over", "handed_over_at", "id"),
        Index("ix_sr_request_open_work", "status", "assigned_to_id", "has_mortgage_extract",
              "has_cadastral_extract", "has_survey_map"),
    )

    id = Column(Integer, primary_key=True)
    order_no = Column(String(20), nullable=False, unique=True)
    status = Column(String(32), nullable=False, default=RequestStatus.RECEIVED)
    urgency = Column(String(16), nullable=False, default=Urgency.ONLINE)
    on_behalf_of = Column(String(16))
    received_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    applicant_name = Column(String(200), nullable=False)
    applicant_email = Column(String(254), nullable=False)
    applicant_phone = Column(String(40))
    id_number = Column(String(40))
    id_card_file_id = Column(Integer, ForeignKey("stored_file.id"))
    id_card_file = relationship("StoredFile", foreign_keys=[id_card_file_id])
    assigned_to_id = Column(Integer, ForeignKey("ab_user.id"))
    # Not joined: lists load the writers of a page in one query (app/listing.py).
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    # Hand-over facts (the desk): to whom, whether the ID was checked, when.
    handed_over_at = Column(UTCDateTime())
    handed_over_to = Column(String(200))
    id_checked = Column(Boolean, nullable=False, default=False)
    # What is still to be paid; negative: paid too much (to refund). Kept current by the
    # workflow on every change of lines, corrections, payments and refunds, so the list's
    # "Openstaand saldo" column and filter read one indexed column instead of summing.
    balance_due = Column(Numeric(12, 2), nullable=False, default=ZERO, server_default="0")
    # Cancelled or withdrawn: when and why (the status says that it was).
    cancelled_at = Column(UTCDateTime())
    cancel_reason = Column(Text)
    # The portal's own reference: a second submission with the same one is a duplicate.
    client_reference = Column(String(100), unique=True)
    version_id = Column(Integer, nullable=False)
    # The clock (clock.py): due moment (moves later while waiting on the customer), the
    # start of the current wait, and the waits before it.
    due_at = Column(UTCDateTime())
    waiting_since = Column(UTCDateTime())
    waiting_seconds = Column(Integer, nullable=False, default=0, server_default="0")
    # Which kinds its requested lines have: kept by the lines (kinds.py), so each
    # product-kind button walks its own index.
    has_mortgage_extract = Column(Boolean, nullable=False, default=False, server_default=false())
    has_cadastral_extract = Column(Boolean, nullable=False, default=False, server_default=false())
    has_survey_map = Column(Boolean, nullable=False, default=False, server_default=false())

    __mapper_args__ = {"version_id_col": version_id}

    # selectin: the list shows each request's product kind without a query per row.
    requested_lines = relationship("RequestedProductLine", back_populates="service_request",
                                   cascade="all, delete-orphan", order_by="RequestedProductLine.id",
                                   lazy="selectin")
    additional_lines = relationship("AdditionalProductLine", back_populates="service_request",
                                    cascade="all, delete-orphan",
                                    order_by="AdditionalProductLine.id")
    payments = relationship("Payment", back_populates="service_request",
                            order_by="Payment.id")
    refunds = relationship("Refund", back_populates="service_request", order_by="Refund.id")
    corrections = relationship("Correction", back_populates="service_request",
                               order_by="Correction.id")

    def __repr__(self):
        return self.order_no or "?"

    @property
    def clock_state(self):
        """(state, due_at) for the list's badge: overdue, paused (waiting on the customer),
        running or closed — from stored columns only, no query."""
        if self.status not in RequestStatus.OPEN:
            return "closed", self.due_at
        if self.status == RequestStatus.DOCUMENTS_NEEDED:
            return "paused", self.due_at
        if self.due_at is not None and self.due_at < utcnow():
            return "overdue", self.due_at
        return "running", self.due_at

    @property
    def clock_waiting(self):
        """Time spent waiting on the customer, the current wait included."""
        current = (utcnow() - self.waiting_since) if self.waiting_since else timedelta(0)
        return timedelta(seconds=self.waiting_seconds or 0) + current

    @property
    def clock_age(self):
        """From received to handed over (or to now while open)."""
        closed = self.status not in RequestStatus.OPEN and self.handed_over_at
        return (self.handed_over_at if closed else utcnow()) - self.received_at

    @property
    def clock_ours(self):
        """The age less the waiting: the time the request was in our hands."""
        return self.clock_age - self.clock_waiting

    @property
    def status_label(self):
        return RequestStatus.LABELS.get(self.status, self.status)

    @property
    def customer_status_label(self):
        """The status in the customer's words (track page, mails)."""
        return RequestStatus.CUSTOMER_LABELS.get(self.status, self.status)

    @property
    def urgency_label(self):
        """The badge after the order number: Spoed / Normaal / nothing for online requests."""
        if self.urgency == Urgency.ONLINE:
            return ""
        return Urgency.LABELS.get(self.urgency, "")

    @property
    def on_behalf_of_label(self):
        return OnBehalfOf.LABELS.get(self.on_behalf_of, "") if self.on_behalf_of else ""

    @property
    def requested_total(self):
        return sum((line.amount for line in self.requested_lines), ZERO)

    @property
    def additional_total(self):
        return sum((line.amount for line in self.additional_lines), ZERO)

    @property
    def correction_total(self):
        return sum((c.amount_adjustment or ZERO for c in self.corrections), ZERO)

    @property
    def total(self):
        return self.requested_total + self.additional_total + self.correction_total

    @property
    def amount_due(self):
        """What the customer owes: the total, nothing once cancelled."""
        return ZERO if self.status == RequestStatus.CANCELLED else self.total

    @property
    def paid_amount(self):
        """Payments that stand (a voided payment counts for nothing)."""
        return sum((p.amount for p in self.payments if not p.is_void), ZERO)

    @property
    def refunded_amount(self):
        return sum((r.amount for r in self.refunds), ZERO)

    @property
    def net_paid(self):
        return self.paid_amount - self.refunded_amount

    def computed_balance(self):
        """amount due − (payments − voided − refunds): what balance_due must hold."""
        return self.amount_due - self.net_paid

    @property
    def is_paid(self):
        return self.net_paid > 0

    @property
    def product_kinds(self):
        return ", ".join(sorted({str(line.product.kind_label) for line in self.requested_lines}))


def running_condition():
    """Open and not waiting on the customer (the clock runs): the Overdue list's fixed
    part, and the condition of its partial index."""
    return partial_index_condition(ServiceRequest.status.in_(literals(RequestStatus.RUNNING)))


def balance_due_condition():
    """Something still to be paid: the Balance due list, and its partial index's condition."""
    return partial_index_condition(ServiceRequest.balance_due > literals(0))


# The Overdue and Balance due lists: few requests among a million (or none), in the list's
# order. Without these the database walked the order index through every request
# looking for them (310-360 ms for an empty page at a million). The condition's columns
# are in the index too: SQLite counts from an index alone only when it holds every
# column the query names.
Index("ix_sr_request_running_received", ServiceRequest.received_at, ServiceRequest.id,
      ServiceRequest.due_at, ServiceRequest.status,
      sqlite_where=running_condition(), postgresql_where=running_condition())
Index("ix_sr_request_balance_due_received", ServiceRequest.received_at, ServiceRequest.id,
      ServiceRequest.balance_due,
      sqlite_where=balance_due_condition(), postgresql_where=balance_due_condition())


class _RequestChild(Audited):
    """A row that belongs to one request: its history shows on that request's Audit tab.

    Its id, its request and the moment it was made add nothing to that tab (the entry
    has its own time), so they are not logged."""

    __audit_exclude__ = ("id", "request_id", "created_at", "updated_at", "paid_at",
                         "refunded_at", "uploaded_at", "checked_at", "reported_at",
                         "corrected_at")

    def audit_subject(self):
        return "ServiceRequest", self.request_id


class _PricedLine:
    """A product line: quantity × the unit price at order time."""

    quantity = Column(Integer, nullable=False, default=1)
    unit_price = Column(Numeric(10, 2), nullable=False)

    @property
    def amount(self):
        return Decimal(self.unit_price) * self.quantity

    def __repr__(self):
        return f"{self.quantity} × {self.product}"


class RequestedProductLine(_PricedLine, _RequestChild, Model):
    __tablename__ = "sr_requested_line"
    # (request, product): a product-kind button asks "does this request have a line
    # of these products?" from the index alone.
    __table_args__ = (Index("ix_sr_requested_line_request_product", "request_id", "product_id"),)

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False)
    service_request = relationship("ServiceRequest", back_populates="requested_lines")
    product_id = Column(Integer, ForeignKey("sr_product.id"), nullable=False)
    product = relationship("Product", lazy="joined")
    customer_info = Column(Text)


class AdditionalProductLine(_PricedLine, _RequestChild, Model):
    __tablename__ = "sr_additional_line"

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest", back_populates="additional_lines")
    product_id = Column(Integer, ForeignKey("sr_product.id"), nullable=False)
    product = relationship("Product")


class Payment(_RequestChild, Model):
    """One payment of the request's ledger, with its receipt number. Never deleted: a
    mistaken one is voided by Finance with a reason (and then counts for nothing)."""

    __tablename__ = "sr_payment"

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest", back_populates="payments")
    # Indexed: the daily cash report reads one day of payments.
    paid_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    amount = Column(Numeric(10, 2), nullable=False)
    method = Column(String(16), nullable=False)
    receipt_no = Column(String(20), unique=True)
    received_by_id = Column(Integer, ForeignKey("ab_user.id"))
    received_by = relationship("User", foreign_keys=[received_by_id])
    voided_at = Column(UTCDateTime())
    voided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    voided_by = relationship("User", foreign_keys=[voided_by_id])
    void_reason = Column(Text)

    @property
    def is_void(self):
        return self.voided_at is not None

    @property
    def method_label(self):
        return PaymentMethod.LABELS.get(self.method, self.method)


class Refund(_RequestChild, Model):
    __tablename__ = "sr_refund"

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest", back_populates="refunds")
    refunded_at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    amount = Column(Numeric(10, 2), nullable=False)
    reason = Column(Text, nullable=False)


class CustomerFeedback(_RequestChild, Model):
    """Feedback naar klant: saving it mails the customer (workflow.send_feedback)."""

    __tablename__ = "sr_customer_feedback"
    # The tab tables' lists also open over all requests: each sortable column as
    # (column, id), like the request list's (app/listing.py).
    __table_args__ = (
        Index("ix_sr_customer_feedback_created", "created_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest")
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    author_id = Column(Integer, ForeignKey("ab_user.id"))
    author = relationship("User", foreign_keys=[author_id])
    text = Column(Text, nullable=False)
    # False: a message only (the status stays); True: we need documents from the customer.
    asks_documents = Column(Boolean, nullable=False, default=True, server_default=true())


class InboundDocument(Audited, Model):
    """Nieuwe documenten: what the customer sent (mail or track page).

    request_id is empty for mail that matched no request: the Unmatched mail list.
    """

    __tablename__ = "sr_inbound_document"
    __table_args__ = (
        Index("ix_sr_inbound_document_received", "received_at", "id"),
        Index("ix_sr_inbound_document_sender", "sender", "id"),
    )
    __audit_exclude__ = ("id", "received_at", "message_id")

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), index=True)
    service_request = relationship("ServiceRequest")
    received_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    source = Column(String(16), nullable=False, default="email")  # email | track_page | staff
    message_id = Column(String(255), unique=True)
    sender = Column(String(320))
    subject = Column(String(500))
    text = Column(Text)
    # Auto-replies and bounces: kept, but they move nothing.
    automatic = Column(Boolean, nullable=False, default=False)
    files = relationship("InboundDocumentFile", cascade="all, delete-orphan",
                         order_by="InboundDocumentFile.id")

    def audit_subject(self):
        if self.request_id:
            return "ServiceRequest", self.request_id
        return "InboundDocument", self.id

    def __repr__(self):
        return self.subject or str(_("(no subject)"))


class InboundDocumentFile(Audited, Model):
    __tablename__ = "sr_inbound_document_file"
    __audit_exclude__ = ("id", "document_id")

    id = Column(Integer, primary_key=True)
    document_id = Column(Integer, ForeignKey("sr_inbound_document.id"), nullable=False,
                         index=True)
    document = relationship("InboundDocument", back_populates="files")
    stored_file_id = Column(Integer, ForeignKey("stored_file.id"), nullable=False)
    stored_file = relationship("StoredFile")

    def audit_subject(self):
        return self.document.audit_subject() if self.document else ("InboundDocument", None)


class DeliveredProduct(_RequestChild, Model):
    """Opgeleverd product: a file the writer uploads; `complete` means all products are in."""

    __tablename__ = "sr_delivered_product"
    __table_args__ = (
        Index("ix_sr_delivered_product_uploaded", "uploaded_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest")
    uploaded_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id"))
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    stored_file_id = Column(Integer, ForeignKey("stored_file.id"), nullable=False)
    stored_file = relationship("StoredFile")
    complete = Column(Boolean, nullable=False, default=False)
    remarks = Column(Text)


class InternalCheck(_RequestChild, Model):
    """Interne controle: the pickup desk's verdict for the writer."""

    __tablename__ = "sr_internal_check"
    __table_args__ = (
        Index("ix_sr_internal_check_checked", "checked_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest")
    checked_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    checked_by_id = Column(Integer, ForeignKey("ab_user.id"))
    checked_by = relationship("User", foreign_keys=[checked_by_id])
    result = Column(String(16), nullable=False)
    remarks = Column(Text)

    @property
    def result_label(self):
        return CheckResult.LABELS.get(self.result, self.result)


class ApplicantFeedback(_RequestChild, Model):
    """Feedback van de aanvrager: an error the customer found in the delivered product."""

    __tablename__ = "sr_applicant_feedback"
    __table_args__ = (
        Index("ix_sr_applicant_feedback_reported", "reported_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest")
    reported_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    source = Column(String(16), nullable=False, default="track_page")  # track_page | staff
    text = Column(Text, nullable=False)


class Correction(_RequestChild, Model):
    """Correctie (finance): a quantity and/or the amount corrected, with the reason."""

    __tablename__ = "sr_correction"
    __table_args__ = (
        Index("ix_sr_correction_corrected", "corrected_at", "id"),
        Index("ix_sr_correction_amount", "amount_adjustment", "id"),
    )

    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("sr_request.id"), nullable=False, index=True)
    service_request = relationship("ServiceRequest", back_populates="corrections")
    corrected_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    # The corrected line: a requested product or an additional one (print A4).
    line_id = Column(Integer, ForeignKey("sr_requested_line.id"))
    line = relationship("RequestedProductLine")
    additional_line_id = Column(Integer, ForeignKey("sr_additional_line.id"))
    additional_line = relationship("AdditionalProductLine")
    old_quantity = Column(Integer)
    new_quantity = Column(Integer)
    amount_adjustment = Column(Numeric(10, 2), nullable=False, default=ZERO)
    reason = Column(Text, nullable=False)

    @property
    def corrected_line(self):
        return self.line or self.additional_line


# Every audited model of this domain: the audit labels cover each of their columns.
AUDITED = (Product, ServiceRequest, RequestedProductLine, AdditionalProductLine, Payment, Refund,
           CustomerFeedback, InboundDocument, InboundDocumentFile, DeliveredProduct,
           InternalCheck, ApplicantFeedback, Correction)

# The listeners that keep each request's product-kind flags (after the models they use).
from . import kinds  # noqa: E402, F401
