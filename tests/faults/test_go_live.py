"""Go-live: the number series continue from the old system's numbers (the deck shows
KH-A-010816 and KH-OC-001488)."""
from app.extensions import db
from app.faults.models import FaultReport, WorkOrder
from tests.helpers import make_order


def test_number_series_start_from_the_configured_numbers(app, place):
    old = app.config["FAULTS_REPORT_NUMBER_START"], app.config["FAULTS_ORDER_NUMBER_START"]
    app.config.update(FAULTS_REPORT_NUMBER_START=10816, FAULTS_ORDER_NUMBER_START=1488)
    try:
        first = make_order(app, place)
        second = make_order(app, place, description="Deur klemt")
    finally:
        app.config["FAULTS_REPORT_NUMBER_START"], app.config["FAULTS_ORDER_NUMBER_START"] = old
    with app.app_context():
        assert db.session.get(FaultReport, first["report_id"]).number == "KH-A-010816"
        assert db.session.get(WorkOrder, first["order_id"]).number == "KH-OC-001488"
        assert db.session.get(FaultReport, second["report_id"]).number == "KH-A-010817"
        assert db.session.get(WorkOrder, second["order_id"]).number == "KH-OC-001489"


def test_reprint_a_chosen_range_on_a_partly_used_sheet(app, client_for, place):
    import io

    from pypdf import PdfReader

    from app.faults import qr
    from app.faults.models import StickerCode
    with app.app_context():
        codes = [s.code for s in qr.create_batch(6)]
        batch = db.session.query(StickerCode).filter_by(code=codes[0]).one().batch
        db.session.commit()
    manager = client_for("FacilityManager")
    assert "Stickers opnieuw printen uit batch" in manager.get(
        "/stickercodeview/list/").get_data(as_text=True)
    response = manager.get(f"/stickercodeview/reprint?batch={batch}&first=2&last=4&start=5")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.data))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert [c for c in codes if c in text] == codes[1:4]
    assert sum(len(p.images) for p in pdf.pages) == 3
    with app.app_context():
        assert qr.reprint_selection(list(range(6)), "2", "4", "5") == ([1, 2, 3], 4)
    response = manager.get(f"/stickercodeview/reprint?batch={batch}&first=5&last=9&start=1",
                           follow_redirects=True)
    assert "Kies stickers tussen 1 en 6." in response.get_data(as_text=True)
