"""Evidence: several photos per report; the partner's after-photos, work report and
invoice on the order page; a cost-approval limit per partner above which the facility
manager approves before AFMELDEN."""
import io
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.faults.models import Contractor, Evidence, FaultReport, WorkOrder
from app.files import process_pending
from app.mail.models import OutboxMessage
from tests.helpers import jpeg, make_order, page, submit


def _pdf():
    from pypdf import PdfWriter
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def test_a_report_takes_several_photos(app, client, place):
    form = page(client.get("/report"))
    assert 'name="photo" type="file" accept="image/*" capture="environment" multiple' in form
    response = submit(client, "/report", {
        "location_id": place["location_id"], "placement": "Hal", "description": "Lekkage",
        "first_name": "Douwe", "last_name": "Demo", "email": "douwe@example.org",
        "photo": [(io.BytesIO(jpeg(color=c)), f"{n}.jpg") for n, c in
                  enumerate([(200, 0, 0), (0, 200, 0), (0, 0, 200)])]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        report = db.session.scalars(select(FaultReport)).one()
        assert report.photo is not None
        assert [e.kind for e in report.evidence] == ["report_photo", "report_photo"]
        process_pending()  # the worker re-encodes them (test_photo_quarantine.py)
    view = page(client.get(response.headers["Location"]))
    assert view.count("/photo/") >= 3


def test_the_partner_adds_after_photo_work_report_and_invoice(app, client_for, place):
    links = make_order(app, place)
    partner = app.test_client()
    for kind, upload in (("after_photo", (io.BytesIO(jpeg()), "na.jpg")),
                         ("work_report", (io.BytesIO(PDF), "werkbon.pdf")),
                         ("invoice", (io.BytesIO(PDF), "factuur.pdf"))):
        response = submit(partner, links["wo"], {"kind": kind, "file": upload},
                          post_url=links["wo"] + "/upload", content_type="multipart/form-data")
        assert response.status_code == 302, page(response)
    response = submit(partner, links["wo"], {"kind": "invoice",
                                             "file": (io.BytesIO(b"MZ..."), "x.exe")},
                      post_url=links["wo"] + "/upload", content_type="multipart/form-data")
    assert response.status_code == 400 and "niet geaccepteerd" in page(response)
    view = page(partner.get(links["wo"]))
    assert "Werkbon: werkbon.pdf" in view and "Factuur: factuur.pdf" in view
    with app.app_context():
        keys = {e.kind: e.file.key for e in db.session.scalars(select(Evidence))}
    assert partner.get(f"{links['wo']}/photo/{keys['invoice']}").mimetype == "application/pdf"
    # the reporter sees the after-photo but not the invoice
    assert app.test_client().get(f"{links['r']}/photo/{keys['after_photo']}").status_code == 200
    assert app.test_client().get(f"{links['r']}/photo/{keys['invoice']}").status_code == 404
    manager_view = page(client_for("FacilityManager").get(
        f"/workorderview/show/{links['order_id']}"))
    assert "factuur.pdf" in manager_view and "werkbon.pdf" in manager_view
    assert client_for("FacilityManager").get(f"/files/{keys['invoice']}").status_code == 200


def test_costs_above_the_partners_limit_need_approval_before_complete(app, client_for, place):
    with app.app_context():
        db.session.get(Contractor, place["contractor_id"]).cost_approval_limit = Decimal("250")
        db.session.commit()
    links = make_order(app, place)
    partner = app.test_client()
    submit(partner, links["wo"], {"action": "accept"})
    fields = {"invoice_total": "258,17", "warranty": "no"}
    response = submit(partner, links["wo"], {**fields, "action": "complete", "confirmed": "yes"})
    assert response.status_code == 400 and "goedkeuring" in page(response).lower()
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.status == "accepted" and order.invoice_total == Decimal("258.17")
        asked = [m.subject for m in db.session.scalars(select(OutboxMessage))
                 if "info@klusheeren.nl" in m.recipients]
    assert [s.replace("\xa0", " ") for s in asked] == [
        "Kostengoedkeuring nodig: opdracht KH-OC-000001 (€ 258,17)"]
    manager = client_for("FacilityManager")
    response = submit(manager, f"/workorderview/show/{links['order_id']}", {},
                      post_url=f"/workorderview/approve-costs/{links['order_id']}",
                      follow_redirects=True)
    assert "De kosten zijn goedgekeurd" in page(response)
    response = submit(partner, links["wo"], {**fields, "action": "complete", "confirmed": "yes"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).status == "completed"
        subjects = [m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert "Kosten goedgekeurd voor opdracht KH-OC-000001" in subjects
