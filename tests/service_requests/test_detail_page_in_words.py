"""The detail page and its forms as each role sees them: order numbers from the shared
series, no Correctie on the edit page, a Dutch correction
form, the help under "all products uploaded", an Audit tab in words, demo rows that name
who did them, the mails-sent tab, amounts with a comma."""
import io
import re

from flask_babel import force_locale
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.numbering import NumberSeries
from app.service_requests import demo
from app.service_requests.models import (
    AUDITED,
    Correction,
    DeliveredProduct,
    InternalCheck,
    ServiceRequest,
)
from tests.helpers import SRD, load, make_request, submit
from tests.service_requests.test_manual_walk import PDF, add_in_tab, show, step

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def text_of(html):
    """What a person reads: no tags, no scripts (FAB's search form sits in a script)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def tab(page, name, next_name=None):
    part = page.split(f'id="{name}"')[1]
    return part.split(f'id="{next_name}"')[0] if next_name else part


def audit_rows(page):
    """The Audit tab's rows as text, one string per row, and each row's cells."""
    rows = re.findall(r"<tr>(.*?)</tr>", tab(page, "AuditTab"), re.S)[1:]
    return ([text_of(row) for row in rows],
            [[text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)] for row in rows])


# 1 ------------------------------------------------------------------------------ numbers

def test_order_numbers_come_from_the_shared_numbering_series(app, products):
    first, second = make_request(app), make_request(app, name="Bert")
    year = load(app, first).order_no.split("-")[0]
    assert (load(app, first).order_no, load(app, second).order_no) == (f"{year}-000001",
                                                                         f"{year}-000002")
    with app.app_context():
        assert db.session.get(NumberSeries, f"service_request:{year}").value == 2
        assert "sr_order_number_counter" not in db.metadata.tables


# 2 ------------------------------------------------------------------------------ edit page

def test_the_edit_page_shows_no_tabs_so_no_correctie(app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")
    counter, finance = client_for("Counter"), client_for("Finance")
    page = counter.get(f"/service-requests/edit/{pk}").get_data(as_text=True)
    assert "Aanvrager wijzigen" in page and "Anna Jansen" in page
    for hidden in ("CorrectionView", "Correctie</a>", "Feedback naar klant", "Opgeleverd product",
                   'data-toggle="tab"'):
        assert hidden not in page, hidden
    assert "Correctie</a>" not in show(counter, pk)
    assert "Correctie</a>" in show(finance, pk)


# 3 ------------------------------------------------------------------------------ correction

def test_the_correction_form_takes_a_dutch_comma(app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")
    finance = client_for("Finance")
    url = f"/correctionview/add?_flt_0_service_request={pk}"
    form = finance.get(url).get_data(as_text=True)
    assert "Correctie bedrag" in form and "bijv. -15,00" in form
    amount = re.search(r'<input[^>]*name="amount_adjustment"[^>]*>', form).group(0)
    assert 'value=""' in amount and "0.00" not in amount
    assert ">(geen productregel)</option>" in form and ">__None<" not in form

    page = add_in_tab(finance, "correctionview", pk, {"amount_adjustment": "12,5x",
                                                     "reason": "Korting"})
    assert "Vul het bedrag in als getal, bijv. 12,50." in page
    with app.app_context():
        assert db.session.scalars(select(Correction)).all() == []

    page = add_in_tab(finance, "correctionview", pk, {"amount_adjustment": "-15,00",
                                                     "reason": "Korting vaste klant"})
    correction = text_of(tab(page, "CorrectionView", "MailsTab"))
    assert "Korting vaste klant" in correction and "SRD -15,00" in correction
    detail = text_of(tab(page, "Home", "CustomerFeedbackView"))
    assert "Correcties SRD -15,00" in detail and "Totaalbedrag SRD 10,00" in detail


def test_amounts_are_typed_and_shown_with_a_comma(app, products, admin_client, client_for):
    response = submit(admin_client, "/productview/add", {
        "code": "GROOT", "name": "Grote kaart", "kind": "survey_map", "unit_price": "1.234,50",
        "active": "y"}, follow_redirects=True)
    assert "Rij toegevoegd" in response.get_data(as_text=True)
    assert f"{SRD}1.234,50" in admin_client.get("/productview/list/").get_data(as_text=True)
    with app.app_context():
        product_id = db.session.execute(db.text(
            "select id from sr_product where code='GROOT'")).scalar()
    form = admin_client.get(f"/productview/edit/{product_id}").get_data(as_text=True)
    assert re.search(r'name="unit_price"[^>]*value="1\.234,50"', form), form
    # The pay form is filled in with the total as "1.234,50"; paying it as shown works.
    pk = make_request(app, code="GROOT", status="delivered")
    finance = client_for("Finance")
    assert 'value="1.234,50"' in show(finance, pk)
    page = step(finance, pk, "pay", {"amount": "1.234,50", "method": "card"})
    assert f"{SRD}1.234,50 · Pin" in page and load(app, pk).status == "paid"


# 4 ------------------------------------------------------------------------------ help text

def test_the_delivered_product_form_explains_all_products_uploaded(app, products, client_for):
    pk = make_request(app, status="assigned", writer="writer")
    form = client_for("Writer").get(
        f"/deliveredproductview/add?_flt_0_service_request={pk}").get_data(as_text=True)
    assert "Alle producten geüpload" in form
    assert ("Aanvinken als alle producten van de aanvraag zijn geüpload: de aanvraag gaat dan "
            "naar de interne controle.") in form


# 5 ------------------------------------------------------------------------------ audit tab

def test_every_audited_column_has_a_dutch_label_and_codes_have_words(app):
    with app.test_request_context(), force_locale("nl"):
        for model in AUDITED:
            excluded = set(model.__audit_exclude__)
            for column in model.__table__.columns:
                if column.key not in excluded:
                    label = audit.field_label(model.__name__, column.key)
                    assert label != column.key and "_" not in label, (model.__name__, column.key)
            if model.__name__ != "Product":  # the same word in Dutch
                assert audit.record_label(model.__name__) != model.__name__

        class Entry:
            entity_type, field, old_value, new_value = "Payment", "method", None, "card"
        assert audit.describe_change(Entry) == "Betaalwijze: — → Pin"
        Entry.entity_type, Entry.field, Entry.new_value = "InternalCheck", "result", "ok"
        assert audit.describe_change(Entry) == "Resultaat: — → Goedgekeurd"
        Entry.entity_type, Entry.field, Entry.new_value = "ServiceRequest", "urgency", "normal"
        assert audit.describe_change(Entry) == "Urgentie: — → Normaal"
        Entry.entity_type, Entry.field = "ApplicantFeedback", "source"
        Entry.new_value = "track_page"
        assert audit.describe_change(Entry) == "Via: — → Volgpagina"


def test_the_audit_tab_shows_words_names_and_local_times(app, products, client_for):
    pk = make_request(app, urgency="urgent", on_behalf_of="registrar", status="received")
    writer, desk, finance, viewer = (client_for(r) for r in
                                     ("Writer", "PickupDesk", "Finance", "Viewer"))
    with app.app_context():
        writer_id = app.appbuilder.sm.find_user(username="writer").id
    step(writer, pk, "assign", {"writer_id": str(writer_id)})
    add_in_tab(writer, "deliveredproductview", pk,
               {"upload": (io.BytesIO(PDF), "uittreksel.pdf"), "complete": "y"},
               content_type="multipart/form-data")
    add_in_tab(desk, "internalcheckview", pk, {"result": "ok", "remarks": "In orde"})
    step(desk, pk, "hand-over", {"handed_over_to": "Anna Jansen", "id_checked": "y"})
    step(finance, pk, "pay", {"amount": "25,00", "method": "card"})
    with app.app_context():
        line_id = db.session.execute(db.text(
            "select id from sr_requested_line where request_id=:pk"), {"pk": pk}).scalar()
    add_in_tab(finance, "correctionview", pk, {"product_line": f"r{line_id}", "new_quantity": "2",
                                               "amount_adjustment": "", "reason": "Twee"})

    viewer_rows, _ = audit_rows(show(viewer, pk))
    assert not any(" Correctie " in row for row in viewer_rows)  # not where it may not be seen
    rows, cells = audit_rows(show(finance, pk))
    wanted = [
        "Aangemaakt Aanvraag Urgentie Spoed", "Aangemaakt Aanvraag Namens Bewaarder",
        "Aangemaakt Aanvraag Aanvrager Anna Jansen",
        "Gewijzigd Aanvraag Uitschrijver Writer Test",
        "Aangemaakt Opgeleverd product Uitschrijver Writer Test",
        "Aangemaakt Opgeleverd product Bestand uittreksel.pdf",
        "Aangemaakt Opgeleverd product Alle producten geüpload Ja",
        "Aangemaakt Interne controle Gecontroleerd door Pickupdesk Test",
        "Aangemaakt Interne controle Resultaat Goedgekeurd",
        "Gewijzigd Aanvraag ID gecontroleerd Nee Ja",
        "Aangemaakt Betaling Betaalwijze Pin", "Aangemaakt Betaling Bedrag SRD 25,00",
        "Aangemaakt Aangevraagd product Stukprijs SRD 25,00",
        "Aangemaakt Aangevraagd product Product Hypothecair uittreksel",
        "Aangemaakt Correctie Productregel Hypothecair uittreksel",
        "Statuswijziging Aanvraag Status Product gereed voor de klant Product afgegeven",
    ]
    for text in wanted:
        assert any(text in row for row in rows), (text, rows)
    handed_over = next(row for row in cells if row[5] == "Afgegeven")
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", handed_over[7]), handed_over
    received = next(row for row in cells if row[5] == "Datum en tijd")
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", received[7]), received
    every_cell = {cell for row in cells for cell in row[3:]}
    for raw in ("True", "False", "None", "ok", "card", "urgent", "registrar", "online",
                "normal", "Assigned To Id", "assigned_to_id", "checked_by_id", "line_id",
                "uploaded_by_id", "id_card_file_id", "client_reference", "source", "request_id",
                "Id", "id", str(writer_id)):
        assert raw not in every_cell, raw
    assert not any(ISO_TIME.search(row) for row in rows)
    assert not any(re.search(r"\w_\w", cell) for cell in every_cell), every_cell


# 6 ------------------------------------------------------------------------------ demo

def test_demo_rows_name_the_writer_and_the_desk(app, admin_client):
    with app.app_context(), audit.acting_as("system", "demo loader"):
        demo.load()
        db.session.commit()
        assert db.session.scalars(select(DeliveredProduct.id).where(
            DeliveredProduct.uploaded_by_id.is_(None))).all() == []
        assert db.session.scalars(select(InternalCheck.id).where(
            InternalCheck.checked_by_id.is_(None))).all() == []
        pk = db.session.scalar(select(ServiceRequest.id).where(
            ServiceRequest.client_reference == "DEMO-08"))
    page = show(admin_client, pk)
    delivered = text_of(tab(page, "DeliveredProductView", "InternalCheckView"))
    checked = text_of(tab(page, "InternalCheckView", "ApplicantFeedbackView"))
    assert "Writer Test" in delivered and "None" not in delivered
    assert "Pickupdesk Test" in checked and "None" not in checked
    for url in ("/deliveredproductview/list/", "/internalcheckview/list/",
                "/customerfeedbackview/list/"):
        listing = text_of(admin_client.get(url).get_data(as_text=True))
        assert "None" not in listing and "Test" in listing, url


# 7 ------------------------------------------------------------------------------ mails sent

def test_the_mails_sent_tab_lists_this_requests_mails_newest_first(app, products, client_for,
                                                                    smtp_server, deliver):
    pk = make_request(app, status="assigned", writer="writer")
    other = make_request(app, status="assigned", writer="writer", name="Ander",
                         email="ander@example.org")
    writer, desk, viewer = client_for("Writer"), client_for("PickupDesk"), client_for("Viewer")
    first = text_of(tab(show(viewer, pk), "MailsTab", "AuditTab"))
    assert f"Uw aanvraag {load(app, pk).order_no} is ontvangen Wacht" in first  # the confirmation
    assert ">Verzonden e-mails</a>" in show(viewer, pk)

    add_in_tab(writer, "customerfeedbackview", pk, {"text": "Stuur een scherpere foto."})
    add_in_tab(writer, "customerfeedbackview", other, {"text": "Voor de ander."})
    mails = text_of(tab(show(viewer, pk), "MailsTab", "AuditTab"))
    order_no = load(app, pk).order_no
    assert (f"anna@example.org Uw aanvraag {order_no}: wij hebben meer informatie nodig Wacht"
            in mails)
    assert load(app, other).order_no not in mails and "ander@example.org" not in mails

    assert deliver() == (4, 0)  # two confirmations, two feedback mails
    with app.app_context():
        db.session.get(ServiceRequest, pk).status = "prepared"
        db.session.commit()
    add_in_tab(desk, "internalcheckview", pk, {"result": "ok"})
    page = show(viewer, pk)
    rows = [text_of(row) for row in
            re.findall(r"<tr>(.*?)</tr>", tab(page, "MailsTab", "AuditTab"), re.S)[1:]]
    assert len(rows) == 3
    assert f"Uw aanvraag {order_no} is gereed om af te halen Wacht" in rows[0]
    assert re.search(r"informatie nodig Verzonden \d\d-\d\d-\d{4} \d\d:\d\d$", rows[1]), rows
    assert re.search(r"is ontvangen Verzonden \d\d-\d\d-\d{4} \d\d:\d\d$", rows[2]), rows
    assert "<form" not in tab(page, "MailsTab", "AuditTab")
