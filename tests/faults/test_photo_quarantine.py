"""The public report answers without image work: its photos are checked and kept as
uploaded in quarantine (served to no one), the worker re-encodes them (metadata gone)
and builds the contractor's PDF when it sends the mail; the PDF holds the photos at
print size."""
import io
import re

from PIL import Image, ImageFilter
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.files import process_pending, storage
from app.files.models import FileStatus, StoredFile
from app.files.service import _key, _quarantine_key
from app.mail.models import OutboxAttachment, OutboxMessage
from tests.helpers import CONTRACTOR_EMAIL, page, submit


def phone_photo(size=(3000, 2250), seed=0):
    """A large JPEG like a phone's: gradients and noise, with GPS in its EXIF."""
    noise = Image.effect_noise(size, 40 + seed).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    photo = Image.blend(noise.filter(ImageFilter.GaussianBlur(1)), gradient, 0.5)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (52.0, 21.0, 0.0), 4: (4.0, 52.0, 0.0)}  # GPS position
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def _report(client, place, photos):
    return submit(client, "/report", {
        "location_id": place["location_id"], "placement": "Hal", "description": "Lekkage",
        "first_name": "Douwe", "last_name": "Demo", "email": "douwe@example.org",
        "photo": [(io.BytesIO(data), f"IMG_{n}.jpg") for n, data in enumerate(photos)]},
        content_type="multipart/form-data")


def _files(app):
    with app.app_context():
        return [(f.key, f.status, f.content_type) for f in
                db.session.scalars(select(StoredFile).order_by(StoredFile.id))]


def test_the_post_keeps_the_photo_in_quarantine_and_the_worker_makes_the_clean_one(
        app, client, admin_client, place):
    raw = phone_photo()
    response = _report(client, place, [raw])
    assert response.status_code == 302
    reporter_page = response.headers["Location"]
    [(key, status, content_type)] = _files(app)
    # The request did no image work: the upload is stored as sent, pending.
    assert status == FileStatus.PENDING and content_type == "application/octet-stream"
    with app.app_context(), app.test_request_context():
        assert storage().read(_quarantine_key(key)) == raw
        assert not storage().exists(_key(key))
        # Nor the PDF: the contractor's mail waits for the worker to build it.
        [attachment] = db.session.scalars(select(OutboxAttachment)).all()
        assert attachment.builder and attachment.data == b""
    # Quarantine is served to no one: not on the reporter's page, not in the back office.
    view = page(client.get(reporter_page))
    assert "Foto wordt verwerkt" in view and "/photo/" not in view
    token = reporter_page.rsplit("/", 1)[1]
    assert client.get(f"/r/{token}/photo/{key}").status_code == 404
    assert client.get(f"/r/{token}/photo/{key}/thumb").status_code == 404
    assert admin_client.get(f"/files/{key}").status_code == 404
    assert admin_client.get(f"/files/{key}/thumbnail").status_code == 404

    with app.app_context():
        assert process_pending() == (1, 0)  # the worker's step
    [(key, status, content_type)] = _files(app)
    assert status == FileStatus.READY and content_type == "image/jpeg"
    with app.app_context():
        assert not storage().exists(_quarantine_key(key))
    view = page(client.get(reporter_page))
    assert "Foto wordt verwerkt" not in view
    assert re.search(rf'src="/r/{token}/photo/{key}/thumb"', view)
    served = client.get(f"/r/{token}/photo/{key}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    clean = Image.open(io.BytesIO(served.data))
    assert clean.size == (3000, 2250) and not clean.getexif()  # no maker, no GPS
    assert admin_client.get(f"/files/{key}").status_code == 200


def test_a_photo_the_worker_cannot_read_is_refused_and_never_served(app, client, place):
    broken = phone_photo(size=(1200, 900))
    broken = broken[: len(broken) // 2]  # the header passes, the pixels do not
    response = _report(client, place, [broken])
    assert response.status_code == 302
    with app.app_context():
        assert process_pending() == (0, 1)
    [(key, status, _type)] = _files(app)
    assert status == FileStatus.REFUSED
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/r/{token}/photo/{key}").status_code == 404
    assert "Deze foto kon niet worden gelezen" in page(client.get(response.headers["Location"]))


def test_the_worker_builds_the_pdf_with_five_large_photos_under_half_a_megabyte(
        app, client, place, smtp_server):
    from app.mail.sender import send_due

    photos = [phone_photo(seed=k) for k in range(5)]
    assert sum(map(len, photos)) > 5_000_000
    assert _report(client, place, photos).status_code == 302
    with app.app_context():  # the sender alone: the PDF's builder re-encodes what it shows
        assert send_due() == (2, 0)  # the contractor's order with its PDF, the receipt
    order_mail = next(m for m in smtp_server.messages if "Nieuwe opdracht" in m["Subject"])
    assert order_mail["To"] == CONTRACTOR_EMAIL
    [pdf] = [p.get_content() for p in order_mail.iter_attachments()]
    reader = PdfReader(io.BytesIO(pdf))
    images = [image for p in reader.pages for image in p.images]
    assert len(images) == 5
    assert all(max(image.image.size) <= 800 for image in images)  # print size
    assert len(pdf) < 500_000, len(pdf)
    # The photos the PDF needed were re-encoded on the way; the PDF is kept for a retry.
    assert {status for _key, status, _type in _files(app)} == {FileStatus.READY}
    with app.app_context():
        [attachment] = db.session.scalars(select(OutboxAttachment).join(OutboxMessage).where(
            OutboxMessage.subject.like("Nieuwe opdracht%"))).all()
        assert attachment.builder is None and attachment.data == pdf
