"""Uploads: type from the content, size limits, EXIF stripped, served only with permission."""
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.files import UploadError, read_bytes, save_upload

APP_DIR = Path(__file__).resolve().parents[2] / "app"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _image(fmt, size=(40, 20), mode="RGB", **save):
    buf = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else (255, 0, 0, 0)).save(buf, fmt, **save)
    return buf.getvalue()


def _jpeg_with_exif():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # rotate 90° on display
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (52.0, 22.0, 12.5)
    gps[3] = "E"
    gps[4] = (4.0, 53.0, 30.0)
    data = _image("JPEG", exif=exif.tobytes())
    check = Image.open(io.BytesIO(data)).getexif()
    assert check[ORIENTATION] == 6 and check.get_ifd(GPS_IFD)[1] == "N"  # the input has them
    return data


def _pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png_header_only(width, height):
    """A tiny PNG that claims huge dimensions (a decompression bomb)."""
    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def _refusal(data, name="x.jpg", accept=("image",), locale="nl"):
    with pytest.raises(UploadError) as info:
        save_upload((data, name), accept=accept)
    with force_locale(locale):
        return str(info.value)


def test_jpeg_is_reencoded_without_exif_with_orientation_applied_and_a_thumbnail(app, app_ctx):
    stored = save_upload((_jpeg_with_exif(), "IMG_0001.JPG"))
    db.session.commit()
    assert (stored.content_type, stored.original_name) == ("image/jpeg", "IMG_0001.jpg")
    kept = read_bytes(stored)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert image.size == (20, 40)  # the rotation is applied to the pixels...
    exif = image.getexif()
    assert ORIENTATION not in exif and 0x010F not in exif  # ...and no EXIF is kept
    assert not exif.get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in kept and b"Exif" not in kept
    assert stored.has_thumbnail
    thumb = Image.open(io.BytesIO(read_bytes(stored, thumbnail=True)))
    assert thumb.format == "JPEG" and max(thumb.size) <= 400


def test_xmp_metadata_is_dropped_too(app_ctx):
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
           b'exif:GPSLatitude="52,22.2N"/></rdf:RDF></x:xmpmeta>')
    data = _image("JPEG", xmp=xmp)
    assert b"GPSLatitude" in data
    assert b"GPSLatitude" not in read_bytes(save_upload((data, "x.jpg")))


def test_large_photo_gets_a_small_thumbnail(app_ctx):
    stored = save_upload((_image("JPEG", size=(1600, 1200)), "big.jpg"))
    thumb = Image.open(io.BytesIO(read_bytes(stored, thumbnail=True)))
    assert thumb.size == (400, 300)


@pytest.mark.parametrize("fmt,kwargs,content_type", [
    ("PNG", {}, "image/jpeg"),
    ("WEBP", {}, "image/jpeg"),
    ("HEIF", {}, "image/jpeg"),
])
def test_png_webp_heic_are_accepted(app_ctx, fmt, kwargs, content_type):
    data = _image(fmt, **kwargs)
    if fmt == "HEIF":  # a real HEIC as an iPhone sends it (written by pillow-heif)
        assert data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"mif1")
    stored = save_upload((data, f"photo.{fmt.lower()}"))
    assert stored.content_type == content_type
    assert Image.open(io.BytesIO(read_bytes(stored))).size == (40, 20)


def test_transparent_png_stays_png(app_ctx):
    stored = save_upload((_image("PNG", mode="RGBA"), "logo.png"))
    assert stored.content_type == "image/png"
    image = Image.open(io.BytesIO(read_bytes(stored)))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_text_renamed_to_jpg_is_refused_in_dutch_and_english(app, app_ctx):
    data = b"this is not a photo at all\n" * 10
    assert _refusal(data) == "Dit is geen foto (JPEG, PNG, WebP of HEIC)."
    assert _refusal(data, locale="en") == "This is not a photo (JPEG, PNG, WebP or HEIC)."
    assert _refusal(data, accept=("image", "pdf")) == "Dit soort bestand wordt niet geaccepteerd."


def test_truncated_jpeg_is_refused(app_ctx):
    data = _image("JPEG", size=(200, 200))
    assert "geen foto" in _refusal(data[: len(data) // 2])


def test_oversized_upload_is_refused(app, app_ctx):
    old = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    try:
        too_big = _pdf() + b"\n%" + b"x" * (1024 * 1024)
        message = _refusal(too_big, name="big.pdf", accept=("pdf",))
        assert message == "Het bestand is te groot (maximaal 1 MB)."
        storage = FileStorage(io.BytesIO(b"y" * (1024 * 1024 + 1)), filename="big.bin")
        with pytest.raises(UploadError):
            save_upload(storage, accept=("any",))
        # exactly at the limit is fine
        stored = save_upload(FileStorage(io.BytesIO(b"y" * 1024 * 1024), filename="ok.bin"),
                             accept=("any",))
        assert stored.size == 1024 * 1024
    finally:
        app.config["MAX_UPLOAD_BYTES"] = old


def test_empty_upload_is_refused(app_ctx):
    assert _refusal(b"") == "Het bestand is leeg."


def test_decompression_bomb_is_refused(app, app_ctx):
    bomb = _png_header_only(60_000, 60_000)
    assert len(bomb) < 200
    assert "te veel pixels" in _refusal(bomb, "bomb.png")
    # just over our own limit (below Pillow's), refused before decoding too
    old = app.config["MAX_IMAGE_PIXELS"]
    app.config["MAX_IMAGE_PIXELS"] = 1000
    try:
        assert "te veel pixels" in _refusal(_image("PNG", size=(40, 40)), "wide.png")
    finally:
        app.config["MAX_IMAGE_PIXELS"] = old


def test_pdf_accepted_fake_pdf_refused(app_ctx):
    stored = save_upload(FileStorage(io.BytesIO(_pdf()), filename="scan.pdf"), accept=("pdf",))
    assert stored.content_type == "application/pdf" and not stored.has_thumbnail
    assert _refusal(b"%PDF-1.7\nnot really", "fake.pdf", accept=("pdf",)) == (
        "Dit PDF-document kan niet worden gelezen.")
    assert _refusal(_image("PNG"), "photo.pdf", accept=("pdf",)) == (
        "Dit soort bestand wordt niet geaccepteerd.")


def test_any_keeps_bytes_as_a_download(app_ctx):
    stored = save_upload((b"PK\x03\x04 some zip", "../../etc/passwd"), accept=("any",))
    assert stored.content_type == "application/octet-stream"
    assert stored.original_name == "passwd"


def test_files_land_under_upload_folder_not_static(app, app_ctx):
    stored = save_upload((_image("JPEG"), "photo.jpg"))
    folder = Path(app.config["UPLOAD_FOLDER"])
    on_disk = list(folder.rglob(f"{stored.key}*"))
    assert len(on_disk) == 2  # the photo and its thumbnail
    assert all(folder in p.parents for p in on_disk)
    assert "photo" not in stored.key and len(stored.key) == 32
    static_names = [name for _root, _dirs, names in os.walk(APP_DIR / "static") for name in names]
    assert not any(stored.key in name for name in static_names)


@pytest.fixture
def stored_photo(app):
    with app.app_context():
        stored = save_upload((_image("JPEG", size=(800, 600)), "photo.jpg"))
        db.session.commit()
        return stored.key, read_bytes(stored), read_bytes(stored, thumbnail=True)


def test_file_url_needs_login(client, stored_photo):
    key, _data, _thumb = stored_photo
    for url in (f"/files/{key}", f"/files/{key}/thumbnail"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/")


def test_the_bytes_come_with_nosniff(admin_client, stored_photo):
    key, data, thumb = stored_photo
    response = admin_client.get(f"/files/{key}")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert admin_client.get(f"/files/{key}/thumbnail").data == thumb


def test_portal_role_without_file_permission_is_refused(client_for, stored_photo):
    key, _data, _thumb = stored_photo
    assert client_for("Portal").get(f"/files/{key}").status_code in (302, 403)


@pytest.mark.parametrize("key", ["0" * 32, "not-a-key", "..%2F..%2Fconfig.py"])
def test_unknown_key_is_404(admin_client, key):
    assert admin_client.get(f"/files/{key}").status_code == 404


def test_a_file_missing_on_disk_is_404_not_500(app, admin_client, stored_photo):
    key, _data, _thumb = stored_photo
    for path in Path(app.config["UPLOAD_FOLDER"]).rglob(f"{key}*"):
        path.unlink()
    assert admin_client.get(f"/files/{key}").status_code == 404


def test_pdf_is_a_download_in_a_sandbox(app, admin_client):
    """A browser's PDF viewer cannot run sandboxed, so a PDF is never shown in our origin."""
    with app.app_context():
        stored = save_upload((_pdf(), "scan.pdf"), accept=("pdf",))
        db.session.commit()
        key = stored.key
    response = admin_client.get(f"/files/{key}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_other_files_are_downloads_in_a_sandbox(app, admin_client):
    with app.app_context():
        stored = save_upload((b"<html><script>alert(1)</script>", "evil.html"), accept=("any",))
        db.session.commit()
        key = stored.key
    response = admin_client.get(f"/files/{key}")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]


def _files_under(app):
    return sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file())


def test_rolled_back_upload_leaves_no_file(app, app_ctx):
    before = _files_under(app)
    stored = save_upload((_image("JPEG"), "weg.jpg"))
    assert stored.key in _files_under(app) and f"{stored.key}.thumb.jpg" in _files_under(app)
    db.session.rollback()
    assert _files_under(app) == before


def test_committed_upload_stays_even_after_a_later_rollback(app, app_ctx):
    key = save_upload((_pdf(), "blijft.pdf"), accept=("pdf",)).key
    db.session.commit()
    db.session.rollback()
    db.session.close()
    assert key in _files_under(app)


def test_upload_in_a_session_closed_without_commit_is_deleted(app, app_ctx):
    stored = save_upload((_pdf(), "half.pdf"), accept=("pdf",))
    key = stored.key
    db.session.close()
    assert key not in _files_under(app)


def test_savepoint_rollback_deletes_only_its_own_files(app, app_ctx):
    kept = save_upload((_pdf(), "eerste.pdf"), accept=("pdf",))
    savepoint = db.session.begin_nested()
    dropped = save_upload((_pdf(), "tweede.pdf"), accept=("pdf",))
    dropped_key = dropped.key
    savepoint.rollback()
    released = db.session.begin_nested()
    third = save_upload((_pdf(), "derde.pdf"), accept=("pdf",))
    released.commit()
    db.session.commit()
    files = _files_under(app)
    assert kept.key in files and third.key in files and dropped_key not in files
