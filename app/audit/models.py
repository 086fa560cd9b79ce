from flask_appbuilder.models.sqla import Model
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from ..database import UTCDateTime, utcnow


class Audited:
    """Mixin: changes to this model are written to the audit log.

    `__audit_exclude__` names columns never written (secrets, blobs).
    `audit_subject()` names the record whose history this change belongs to;
    a child row (a feedback line, a file) returns its parent so the parent's
    Audit tab shows it.

    Only changes made through ORM objects are seen: a bulk `update(Model)` /
    `delete(Model)` statement bypasses the listener, so change the objects, or
    write the entry yourself with `audit.record()`.
    """

    __audit_exclude__ = ("created_at", "updated_at")

    def audit_subject(self):
        return type(self).__name__, self.id


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_subject", "subject_type", "subject_id", "id"),
        Index("ix_audit_at", "at", "id"),
    )

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime(), default=utcnow, nullable=False)
    # user | reporter | contractor | customer | portal | system | anonymous
    actor_type = Column(String(20), nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    actor_name = Column(String(256), nullable=False, default="")
    ip_address = Column(String(64))
    user_agent = Column(String(512))
    endpoint = Column(String(256))
    action = Column(String(32), nullable=False)  # create | update | delete | transition | ...
    entity_type = Column(String(64), nullable=False)
    entity_id = Column(String(64))
    subject_type = Column(String(64), nullable=False)
    subject_id = Column(String(64))
    field = Column(String(64))
    old_value = Column(Text)
    new_value = Column(Text)

    def __repr__(self):
        return f"<AuditEntry {self.action} {self.entity_type}:{self.entity_id} {self.field}>"

    @property
    def change(self):
        """'Status: Ingekomen → Toegewezen', in the words the domains registered."""
        from .labels import describe_change

        return describe_change(self)
