"""Uploaded files: checked by content, stored outside static/ under random names."""
from .models import FileStatus, StoredFile  # noqa: F401
from .service import (  # noqa: F401
    UploadError,
    delete,
    process_pending,
    read_bytes,
    save_upload,
    send_stored_file,
)
from .storage import LocalFolderStorage, Storage, storage  # noqa: F401
