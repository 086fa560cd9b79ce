"""The ten faults found when the deck was played end to end, one test each (named for
the fix), checked the way the user would: pages, mails in the outbox, records."""
import io
import re
from decimal import Decimal

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.faults import tokens, workflow
from app.faults.models import Complaint, Contractor, FaultReport, Location, WorkOrder
from app.files.models import StoredFile
from app.mail.models import OutboxMessage
from tests.helpers import CONTRACTOR_EMAIL, REPORTER_EMAIL, complete, jpeg, make_order, page, row_count, submit

OFFICE = "info@klusheeren.nl"
REPORT = {"description": "Koffieautomaat lekt", "first_name": "Douwe", "last_name": "Demo",
          "email": REPORTER_EMAIL, "phone": "088-5550555"}


def mails(app, to=None, subject=None):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(m.recipients, m.subject, m.body_text, m.body_html or "") for m in rows
                if (to is None or to in m.recipients) and (subject is None or subject in m.subject)]


def other_partner(app, name="Andere partner", email="ander@example.org"):
    with app.app_context():
        other = Contractor(name=name, email=email, phone="010-7654321")
        db.session.add(other)
        db.session.commit()
        return other.id


def test_fix1_reassignment_moves_the_complaint_link_to_the_new_partner(app, client_for, place):
    links = make_order(app, place)
    reporter = app.test_client()
    submit(reporter, links["r"], {"text": "Niemand gekomen"}, post_url=links["r"] + "/complaint")
    with app.app_context():
        old_link = "/c/" + tokens.token_for(db.session.scalars(select(Complaint)).one())
    assert app.test_client().get(old_link).status_code == 200
    other_id = other_partner(app)
    manager = client_for("FacilityManager")
    submit(manager, f"/workorderview/edit/{links['order_id']}",
           {"contractor": str(other_id), "internal_note": ""})
    # the old partner's link shows nothing and accepts nothing any more
    assert app.test_client().get(old_link).status_code == 404
    assert app.test_client().post(old_link, data={"response": "x"}).status_code in (400, 404)
    # the new partner got the complaint with its own link, and answers on it
    [(_to, _subject, body, _html)] = mails(app, "ander@example.org", "Klacht over opdracht")
    new_link = re.search(r"/c/[A-Za-z0-9_\-]+", body).group(0)
    assert new_link != old_link
    partner = app.test_client()
    response = submit(partner, new_link, {"response": "Morgen om 9 uur"}, follow_redirects=True)
    assert "Morgen om 9 uur" in page(response)
    view = page(reporter.get(links["r"]))
    assert "Reactie van Andere partner" in view and "Morgen om 9 uur" in view


def test_fix2_every_public_form_redirects_and_a_reload_files_nothing(app, client, client_for,
                                                                      place):
    links = make_order(app, place)
    code = place["codes"][0]
    before = row_count(app, FaultReport), len(mails(app))
    response = submit(client, f"/q/{code}", REPORT)
    assert response.status_code == 302 and response.headers["Location"].startswith("/r/")
    status_page = response.headers["Location"]
    for _ in range(2):  # reloading the page after "Melding verzonden"
        assert client.get(status_page).status_code == 200
    assert row_count(app, FaultReport) == before[0] + 1
    assert len(mails(app)) == before[1] + 2  # one order mail, one confirmation
    # registration, the contractor's form, rating and complaint all answer with a redirect
    manager = client_for("FacilityManager")
    response = submit(manager, f"/q/{place['codes'][1]}", {
        "location_id": place["location_id"], "contractor_id": place["contractor_id"],
        "placement": "Gang", "device_type": "Deur"})
    assert response.status_code == 302
    assert "Apparaat geregistreerd" in page(manager.get(response.headers["Location"]))
    contractor = app.test_client()
    assert submit(contractor, links["wo"], {"action": "accept"}).status_code == 302
    assert submit(client, links["r"], {"text": "Traag"},
                  post_url=links["r"] + "/complaint").status_code == 302


def test_fix2_a_device_with_an_open_report_is_said_so_on_the_scan_page(app, client, place):
    make_order(app, place)
    view = page(client.get(f"/q/{place['codes'][0]}"))
    assert "KH-A-000001" in view and "ik heb dit ook" in view.lower()


def test_fix4_complete_asks_confirmation_and_requires_invoice_and_warranty(app, place):
    links = make_order(app, place)
    contractor = app.test_client()
    submit(contractor, links["wo"], {"action": "accept"})
    response = submit(contractor, links["wo"], {"action": "complete"})
    assert response.status_code == 400
    assert "Vul vóór het afmelden in: Totaalbedrag factuur excl. btw, Garantie." in page(response)
    fields = {"invoice_total": "258,17", "warranty": "no"}
    response = submit(contractor, links["wo"], {**fields, "action": "complete"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "?confirm=complete")
    view = page(contractor.get(response.headers["Location"]))
    assert "Opdracht KH-OC-000001 afmelden?" in view and "Ja, afmelden" in view
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.status == "accepted" and order.invoice_total == Decimal("258.17")
    response = submit(contractor, links["wo"], {**fields, "action": "complete",
                                                "confirmed": "yes"}, follow_redirects=True)
    assert "De opdracht is afgemeld" in page(response)
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).status == "completed"


def test_fix4_what_complete_requires_is_configurable(app, place):
    links = make_order(app, place)
    old = app.config["FAULTS_COMPLETE_REQUIRED"]
    app.config["FAULTS_COMPLETE_REQUIRED"] = ()
    try:
        contractor = app.test_client()
        submit(contractor, links["wo"], {"action": "accept"})
        submit(contractor, links["wo"], {"action": "complete", "confirmed": "yes"})
    finally:
        app.config["FAULTS_COMPLETE_REQUIRED"] = old
    with app.app_context():
        assert db.session.get(WorkOrder, links["order_id"]).status == "completed"


def test_fix4_the_facility_manager_reopens_a_completed_order_as_a_new_linked_order(
        app, client_for, place):
    links = make_order(app, place)
    with app.app_context():
        complete(workflow.transition(db.session.get(WorkOrder, links["order_id"]), "accept"))
        db.session.commit()
    manager = client_for("FacilityManager")
    response = submit(manager, f"/workorderview/show/{links['order_id']}",
                      {"reason": "Lekt weer"}, post_url=f"/workorderview/reopen/{links['order_id']}",
                      follow_redirects=True)
    assert "De opdracht is heropend als nieuwe opdracht." in page(response)
    assert "KH-OC-000002" in page(response) and "KH-OC-000001" in page(response)
    with app.app_context():
        old = db.session.get(WorkOrder, links["order_id"])
        report = old.report
        new = report.work_order
        assert new.number == "KH-OC-000002" and new.reopened_from_id == old.id
        assert not old.is_current and old.status == "completed" and new.status == "new"
    assert mails(app, CONTRACTOR_EMAIL, "Nieuwe opdracht KH-OC-000002")
    assert mails(app, REPORTER_EMAIL, "is heropend")
    # the reporter's page follows the new order
    assert "Nieuw" in page(app.test_client().get(links["r"]))


def test_fix5_contact_details_in_every_mail_and_page(app, place):
    with app.app_context():
        location = db.session.get(Location, place["location_id"])
        location.contact_name, location.contact_phone = "Receptie", "020-5550000"
        location.contact_email = "receptie@demo.example"
        db.session.commit()
    links = make_order(app, place)
    [(_to, _subject, _text, html)] = mails(app, CONTRACTOR_EMAIL, "Nieuwe opdracht")
    assert REPORTER_EMAIL in html and "088-5550555" in html and "Douwe Demo" in html
    assert "Receptie" in html and "020-5550000" in html
    [(_to, _subject, text, _html)] = mails(app, REPORTER_EMAIL, "is ontvangen")
    assert "020-1234567" in text and CONTRACTOR_EMAIL in text
    submit(app.test_client(), links["wo"], {"action": "accept"})
    [(_to, _subject, text, _html)] = mails(app, REPORTER_EMAIL, "is opgepakt")
    assert "020-1234567" in text and CONTRACTOR_EMAIL in text
    reporter_page = page(app.test_client().get(links["r"]))
    assert "020-1234567" in reporter_page and CONTRACTOR_EMAIL in reporter_page
    contractor_page = page(app.test_client().get(links["wo"]))
    assert "Receptie" in contractor_page and "receptie@demo.example" in contractor_page


def _completed(app, place):
    links = make_order(app, place)
    with app.app_context():
        complete(workflow.transition(db.session.get(WorkOrder, links["order_id"]), "accept"))
        db.session.commit()
    return links


def test_fix6_not_solved_flags_the_order_and_tells_the_office(app, client_for, place):
    links = _completed(app, place)
    reporter = app.test_client()
    response = submit(reporter, links["r"], {"speed": "4", "communication": "4", "quality": "4",
                                             "solved": "no"}, post_url=links["r"] + "/rating",
                      follow_redirects=True)
    assert "niet is opgelost" in page(response)
    with app.app_context():
        order = db.session.get(WorkOrder, links["order_id"])
        assert order.flagged_at and "niet is opgelost" in order.flag_reason
    [(_to, subject, text, _html)] = mails(app, OFFICE)
    assert subject == "Aandacht nodig: melding KH-A-000001 (KH-OC-000001)"
    assert "Koffieautomaat" not in subject and "/workorderview/show/" in text
    listing = page(client_for("FacilityManager").get(
        "/faultworkorders/workorderflaggedview/list/"))
    assert "KH-OC-000001" in listing


def test_fix6_a_low_rating_and_a_complaint_reach_the_office(app, place):
    links = _completed(app, place)
    reporter = app.test_client()
    submit(reporter, links["r"], {"speed": "1", "communication": "2", "quality": "2",
                                  "solved": "yes"}, post_url=links["r"] + "/rating")
    assert mails(app, OFFICE, "Aandacht nodig")
    submit(reporter, links["r"], {"text": "Rommel achtergelaten"},
           post_url=links["r"] + "/complaint")
    [(_to, _subject, text, _html)] = mails(app, OFFICE, "Nieuwe klacht over opdracht KH-OC-000001")
    assert "Rommel achtergelaten" in text


def test_fix7_no_new_order_mail_for_a_completed_order(app, client_for, place):
    links = _completed(app, place)
    manager = client_for("FacilityManager")
    show = page(manager.get(f"/workorderview/show/{links['order_id']}"))
    assert "/workorderview/resend/" not in show
    before = len(mails(app))
    response = submit(manager, f"/workorderview/show/{links['order_id']}", {},
                      post_url=f"/workorderview/resend/{links['order_id']}",
                      follow_redirects=True)
    assert "de opdrachtmail wordt niet opnieuw verstuurd" in page(response)
    assert len(mails(app)) == before


def test_fix8_report_form_marks_required_fields_and_keeps_the_photo(app, client, place):
    form = page(client.get("/report"))
    assert re.search(r'<label for="placement">Exacte locatie \*</label>', form)
    assert re.search(r'<input id="placement" name="placement"[^>]*required', form)
    response = submit(client, "/report", {
        **REPORT, "email": "geen-adres", "location_id": place["location_id"],
        "placement": "Keuken", "photo": (io.BytesIO(jpeg()), "lekkage.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    view = page(response)
    assert "lekkage.jpg" in view and "bewaard" in view
    kept = re.search(r'name="kept_photo" value="([^"]+)"', view).group(1)
    files_before = row_count(app, StoredFile)
    response = submit(client, "/report", {**REPORT, "location_id": place["location_id"],
                                          "placement": "Keuken", "kept_photo": kept},
                      follow_redirects=True)
    view = page(response)
    assert "Melding verzonden" in view and "KH-A-000001" in view
    assert 'href="/report"' in view and "Nog een storing melden" in view
    with app.app_context():
        report = db.session.scalars(select(FaultReport)).one()
        assert report.photo is not None and report.photo.original_name == "lekkage.jpg"
    assert row_count(app, StoredFile) == files_before  # the kept photo, not a second copy
    # a forged kept_photo is ignored
    submit(client, "/report", {**REPORT, "location_id": place["location_id"],
                               "placement": "Hal", "kept_photo": "bogus"})
    with app.app_context():
        assert db.session.scalars(select(FaultReport).order_by(FaultReport.id.desc())
                                  ).first().photo is None


def _big_photo():
    image = Image.effect_noise((3000, 2250), 90).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_fix9_pdf_photos_downsized_labelled_dutch_and_no_black_squares(app, place):
    from app.faults.rules import pdf_text
    big = _big_photo()
    assert len(big) > 2_000_000
    with app.app_context():
        from app import audit
        from app.faults.models import StickerCode
        sticker = db.session.query(StickerCode).filter_by(code=place["codes"][0]).one()
        with audit.acting_as("system", "test"):
            device = workflow.register_device(
                sticker, location=db.session.get(Location, place["location_id"]),
                contractor=db.session.get(Contractor, place["contractor_id"]),
                placement="Keuken", device_type="Koffieautomaat", photo=(big, "groot.jpg"))
            report = workflow.create_report(
                device=device, description="Koffie ☕ lekt 💧 overal", first_name="Zoë",
                last_name="Łukasz", email=REPORTER_EMAIL, photo=(big, "storing.jpg"))
            pdf = workflow.work_order_pdf(report.work_order)
        db.session.rollback()
    assert len(pdf) < 600_000
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Foto bij de melding" in text and "Foto van het apparaat" in text
    assert "E-mail" in text and "Foto's" in text and "\nFile" not in text and "Email" not in text
    assert "Koffie lekt overal" in text and "Zoë" in text
    assert pdf_text("Koffie ☕ lekt 💧") == "Koffie lekt" and pdf_text("Łukasz") == "Lukasz"


def test_fix10_order_page_shows_the_report_and_links_report_order_and_complaint(
        app, client_for, place):
    links = make_order(app, place)
    reporter = app.test_client()
    submit(reporter, links["r"], {"text": "Traag"}, post_url=links["r"] + "/complaint")
    manager = client_for("FacilityManager")
    order_page = page(manager.get(f"/workorderview/show/{links['order_id']}"))
    for expected in ("Demo locatie 1", "Keuken 1e verdieping", "Koffieautomaat",
                     "Lekkage onder de koffieautomaat", "/thumbnail",
                     f"/faultreportview/show/{links['report_id']}", "/complaintview/show/"):
        assert expected in order_page, expected
    report_page = page(manager.get(f"/faultreportview/show/{links['report_id']}"))
    assert f"/workorderview/show/{links['order_id']}" in report_page
    with app.app_context():
        complaint_id = db.session.scalars(select(Complaint.id)).one()
        # a sticker report's exact location is the device's placement
        assert db.session.get(FaultReport, links["report_id"]).placement == "Keuken 1e verdieping"
    complaint_page = page(manager.get(f"/complaintview/show/{complaint_id}"))
    assert f"/workorderview/show/{links['order_id']}" in complaint_page
    assert f"/faultreportview/show/{links['report_id']}" in complaint_page
    listing = page(manager.get("/workorderview/list/"))
    assert "Demo locatie 1" in listing and "Locatie" in listing
