"""Where stored files live: a small interface, and the local (or shared) folder behind it.

Every byte the app keeps on disk goes through here (a test checks that no other module
under app/ writes files): uploads, their thumbnails, and the scratch files of exports.
Several app hosts share the files by mounting one folder (NFS) at UPLOAD_FOLDER on each
of them; docs/operations.md shows the setup. Another backend (an object store) is a
class with the same five methods, set as app.extensions["file_storage"].
"""
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

EXTENSION_KEY = "file_storage"
# A stored file, its thumbnail, or a picture in quarantine (service.py: never served).
_KEY = re.compile(r"[0-9a-f]{32,64}(\.thumb\.jpg|\.quarantine)?")


class Storage:
    """Files by key. Keys are made by the caller (random hex, plus an optional suffix)."""

    def save(self, key, data):
        raise NotImplementedError

    def open(self, key):
        """A readable binary file object; FileNotFoundError when there is none."""
        raise NotImplementedError

    def delete(self, key):
        """Remove the file; no error when it is already gone."""
        raise NotImplementedError

    def exists(self, key):
        raise NotImplementedError

    def local_path(self, key):
        """A path on this host the web server may send directly, or None."""
        return None

    def read(self, key):
        with self.open(key) as stream:
            return stream.read()


class LocalFolderStorage(Storage):
    """Files in a folder (local disk, or one NFS export mounted on every host),
    spread over 256 sub-folders by the key's first two characters."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key):
        if not _KEY.fullmatch(key or ""):
            raise ValueError("bad file key")
        return self.root / key[:2] / key

    def save(self, key, data):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed: another host never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key):
        return self._path(key).open("rb")

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)

    def exists(self, key):
        return self._path(key).is_file()

    def local_path(self, key):
        return self._path(key)


def storage(app=None):
    """The app's file storage (made once): the UPLOAD_FOLDER unless another was set."""
    app = app or current_app
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        found = app.extensions[EXTENSION_KEY] = LocalFolderStorage(app.config["UPLOAD_FOLDER"])
    return found


@contextmanager
def scratch_file(suffix=""):
    """A path for a temporary file on this host (an export being built), removed afterwards.
    Scratch only: nothing kept there outlives the request."""
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        yield path
    finally:
        Path(path).unlink(missing_ok=True)
