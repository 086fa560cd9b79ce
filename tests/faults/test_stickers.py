"""QR stickers: a batch generated in the back office, printed as an A4 sheet
whose every QR code decodes to /q/<code> of that batch."""
import io
import re

import zxingcpp
from pypdf import PdfReader

from app.extensions import db
from app.faults import qr
from app.faults.models import StickerCode
from tests.helpers import make_order, page, submit


def _decode_sheet(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    urls = []
    for pdf_page in reader.pages:
        for image in pdf_page.images:
            results = zxingcpp.read_barcodes(image.image)
            assert len(results) == 1, f"image {image.name} does not decode"
            urls.append(results[0].text)
    return reader, urls


def test_batch_and_sheet_decode_to_scan_links(app, client_for):
    manager = client_for("FacilityManager")
    listing = page(manager.get("/stickercodeview/list/"))
    assert "Reeks aanmaken" in listing
    response = submit(manager, "/stickercodeview/list/", {"count": "26"},
                      post_url="/stickercodeview/generate", follow_redirects=True)
    assert "26 nieuwe stickers" in page(response)
    with app.app_context():
        codes = {s.code for s in db.session.query(StickerCode)}
        [batch] = {s.batch for s in db.session.query(StickerCode)}
    assert len(codes) == 26
    response = manager.get(f"/stickercodeview/sheet/{batch}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader, urls = _decode_sheet(response.data)
    assert len(reader.pages) == 2  # 24 labels per A4 sheet
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    assert len(urls) == 26
    found = set()
    for url in urls:
        match = re.fullmatch(r"http://backoffice\.test/q/([A-Z0-9]+)", url)
        assert match, url
        found.add(match.group(1))
    assert found == codes
    # label layout: 3 columns 70 mm apart, rows 37 mm apart, QR 30 mm, all on the page
    placed = []
    reader.pages[0].extract_text(visitor_operand_before=lambda op, args, cm, tm: placed.append(
        tuple(round(v / 72 * 25.4) for v in (cm[4], cm[5], cm[0]))) if op == b"Do" else None)
    assert len(placed) == 24
    assert sorted({x for x, _y, _s in placed}) == [2, 72, 142]
    rows = sorted({y for _x, y, _s in placed}, reverse=True)
    assert len(rows) == 8 and all(a - b == 37 for a, b in zip(rows, rows[1:], strict=False))
    assert {s for *_xy, s in placed} == {30} and rows[0] + 30 <= 297 and rows[-1] >= 0
    text = reader.pages[0].extract_text()
    assert "Storing melden?" in text and "Scan mij" in text
    assert sum(code in text for code in codes) == 24


def test_codes_are_random_and_not_sequential(app_ctx):
    codes = [c.code for c in qr.create_batch(50)]
    assert len(set(codes)) == 50
    assert all(len(c) == qr.CODE_LENGTH and set(c) <= set(qr.ALPHABET) for c in codes)
    assert sorted(codes) != codes or len({c[:6] for c in codes}) > 40
    assert len(qr.ALPHABET) ** qr.CODE_LENGTH >= 2 ** 64


def test_device_sticker_and_qr_preview(app, client_for, place):
    make_order(app, place)
    with app.app_context():
        device_id = db.session.query(StickerCode).filter_by(code=place["codes"][0]).one().device.id
    manager = client_for("FacilityManager")
    show = page(manager.get(f"/deviceview/show/{device_id}"))
    assert "data:image/svg+xml" in show and "Sticker printen" in show
    assert "Lekkage onder de koffieautomaat" in show  # the device's reports tab
    _reader, urls = _decode_sheet(manager.get(f"/stickercodeview/device/{device_id}.pdf").data)
    assert urls == [f"http://backoffice.test/q/{place['codes'][0]}"]


def test_viewer_cannot_generate_stickers(app, viewer_client):
    listing = page(viewer_client.get("/stickercodeview/list/"))
    assert "Reeks aanmaken" not in listing
    response = submit(viewer_client, "/report", {"count": "5"},
                      post_url="/stickercodeview/generate")
    assert response.status_code in (302, 403)
    with app.app_context():
        assert db.session.query(StickerCode).count() == 0
