"""Files behind the storage interface: the local (or shared) folder by default, any other
backend by setting it; and no module under app/ writes to the disk but the storage."""
import ast
import io
from pathlib import Path

import pytest
from PIL import Image

from app.extensions import db
from app.files import LocalFolderStorage, Storage, read_bytes, save_upload, send_stored_file
from app.files.storage import EXTENSION_KEY

APP = Path(__file__).resolve().parents[2] / "app"
STORAGE_MODULE = APP / "files" / "storage.py"
# Written outside the storage, on purpose:
ALLOWED = {
    # the demo users' passwords, a note for the developer at this host's console
    # (`make run`); not app data, never read by the app on another host.
    APP / "demo" / "users.py",
}


class DictStorage(Storage):
    """Another backend (as an object store would be): bytes by key, nothing on disk."""

    def __init__(self):
        self.files = {}

    def save(self, key, data):
        self.files[key] = bytes(data)

    def open(self, key):
        if key not in self.files:
            raise FileNotFoundError(key)
        return io.BytesIO(self.files[key])

    def delete(self, key):
        self.files.pop(key, None)

    def exists(self, key):
        return key in self.files


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def other_storage(app):
    saved = app.extensions.get(EXTENSION_KEY)
    app.extensions[EXTENSION_KEY] = DictStorage()
    yield app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = saved


def test_the_local_folder_keeps_files_by_key(tmp_path):
    files = LocalFolderStorage(tmp_path)
    key = "ab" * 16
    assert not files.exists(key)
    files.save(key, b"hallo")
    assert files.exists(key) and files.read(key) == b"hallo"
    assert (tmp_path / "ab" / key).read_bytes() == b"hallo"
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [key]  # no temporary left
    files.delete(key)
    files.delete(key)  # already gone: fine
    assert not files.exists(key)
    for bad in ["../../etc/passwd", "AB" * 16, "ab" * 16 + "/x", ""]:
        with pytest.raises(ValueError):
            files.save(bad, b"x")


def test_an_upload_is_stored_read_served_and_rolled_back_through_the_storage(
        app, other_storage):
    with app.test_request_context():
        stored = save_upload((_photo(), "foto.jpg"))
        db.session.commit()
        assert sorted(other_storage.files) == [stored.key, stored.key + ".thumb.jpg"]
        assert read_bytes(stored)[:2] == b"\xff\xd8"
        response = send_stored_file(stored, thumbnail=True)
        response.direct_passthrough = False
        assert response.status_code == 200 and response.get_data()[:2] == b"\xff\xd8"
        save_upload((_photo(), "weg.jpg"))
        db.session.rollback()  # the row was not kept: neither are its files
        assert sorted(other_storage.files) == [stored.key, stored.key + ".thumb.jpg"]
    assert not any(Path(app.config["UPLOAD_FOLDER"]).rglob(f"{stored.key}*"))


WRITE_MODES = set("wax+")
WRITING_METHODS = {"write_bytes", "write_text", "mkdir", "touch", "symlink_to", "hardlink_to"}
WRITING_CALLS = {("os", "open"), ("os", "replace"), ("os", "rename"), ("os", "makedirs"),
                 ("os", "mkdir"), ("os", "fdopen"), ("shutil", "copy"), ("shutil", "copy2"),
                 ("shutil", "copyfile"), ("shutil", "copytree"), ("shutil", "move"),
                 ("tempfile", "mkstemp"), ("tempfile", "mkdtemp"),
                 ("tempfile", "NamedTemporaryFile"), ("tempfile", "TemporaryFile"),
                 ("tempfile", "TemporaryDirectory"), ("tempfile", "SpooledTemporaryFile")}


def _mode(call):
    mode = call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg == "mode"), None)
    if mode is None:
        return "r"
    return mode.value if isinstance(mode, ast.Constant) else "?"  # unknown: suspect


def _names_bound_to(tree, *makers):
    """Names bound to a call of one of `makers` in the module (x = io.BytesIO())."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in makers:
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _disk_writes(path):
    tree = ast.parse(path.read_text(), str(path))
    memory = _names_bound_to(tree, "BytesIO", "StringIO")  # saving into those is fine
    stores = _names_bound_to(tree, "storage")  # and so is the storage's own save
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func, line = node.func, f"{path.relative_to(APP.parent)}:{node.lineno}"
        if isinstance(func, ast.Name) and func.id == "open":
            mode = _mode(node)
            if set(mode) & WRITE_MODES or mode == "?":
                found.append(f"{line} open(…, {mode!r})")
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if (owner, func.attr) in WRITING_CALLS:
                found.append(f"{line} {owner}.{func.attr}()")
            elif func.attr in WRITING_METHODS:
                found.append(f"{line} .{func.attr}()")
            elif func.attr == "open" and owner not in ("Image", "os") and (
                    set(_mode(node)) & WRITE_MODES):
                found.append(f"{line} .open(…, {_mode(node)!r})")
            elif func.attr == "save" and node.args and owner not in stores and not (
                    isinstance(node.args[0], ast.Name) and node.args[0].id in memory):
                found.append(f"{line} .save({ast.unparse(node.args[0])}, …)")
    return sorted(found, key=lambda text: int(text.split(":")[1].split(" ")[0]))


def test_no_module_under_app_writes_to_the_disk_but_the_storage():
    writes = []
    for path in sorted(APP.rglob("*.py")):
        if path != STORAGE_MODULE and path not in ALLOWED:
            writes.extend(_disk_writes(path))
    assert writes == [], "write through app/files/storage.py instead:\n" + "\n".join(writes)


def test_the_check_sees_the_ways_of_writing_a_file(tmp_path):
    sample = tmp_path / "app" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "import io, os, shutil, tempfile\n"
        "open('x', 'wb').write(b'')\n"
        "open(name, mode='a')\n"
        "path.write_bytes(b'')\n"
        "upload.save('/tmp/x')\n"
        "tempfile.mkstemp()\n"
        "shutil.copy('a', 'b')\n"
        "out = io.BytesIO()\n"
        "image.save(out, 'PNG')\n"
        "files = storage()\n"
        "files.save(key, data)\n"
        "open('x').read()\n")
    global APP
    saved, APP = APP, tmp_path / "app"
    try:
        found = [w.split(" ", 1)[1] for w in _disk_writes(sample)]
    finally:
        APP = saved
    assert found == ["open(…, 'wb')", "open(…, 'a')", ".write_bytes()", ".save('/tmp/x', …)",
                     "tempfile.mkstemp()", "shutil.copy()"]
