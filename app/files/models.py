from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, Index, Integer, String

from ..database import UTCDateTime, utcnow


class FileStatus:
    READY = "ready"        # checked (a picture: re-encoded) and servable
    PENDING = "pending"    # a picture as uploaded, in quarantine until the worker re-encodes it
    REFUSED = "refused"    # the worker could not read it as a picture: never served


class StoredFile(Model):
    __tablename__ = "stored_file"
    # The worker's question on every pass: which pictures wait in quarantine?
    __table_args__ = (Index("ix_stored_file_status", "status", "id"),)

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, unique=True)  # random; also the name on disk
    original_name = Column(String(255), nullable=False)
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    has_thumbnail = Column(Boolean, nullable=False, default=False)
    status = Column(String(16), nullable=False, default=FileStatus.READY,
                    server_default=FileStatus.READY)
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def __repr__(self):
        return self.original_name

    @property
    def is_ready(self):
        return self.status in (FileStatus.READY, None)  # None: not flushed yet, the default

    @property
    def is_pending(self):
        return self.status == FileStatus.PENDING

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
