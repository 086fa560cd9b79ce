from flask_appbuilder.models.sqla import Model
from flask_babel import lazy_gettext as _
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from ..database import UTCDateTime, utcnow
from ..security.sealed import SealedBinary, SealedString, SealedText


class OutboxStatus:
    PENDING = "pending"    # waiting for (another) attempt
    SENDING = "sending"    # claimed by a sender; lease_until guards a crashed one
    SENT = "sent"
    FAILED = "failed"      # gave up after OUTBOX_MAX_ATTEMPTS; an admin can retry

    LABELS = {
        PENDING: _("Waiting"),
        SENDING: _("Sending"),
        SENT: _("Sent"),
        FAILED: _("Failed"),
    }

    @classmethod
    def label(cls, value):
        return str(cls.LABELS.get(value, value or ""))


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        # the sender's queue; with id last, also the list sorted by status
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        Index("ix_outbox_created", "created_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)
    message_id = Column(String(255), nullable=False, unique=True)
    sender = Column(String(255))
    recipients = Column(Text, nullable=False)  # comma separated, validated
    cc = Column(Text)
    # Sealed: until sent, the text, the reply address (aanvragen+<token>@…) and the
    # attachments carry link tokens; the database alone must not open those pages.
    reply_to = Column(SealedString(255))
    subject = Column(String(500), nullable=False)
    body_text = Column(SealedText(), nullable=False)
    body_html = Column(SealedText())
    # Which record caused it ("ServiceRequest", "42"): the domain's "mails sent" tab.
    subject_type = Column(String(64), index=True)
    subject_id = Column(String(64), index=True)
    status = Column(String(16), nullable=False, default=OutboxStatus.PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime(), default=utcnow, nullable=False)
    lease_until = Column(UTCDateTime())
    claim_token = Column(String(32))  # the sender holding the lease (app/claims.py)
    last_error = Column(Text)
    sent_at = Column(UTCDateTime())

    attachments = relationship("OutboxAttachment", cascade="all, delete-orphan",
                               order_by="OutboxAttachment.id")

    def __repr__(self):
        return f"{self.subject} → {self.recipients}"

    def audit_subject(self):
        """An explicit audit entry about a mail (a retry) belongs to the record it is about."""
        if self.subject_type:
            return self.subject_type, self.subject_id
        return "OutboxMessage", self.id

    @property
    def attachment_names(self):
        return ", ".join(a.filename for a in self.attachments)


class OutboxAttachment(Model):
    __tablename__ = "outbox_attachment"

    id = Column(Integer, primary_key=True)
    message_id = Column(Integer, ForeignKey("outbox_message.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    filename = Column(String(255), nullable=False)
    content_type = Column(String(100), nullable=False)
    data = Column(SealedBinary(), nullable=False)
    # "name:argument" of a registered builder (outbox.later): the worker builds the data
    # when it sends the mail, then clears this.
    builder = Column(String(200))
