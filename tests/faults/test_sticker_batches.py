"""Sticker batches: a name and the customer or location they are printed for; a batch
is listed, opened and printed again (whole, or a range on a partly used sheet)."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.faults.models import StickerBatch, StickerCode
from tests.helpers import page, submit


def test_a_named_batch_for_a_location_is_listed_and_printed_again(app, client_for, place):
    manager = client_for("FacilityManager")
    listing = page(manager.get("/stickerbatchview/list/"))
    assert "Reeks aanmaken" in listing and 'name="customer"' in listing
    response = submit(manager, "/stickerbatchview/list/", {
        "count": "5", "name": "Kantoor Zuid, 2e verdieping", "customer": "Gemeente Amstelveen",
        "location_id": str(place["location_id"])},
        post_url="/stickercodeview/generate", follow_redirects=True)
    shown = page(response)
    assert "5 nieuwe stickers in reeks Kantoor Zuid, 2e verdieping." in shown
    assert "Gemeente Amstelveen" in shown and "Demo locatie 1" in shown
    with app.app_context():
        batch = db.session.scalars(select(StickerBatch).where(
            StickerBatch.name == "Kantoor Zuid, 2e verdieping")).one()
        codes = [s.code for s in db.session.scalars(select(StickerCode).where(
            StickerCode.batch_id == batch.id).order_by(StickerCode.id))]
        batch_id = batch.id
    assert len(codes) == 5 and all(code in shown for code in codes)  # the stickers tab
    listing = page(manager.get("/stickerbatchview/list/"))
    assert "Kantoor Zuid, 2e verdieping" in listing and "Gemeente Amstelveen" in listing
    # the whole batch again
    sheet = manager.get(f"/stickerbatchview/sheet/{batch_id}.pdf")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.data)).pages)
    assert [c for c in codes if c in text] == codes
    # stickers 2-3 from label 4 of a partly used sheet
    part = manager.get(f"/stickerbatchview/reprint/{batch_id}?first=2&last=3&start=4")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(part.data)).pages)
    assert [c for c in codes if c in text] == codes[1:3]
    refused = manager.get(f"/stickerbatchview/reprint/{batch_id}?first=4&last=9",
                          follow_redirects=True)
    assert "Kies stickers tussen 1 en 5." in page(refused)
    # the sticker list names the batch, and prints it by name
    assert "Kantoor Zuid, 2e verdieping" in page(manager.get("/stickercodeview/list/"))


def test_a_batch_without_a_name_is_named_after_its_code(app_ctx):
    from app.faults import qr

    codes = qr.create_batch(2)
    batch = codes[0].sticker_batch
    assert batch.name == batch.code == codes[0].batch and batch.size == 2
    assert batch.customer is None and batch.location is None


def test_a_viewer_reads_batches_but_cannot_rename_one(app, viewer_client, client_for):
    from app.faults import qr

    with app.app_context():
        batch_id = qr.create_batch(1, name="Hal")[0].sticker_batch.id
        db.session.commit()
    assert "Hal" in page(viewer_client.get("/stickerbatchview/list/"))
    assert "Reeks aanmaken" not in page(viewer_client.get("/stickerbatchview/list/"))
    response = viewer_client.get(f"/stickerbatchview/edit/{batch_id}")
    assert response.status_code in (302, 403)
    manager = client_for("FacilityManager")
    submit(manager, f"/stickerbatchview/edit/{batch_id}", {"name": "Hal oost", "customer": "",
                                                           "location": ""})
    with app.app_context():
        assert db.session.get(StickerBatch, batch_id).name == "Hal oost"
