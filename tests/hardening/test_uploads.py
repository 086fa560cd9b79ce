"""Finding 7 (uploads) — a JPEG comment with HTML survived re-encoding; PDFs with
JavaScript were accepted and served inline. Now pictures keep only their pixels, PDFs
with active content are refused (mail keeps them as a download), and nothing but a
re-encoded picture is shown inline; every file is served with a sandboxing CSP."""
import io

import pytest
from PIL import Image
from pypdf import PdfWriter

from app.extensions import db
from app.files import UploadError, read_bytes, save_upload


def _jpeg_with_metadata():
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010E] = "<img src=x onerror=alert(1)>"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", comment=b"<script>alert('COM')</script>", exif=exif.tobytes(),
               icc_profile=b"ICC-PROFILE-MARKER" * 4)
    return out.getvalue()


def _pdf(js=None, attachment=None):
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    if js:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript(js))
    if attachment:
        writer.add_attachment("payload.exe", attachment)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_finding7_a_jpeg_keeps_no_comment_or_metadata(app):
    data = _jpeg_with_metadata()
    assert b"<script>" in data and b"onerror" in data
    with app.app_context():
        stored = save_upload((data, "foto.jpg"))
        db.session.commit()
        kept = read_bytes(stored)
    assert b"<script>" not in kept and b"onerror" not in kept and b"ICC-PROFILE" not in kept
    info = Image.open(io.BytesIO(kept)).info
    assert not {"comment", "exif", "icc_profile"} & set(info)


@pytest.mark.parametrize("data", [
    _pdf(js="app.alert('pwned');"),
    _pdf(attachment=b"MZ\x90\x00 not really a program"),
    # the same name, hex-escaped as PDF allows, in a hand-made file
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/J#61vaScript/J#53(x)>>>>"
    b"endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R"
    b"/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
], ids=["javascript", "embedded file", "escaped name"])
def test_finding7_pdfs_with_active_content_are_refused(app, data):
    with app.app_context():
        with pytest.raises(UploadError, match="JavaScript"):
            save_upload((data, "brief.pdf"), accept=("pdf",))
        # What a customer mails in is kept for staff, but only ever as a download.
        stored = save_upload((data, "brief.pdf"), accept=("any",))
        assert stored.content_type == "application/octet-stream"
        db.session.rollback()


def test_finding7_a_plain_pdf_is_still_accepted(app):
    with app.app_context():
        assert save_upload((_pdf(), "scan.pdf"), accept=("pdf",)).content_type == \
            "application/pdf"
        db.session.rollback()


def test_finding7_only_pictures_are_inline_and_everything_is_sandboxed(app, admin_client):
    with app.app_context():
        photo = save_upload((_jpeg_with_metadata(), "foto.jpg"))
        pdf = save_upload((_pdf(), "scan.pdf"), accept=("pdf",))
        other = save_upload((b"<svg onload=alert(1)>", "x.svg"), accept=("any",))
        db.session.commit()
        keys = photo.key, pdf.key, other.key
    photo_r, pdf_r, other_r = (admin_client.get(f"/files/{key}") for key in keys)
    assert photo_r.headers["Content-Disposition"].startswith("inline")
    assert pdf_r.headers["Content-Disposition"].startswith("attachment")
    assert other_r.headers["Content-Disposition"].startswith("attachment")
    for response in (photo_r, pdf_r, other_r):
        assert response.status_code == 200
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
