from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, Index, Integer, String

from ..database import UTCDateTime, utcnow


class LinkToken(Model):
    """One link: its hash, what it opens (purpose, record type and id), its life."""

    __tablename__ = "link_token"
    __table_args__ = (Index("ix_link_token_subject", "purpose", "subject_type", "subject_id"),)

    id = Column(Integer, primary_key=True)
    purpose = Column(String(40), nullable=False)
    subject_type = Column(String(60), nullable=False)
    subject_id = Column(Integer, nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    salt = Column(String(32))  # recoverable tokens only
    created_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime())
    revoked_at = Column(UTCDateTime())
