"""Who works on a request, lines after intake, and the exceptions of a real office:
each test is named for what a clerk saw go wrong, and goes through the screens."""
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.service_requests.models import AdditionalProductLine, ServiceRequest
from tests.helpers import PASSWORD, csrf_token, log_in, make_request
from tests.service_requests.test_manual_walk import PDF, add_in_tab, png_bytes, show, status, step


def uid(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


@pytest.fixture
def second_writer(app):
    """A second writer, 'writer2', logged in; removed afterwards."""
    with app.app_context():
        sm = app.appbuilder.sm
        if sm.find_user(username="writer2") is None:
            sm.add_user("writer2", "Wim", "Tweede", "writer2@example.org", sm.find_role("Writer"),
                        PASSWORD)
            db.session.commit()
    return log_in(app.test_client(), app, "writer2")


def csrf(client, pk):
    """The session's CSRF token (any form of the user's has it; the request's own page
    may offer this user no form at all)."""
    return csrf_token(client, "/resetmypassword/form")


def tab(page, name):
    """The HTML of one tab of the detail page."""
    return page.split(f'<div id="{name}"')[1].split('<div id="')[0]


def request_row(app, pk):
    with app.app_context():
        sr = db.session.get(ServiceRequest, pk)
        return {"status": sr.status, "assigned_to_id": sr.assigned_to_id, "total": sr.total,
                "file": sr.id_card_file_id, "cancel_reason": sr.cancel_reason,
                "additional": [(line.product.code, line.quantity) for line in sr.additional_lines]}


# ---- Ownership: only the assigned writer (or a lead / Admin) works on a request ----

def test_another_writer_cannot_upload_or_complete_a_request_assigned_to_someone_else(
        app, products, client_for, second_writer):
    pk = make_request(app, status="assigned", writer="writer")
    url = f"/deliveredproductview/add?_flt_0_service_request={pk}"
    # The form is not offered to the other writer, nor the add button on the tab.
    page = second_writer.get(url, follow_redirects=True).get_data(as_text=True)
    assert "Deze stap is nu niet mogelijk voor deze aanvraag." in page
    tab_html = tab(show(second_writer, pk), "DeliveredProductView")
    assert "deliveredproductview/add" not in tab_html
    # A forged POST is refused by the workflow, as is feedback to the customer.
    token = csrf(second_writer, pk)
    second_writer.post(url, data={"upload": (io.BytesIO(PDF), "stiekem.pdf"), "complete": "y",
                                  "csrf_token": token}, content_type="multipart/form-data")
    second_writer.post(f"/customerfeedbackview/add?_flt_0_service_request={pk}",
                       data={"text": "Van een ander", "csrf_token": token})
    assert status(app, pk) == "assigned"
    page = show(client_for("Viewer"), pk)
    assert "stiekem.pdf" not in page and "Van een ander" not in page
    # The assigned writer can; so can a lead.
    page = add_in_tab(client_for("Writer"), "deliveredproductview", pk,
                      {"upload": (io.BytesIO(PDF), "deel.pdf")}, content_type="multipart/form-data")
    assert status(app, pk) == "in_preparation"
    lead = client_for("WriterLead")
    add_in_tab(lead, "deliveredproductview", pk,
               {"upload": (io.BytesIO(PDF), "compleet.pdf"), "complete": "y"},
               content_type="multipart/form-data")
    assert status(app, pk) == "prepared"


def test_a_writer_cannot_take_another_writers_request_but_a_lead_can(app, products, client_for,
                                                                       second_writer):
    pk = make_request(app, status="assigned", writer="writer")
    page = show(second_writer, pk)
    assert "Aan mij toewijzen" not in page and 'name="writer_id"' not in page
    response = second_writer.post(f"/service-requests/assign/{pk}", data={
        "writer_id": str(uid(app, "writer2")), "csrf_token": csrf(second_writer, pk)})
    assert response.status_code == 422
    assert request_row(app, pk)["assigned_to_id"] == uid(app, "writer")
    step(client_for("WriterLead"), pk, "assign", {"writer_id": str(uid(app, "writer2"))})
    assert request_row(app, pk)["assigned_to_id"] == uid(app, "writer2")


def test_assign_to_me_and_the_assign_form_preselects_the_current_writer(app, products, client_for,
                                                                        second_writer):
    pk = make_request(app)
    page = show(second_writer, pk)
    me = uid(app, "writer2")
    # Not the alphabetically first writer: the user who opens the page.
    assert re.search(rf'<option value="{me}" selected>', page), page.split('id="writer_id"')[1][:600]
    assert "Aan mij toewijzen" in page
    step(second_writer, pk, "assign", {"writer_id": str(me)})
    assert request_row(app, pk) | {"status": "assigned"} == request_row(app, pk)
    assert request_row(app, pk)["assigned_to_id"] == me
    assert "Aan mij toewijzen" not in show(second_writer, pk)


# ---- Lines after intake: the writer adds print A4, Finance corrects any line ----

def test_the_writer_adds_print_a4_pages_while_writing_up_and_the_total_follows(app, products,
                                                                               client_for):
    pk = make_request(app, status="assigned", writer="writer")
    writer = client_for("Writer")
    with app.app_context():
        print_id = db.session.execute(
            db.text("select id from sr_product where code='PRINT-A4'")).scalar()
    page = step(writer, pk, "add-line", {"product_id": str(print_id), "quantity": "3"})
    assert "Print A4" in page and "SRD\N{NO-BREAK SPACE}29,50" in page  # 25,00 + 3 × 1,50
    assert request_row(app, pk)["additional"] == [("PRINT-A4", 3)]
    assert request_row(app, pk)["total"] == Decimal("29.50")
    # Not a writer: no form; another writer: refused.
    assert 'name="product_id"' not in show(client_for("Finance"), pk)


def test_finance_corrects_an_additional_line_and_the_total_follows(app, products, client_for):
    pk = make_request(app, extra_pages=4, status="delivered", writer="writer")
    finance = client_for("Finance")
    with app.app_context():
        line_id = db.session.scalars(select(AdditionalProductLine.id).where(
            AdditionalProductLine.request_id == pk)).one()
    form = finance.get(f"/correctionview/add?_flt_0_service_request={pk}").get_data(as_text=True)
    assert f'value="a{line_id}"' in form and "Print A4 (bijkomend)" in form
    page = add_in_tab(finance, "correctionview", pk, {
        "product_line": f"a{line_id}", "new_quantity": "2", "reason": "Maar 7 bladen"})
    assert "Maar 7 bladen" in page
    assert request_row(app, pk)["additional"] == [("PRINT-A4", 2)]
    assert request_row(app, pk)["total"] == Decimal("28.00")


def test_a_correction_cannot_make_the_total_negative(app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")  # SRD 25,00
    finance = client_for("Finance")
    page = add_in_tab(finance, "correctionview", pk,
                      {"amount_adjustment": "-30,00", "reason": "Te veel"})
    assert "negatief" in page
    assert request_row(app, pk)["total"] == Decimal("25.00")
    # The refused form keeps what was typed.
    assert 'value="-30,00"' in page and "Te veel" in page
    add_in_tab(finance, "correctionview", pk, {"amount_adjustment": "-25,00", "reason": "Gratis"})
    assert request_row(app, pk)["total"] == Decimal("0.00")


# ---- Steps not offered out of turn; a refused form keeps what was typed ----

def test_forms_for_steps_not_allowed_now_are_not_offered(app, products, client_for):
    pk = make_request(app, status="received")
    desk = client_for("PickupDesk")
    response = desk.get(f"/internalcheckview/add?_flt_0_service_request={pk}")
    assert response.status_code == 302 and response.location.endswith(f"/service-requests/show/{pk}")
    tab_html = tab(show(desk, pk), "InternalCheckView")
    assert "internalcheckview/add" not in tab_html
    make_ready = make_request(app, status="prepared", writer="writer")
    tab_html = tab(show(desk, make_ready), "InternalCheckView")
    assert "internalcheckview/add" in tab_html


def test_a_refused_step_keeps_what_was_typed(app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")
    finance = client_for("Finance")
    step(finance, pk, "pay", {"amount": "25,00", "method": "cash"})
    page = step(finance, pk, "refund", {"amount": "99,00", "reason": "Klant wilde niet meer",
                                        "step": "refund"})
    assert "hoogstens" in page or "ten hoogste" in page or "meer dan nul" in page
    assert 'value="99,00"' in page and 'value="Klant wilde niet meer"' in page


# ---- Cancel / withdraw, the administrator's override, a new ID photo ----

def test_a_request_can_be_cancelled_with_a_reason_and_what_was_paid_refunded(app, products,
                                                                             client_for):
    pk = make_request(app, status="assigned", writer="writer")
    counter, finance = client_for("Counter"), client_for("Finance")
    page = step(counter, pk, "cancel", {"reason": ""})
    assert status(app, pk) == "assigned" and "reden" in page.lower()
    step(finance, pk, "pay", {"amount": "25,00", "method": "cash"})
    page = step(counter, pk, "cancel", {"reason": "Klant trekt aanvraag in"})
    assert status(app, pk) == "cancelled"
    assert "Geannuleerd" in page and "Klant trekt aanvraag in" in page
    # Paid: Finance refunds; the request stays cancelled.
    page = show(finance, pk)
    assert 'id="refund_amount"' in page
    step(finance, pk, "refund", {"amount": "25,00", "reason": "Ingetrokken"})
    assert status(app, pk) == "cancelled"
    # Nothing of the writer's steps is offered on a cancelled request.
    assert "deliveredproductview/add" not in show(client_for("Writer"), pk)
    assert 'id="cancel_reason"' not in show(counter, pk)


def test_the_administrator_overrides_the_status_with_a_mandatory_reason_audited(app, products,
                                                                              admin_client,
                                                                              client_for):
    pk = make_request(app, status="delivered", writer="writer")
    assert 'id="override_status"' not in show(client_for("Finance"), pk)
    page = step(admin_client, pk, "override-status", {"status": "ready", "reason": ""})
    assert status(app, pk) == "delivered"
    page = step(admin_client, pk, "override-status",
                {"status": "ready", "reason": "Verkeerd afgegeven, ligt nog hier"})
    assert status(app, pk) == "ready"
    audit_tab = page.split('id="AuditTab"')[1]
    assert "Status door beheerder gezet" in audit_tab
    assert "Verkeerd afgegeven, ligt nog hier" in audit_tab
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.subject_id == str(pk), AuditEntry.action == "override")).all()
        assert {(e.field, e.old_value, e.new_value) for e in entries} == {
            ("status", "delivered", "ready"),
            ("reason", None, "Verkeerd afgegeven, ligt nog hier")}


def test_the_id_photo_can_be_replaced_and_the_old_one_is_named_in_the_audit(app, products,
                                                                             client_for):
    pk = make_request(app, status="assigned", writer="writer")
    counter = client_for("Counter")
    step(counter, pk, "replace-id-photo", {"id_card": (io.BytesIO(png_bytes("red")), "oud.png")})
    first = request_row(app, pk)["file"]
    assert first is not None
    page = step(counter, pk, "replace-id-photo",
                {"id_card": (io.BytesIO(png_bytes("blue")), "nieuw.png")})
    assert request_row(app, pk)["file"] not in (None, first)
    audit_tab = page.split('id="AuditTab"')[1]
    # The old photo by its name (stored files keep their name, photos become .jpg).
    assert re.search(r"ID kaart</td>\s*<td>oud\.\w+</td>\s*<td>nieuw\.\w+</td>", audit_tab)
    # Not an image: refused with a message, the photo unchanged.
    before = request_row(app, pk)["file"]
    page = step(counter, pk, "replace-id-photo", {"id_card": (io.BytesIO(PDF), "id.pdf")})
    assert request_row(app, pk)["file"] == before
