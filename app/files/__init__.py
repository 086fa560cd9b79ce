"""Uploaded files: checked by content, stored outside static/ under random names."""
from .models import StoredFile  # noqa: F401
from .service import UploadError, delete, read_bytes, save_upload, send_stored_file  # noqa: F401
from .storage import LocalFolderStorage, Storage, storage  # noqa: F401
