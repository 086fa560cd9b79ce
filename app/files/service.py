"""Checking, storing and serving files.

Kinds a caller may accept:
- "image": JPEG, PNG, WebP or HEIC, re-encoded (EXIF and other metadata dropped,
  orientation applied) with a thumbnail;
- "pdf": a PDF that parses, without JavaScript, actions or embedded files;
- "any": anything else a customer e-mails us; kept as is, always served as a download.
Only re-encoded pictures are served inline; every file gets a sandboxing CSP. A picture
saved with defer=True waits unserved in quarantine until the worker re-encodes it.
"""
import hashlib
import io
import logging
import os
import re
import secrets

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import FileStatus, StoredFile
from .storage import storage

register_heif_opener()
log = logging.getLogger(__name__)

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
THUMBNAIL_SIZE = (400, 400)


class UploadError(ValueError):
    """The upload is refused; str(error) is a message for the user."""


def _key(key, thumbnail=False):
    return key + (".thumb.jpg" if thumbnail else "")


def _quarantine_key(key):
    """Where a picture waits as uploaded: a key of its own, which nothing serves."""
    return key + ".quarantine"


def _read(upload):
    """Bytes and name from a werkzeug FileStorage, or (bytes, name) as given."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if isinstance(upload, tuple):
        data, name = upload
    else:
        name = upload.filename or "upload"
        data = upload.stream.read(limit + 1)
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > limit:
        raise UploadError(_("The file is too large (at most %(mb)s MB).",
                            mb=f"{limit / 1024 / 1024:.3g}"))
    return data, os.path.basename(name.replace("\\", "/"))[:200] or "upload"


def _too_many_pixels(size):
    width, height = size
    return width * height > current_app.config["MAX_IMAGE_PIXELS"]


def _not_a_photo():
    return UploadError(_("This is not a photo (JPEG, PNG, WebP or HEIC)."))


def _too_large_photo():
    return UploadError(_("The photo has too many pixels (at most %(mp)s megapixels).",
                         mp=round(current_app.config["MAX_IMAGE_PIXELS"] / 1e6, 1)))


def _check_image(data):
    """The checks that need no decoding (milliseconds, even for a 12-MP photo): a format
    we take, a pixel count within the limit (a decompression bomb is refused without
    allocating it), a structure that verifies. Returns the format."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            source_format = probe.format
            if source_format not in IMAGE_FORMATS:
                raise _not_a_photo()
            if _too_many_pixels(probe.size):
                raise _too_large_photo()
            probe.verify()
    except UploadError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_large_photo() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _not_a_photo() from exc
    return source_format


def _reencode_image(data):
    """Decode and re-encode, so nothing but pixels survives (EXIF, GPS, scripts, trailers)."""
    source_format = _check_image(data)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise _too_large_photo() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _not_a_photo() from exc
    image = ImageOps.exif_transpose(image)  # a copy: .format is gone, source_format is kept
    # Pillow writes a JPEG comment (COM: may carry HTML) and an ICC profile back out of
    # `info`: keep only the pixels.
    image.info = {}
    out = io.BytesIO()
    if source_format == "PNG" and image.mode in ("RGBA", "LA", "P", "PA"):
        # keep transparency (a logo, a screenshot); PNG drops the metadata chunks
        image.save(out, "PNG", optimize=True)
        content_type, ext = "image/png", ".png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        content_type, ext = "image/jpeg", ".jpg"
    thumb = image.convert("RGB")
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80)
    return out.getvalue(), content_type, ext, thumb_out.getvalue()


# PDF names that run code or carry other files: JavaScript (also via OpenAction and
# AA), launching programs, embedded files, Flash/3D media, XFA forms, SubmitForm.
_ACTIVE_PDF_NAMES = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                     "/RichMedia", "/XFA", "/SubmitForm", "/ImportData", "/GoToE"}
_PDF_NAME = re.compile(rb"/(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+")
_MAX_PDF_OBJECTS = 200_000


def _raw_names(data):
    """Every /Name in the file's bytes, #xx escapes decoded (`/J#61vaScript` is /JavaScript)."""
    return {re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
            .decode("latin-1") for name in _PDF_NAME.findall(data)}


def _structure_names(reader):
    """Every name used as a key or value in the document's objects, compressed object
    streams included (the raw bytes do not show those)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    names, seen, stack, count = set(), set(), [reader.trailer], 0
    while stack and count < _MAX_PDF_OBJECTS:
        item = stack.pop()
        count += 1
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            names.update(str(key) for key in item.keys())
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject):
            names.add(str(item))
    return names


def has_active_content(data):
    """True when a PDF contains JavaScript, actions that launch or submit, or embedded files."""
    if _raw_names(data) & _ACTIVE_PDF_NAMES:
        return True
    try:
        return bool(_structure_names(PdfReader(io.BytesIO(data))) & _ACTIVE_PDF_NAMES)
    except Exception:  # a PDF too broken to walk: _check_pdf decides whether it is readable
        return False


def _check_pdf(data):
    if not data.startswith(b"%PDF-"):
        raise UploadError(_("This is not a PDF document."))
    try:
        PdfReader(io.BytesIO(data)).pages[0]
    except (PdfReadError, IndexError, ValueError, KeyError, TypeError) as exc:
        raise UploadError(_("This PDF document cannot be read.")) from exc
    except Exception as exc:  # pypdf on a hostile file: RecursionError and the like
        raise UploadError(_("This PDF document cannot be read.")) from exc


def _sniff(data):
    if data.startswith(b"%PDF-"):
        return "pdf"
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format in IMAGE_FORMATS:
                return "image"
    except Image.DecompressionBombError:
        return "image"  # refused with a clear message by _reencode_image
    except (UnidentifiedImageError, OSError, ValueError):
        pass
    return "any"


def save_upload(upload, accept=("image",), defer=False):
    """Check and store one upload; returns the StoredFile (added to the session, not committed).

    upload: a werkzeug FileStorage or a (bytes, filename) tuple.
    accept: the kinds allowed, from "image", "pdf", "any".
    defer: a picture is only checked (format, pixel count, structure) and kept as
    uploaded in quarantine, status "pending"; `process_pending` (the worker) re-encodes
    it. Nothing is served before that. For a request that must answer fast (a phone's
    12-MP photo takes seconds to re-encode).
    Raises UploadError with a message for the user.
    """
    data, name = _read(upload)
    kind = _sniff(data)
    if kind not in accept and "any" not in accept:
        if accept == ("image",):
            raise UploadError(_("This is not a photo (JPEG, PNG, WebP or HEIC)."))
        raise UploadError(_("This file type is not accepted."))
    if defer and kind == "image":
        return _quarantine(data, name)
    thumbnail = None
    if kind == "image":
        data, content_type, ext, thumbnail = _reencode_image(data)
        name = os.path.splitext(name)[0] + ext
    elif kind == "pdf" and has_active_content(data):
        if "any" not in accept:
            raise UploadError(_("This PDF contains JavaScript, actions or embedded files and is "
                                "not accepted. Print it to a new PDF (or scan it) and try again."))
        content_type = "application/octet-stream"  # mail keeps it, as a download only
    elif kind == "pdf":
        _check_pdf(data)
        content_type = "application/pdf"
    else:
        content_type = "application/octet-stream"

    key = secrets.token_hex(16)
    written = [_key(key)]
    _remember_written(db.session(), written)
    files = storage()
    files.save(written[0], data)
    if thumbnail:
        written.append(_key(key, thumbnail=True))
        files.save(written[-1], thumbnail)
    stored = StoredFile(key=key, original_name=name, content_type=content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), has_thumbnail=bool(thumbnail),
                        status=FileStatus.READY)
    db.session.add(stored)
    return stored


def _quarantine(data, name):
    _check_image(data)
    key = secrets.token_hex(16)
    written = [_quarantine_key(key)]
    _remember_written(db.session(), written)
    files = storage()
    files.save(written[0], data)
    stored = StoredFile(key=key, original_name=name, content_type="application/octet-stream",
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        has_thumbnail=False, status=FileStatus.PENDING)
    db.session.add(stored)
    return stored


def process_pending(limit=20, ids=None):
    """The worker's step: re-encode the pictures waiting in quarantine, oldest first, each
    in its own commit (`ids`: only these). One that cannot be read as a picture is refused
    (never served). Safe with several workers: the row changes only from "pending", and
    the files a second worker writes for the same key are the same. Returns (ready,
    refused)."""
    query = select(StoredFile.id).where(StoredFile.status == FileStatus.PENDING)
    if ids is not None:
        query = query.where(StoredFile.id.in_(ids))
    ids = db.session.scalars(query.order_by(StoredFile.id).limit(limit)).all()
    files = storage()
    ready = refused = 0
    for file_id in ids:
        stored = db.session.get(StoredFile, file_id)
        source = _quarantine_key(stored.key)
        try:
            data, content_type, ext, thumbnail = _reencode_image(files.read(source))
        except FileNotFoundError:  # another worker finished it
            db.session.rollback()
            continue
        except Exception as exc:  # whatever the picture does, it is refused
            log.warning("quarantined upload %s refused: %s", stored.key, exc)
            values = {"status": FileStatus.REFUSED}
        else:
            # Not removed on a rollback: a second worker's identical files may be these.
            files.save(_key(stored.key), data)
            files.save(_key(stored.key, thumbnail=True), thumbnail)
            values = {"status": FileStatus.READY, "content_type": content_type,
                      "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                      "has_thumbnail": True,
                      "original_name": os.path.splitext(stored.original_name)[0] + ext}
        changed = db.session.execute(update(StoredFile).where(
            StoredFile.id == file_id, StoredFile.status == FileStatus.PENDING).values(**values))
        if changed.rowcount != 1:
            db.session.rollback()  # another worker was first: its files are the same
            continue
        db.session.commit()
        files.delete(source)
        if values["status"] == FileStatus.READY:
            ready += 1
        else:
            refused += 1
    return ready, refused


# ---- Files of a transaction that did not commit are deleted ----
# save_upload writes to the storage at once, but the StoredFile row only exists once the
# caller commits. The keys are remembered in session.info with the transaction they
# were written in; a rollback of that transaction (or of one around it), or the end of
# the session's transaction without a commit, deletes them; a commit keeps them.

_WRITTEN = "files_written"


def _remember_written(session, keys):
    """keys is a list the caller may still append to (the thumbnail)."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_WRITTEN, []).append((transaction, keys, storage()))


def _inside(transaction, ended):
    """Was `transaction` (None: not begun yet, so the next root) `ended` or inside it?"""
    if transaction is None:
        return ended.parent is None
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _delete_written(session, ended):
    remembered = session.info.get(_WRITTEN)
    if not remembered:
        return
    keep = []
    for transaction, keys, files in remembered:
        if not _inside(transaction, ended):
            keep.append((transaction, keys, files))
            continue
        for key in keys:
            try:
                files.delete(key)
            except OSError:
                log.exception("could not delete %s of a rolled-back upload", key)
    session.info[_WRITTEN] = keep


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session):
    root = session.get_transaction()
    if root is None or not root.is_active:  # the outermost transaction committed
        session.info.pop(_WRITTEN, None)
    # else a SAVEPOINT was released: its files wait for the outer transaction


@event.listens_for(Session, "after_soft_rollback")
def _delete_rolled_back_files(session, previous_transaction):
    _delete_written(session, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _delete_uncommitted_files(session, transaction):
    if transaction.parent is None:  # closed without commit (a commit cleared the list)
        _delete_written(session, transaction)


# ---- Files deleted: the row now, the bytes once the transaction commits ----
_DELETED = "files_deleted"


def delete(stored):
    """Delete a stored file: its row in the caller's transaction, its bytes (and
    thumbnail) from the storage once that transaction commits; a rollback keeps both. The
    caller makes sure no record still points at it."""
    session = db.session()
    session.info.setdefault(_DELETED, []).append(
        ([_key(stored.key), _key(stored.key, True), _quarantine_key(stored.key)], storage()))
    session.delete(stored)


@event.listens_for(Session, "after_commit")
def _delete_files_of_committed_deletes(session):
    root = session.get_transaction()
    if root is not None and root.is_active:
        return  # a SAVEPOINT was released: wait for the outer transaction
    for keys, files in session.info.pop(_DELETED, ()):
        for key in keys:
            try:
                files.delete(key)
            except OSError:
                log.exception("could not delete %s of a deleted file", key)


@event.listens_for(Session, "after_rollback")
def _keep_files_of_rolled_back_deletes(session):
    # any rollback (a SAVEPOINT too) keeps the bytes: a file left over is harmless, a
    # row without its file is not
    session.info.pop(_DELETED, None)


def read_bytes(stored, thumbnail=False):
    if not stored.is_ready:  # quarantine is read by process_pending only
        raise FileNotFoundError(f"stored file {stored.key} is {stored.status}")
    return storage().read(_key(stored.key, thumbnail and stored.has_thumbnail))


def send_stored_file(stored, thumbnail=False, download=False):
    """A response serving the file. Callers check permission first."""
    if not stored.is_ready:  # in quarantine (or refused): served to no one
        abort(404)
    thumbnail = thumbnail and stored.has_thumbnail
    files, key = storage(), _key(stored.key, thumbnail)
    if not files.exists(key):  # a row restored without its file: say so, don't crash
        log.error("stored file %s (%s) missing in the storage", stored.key, stored.original_name)
        abort(404)
    # Only re-encoded pictures are shown in the page; everything else, PDFs too (a
    # browser's PDF viewer does not run in a sandbox), is a download.
    inline = stored.content_type in ("image/jpeg", "image/png") and not download
    response = send_file(
        files.local_path(key) or files.open(key),
        mimetype="image/jpeg" if thumbnail else stored.content_type,
        as_attachment=not inline,
        download_name=stored.original_name,
        max_age=3600,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
