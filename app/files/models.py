from flask_appbuilder.models.sqla import Model
from sqlalchemy import Boolean, Column, Integer, String

from ..database import UTCDateTime, utcnow


class StoredFile(Model):
    __tablename__ = "stored_file"

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, unique=True)  # random; also the name on disk
    original_name = Column(String(255), nullable=False)
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    has_thumbnail = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime(), default=utcnow, nullable=False)

    def __repr__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")
