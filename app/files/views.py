from flask import abort
from flask_appbuilder import BaseView, expose, has_access

from ..extensions import db
from ..security import scopes
from .models import StoredFile
from .service import send_stored_file


class FileView(BaseView):
    """Back-office access to stored files; public pages serve their own files by token."""

    route_base = "/files"
    class_permission_name = "File"
    method_permission_name = {"download": "read", "thumbnail": "read"}

    def _file(self, key):
        stored = db.session.query(StoredFile).filter_by(key=key).one_or_none()
        if stored is None:
            abort(404)
        if not scopes.may_open_file(stored, db.session):
            abort(403)
        return stored

    @expose("/<key>")
    @has_access
    def download(self, key):
        return send_stored_file(self._file(key))

    @expose("/<key>/thumbnail")
    @has_access
    def thumbnail(self, key):
        return send_stored_file(self._file(key), thumbnail=True)
