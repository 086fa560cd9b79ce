from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String

from ..database import UTCDateTime, utcnow


class Notification(Model):
    """One message for one user. Read when opened; mailed at most once in a digest."""

    __tablename__ = "notification"
    __table_args__ = (
        # "my unread ones, newest first" and the count in the menu bar
        Index("ix_notification_user_read", "user_id", "read_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    kind = Column(String(40), nullable=False)
    ref = Column(String(100), nullable=False, default="")
    url = Column(String(500), nullable=False)
    subject_type = Column(String(50))
    subject_id = Column(String(50))
    read_at = Column(UTCDateTime())
    digested_at = Column(UTCDateTime())


class NotificationSetting(Model):
    """A user's choice: the daily digest mail (off unless they turn it on)."""

    __tablename__ = "notification_setting"

    user_id = Column(Integer, ForeignKey("ab_user.id"), primary_key=True)
    daily_digest = Column(Boolean, nullable=False, default=False)
