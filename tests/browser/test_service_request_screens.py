"""The service-request screens of the user guides in a real browser: Finance's ledger on
the request page (a partial payment with its numbered receipt, voiding it), the cash
report, a writer's notifications with the count in the menu bar, cancelling with a
reason at the counter, and the customer's track page with the amount due. Each test
takes the guide's screenshot of the step it walks."""
import csv
import io

from app import audit
from app.extensions import db
from tests.helpers import (
    SRD,
    browser_log_in,
    guide_shot,
    load,
    make_request,
    shown_value,
    user_id,
)

LEDGER = "Betaald, afgeven, ID en restituties"


def _section(page, title):
    """A fold-out part of the request page (FAB's fieldset panel), by its heading."""
    return page.locator(".panel-group", has=page.locator("a.accordion-toggle", has_text=title))


def _with_request(app, pk, change):
    """Set-up through the workflow, as the system (the steps' own tests are elsewhere)."""
    from app.service_requests import workflow
    from app.service_requests.models import ServiceRequest

    with app.app_context(), audit.acting_as("system", "test set-up"):
        sr = db.session.get(ServiceRequest, pk)
        result = change(workflow, sr)
        db.session.commit()
        return result


def test_finance_books_a_partial_payment_prints_the_receipt_and_voids_it(page, app, products):
    # 50 extracts and 5 extra pages: SRD 1.257,50, thousands written the Dutch way
    pk = make_request(app, quantity=50, extra_pages=5, name="Lisa Tjon", status="ready",
                      writer="writer")
    _with_request(app, pk, lambda wf, sr: wf.hand_over(sr, "Lisa Tjon", True))
    browser_log_in(page, "finance")
    page.goto(f"/service-requests/show/{pk}")
    assert shown_value(page, "Openstaand saldo") == f"{SRD}1.257,50"
    assert page.input_value("#pay_amount") == "1.257,50"
    page.fill("#pay_amount", "1.000")
    page.select_option("#pay_method", label="Contant")
    actions = page.locator(".sr-steps")
    guide_shot(page, "finance-betaling-boeken", section=actions)
    actions.get_by_role("button", name="Betaling boeken").click()
    page.wait_for_selector("text=Opgeslagen.")

    paid = shown_value(page, "Betaald")
    assert f"{SRD}1.000,00 · Contant · Kwitantie K" in paid
    assert shown_value(page, "Openstaand saldo") == f"{SRD}257,50"
    assert shown_value(page, "Status") == "Product afgegeven"  # partly paid: not Betaald
    guide_shot(page, "finance-aanvraag-saldo", section=_section(page, LEDGER))
    receipt = page.get_by_role("link", name="Kwitantie K")
    response = page.request.get(receipt.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # A payment booked by mistake: void it with the reason; it stays, struck through.
    page.fill("#void_reason", "Verkeerd bedrag geboekt")
    guide_shot(page, "finance-acties-na-betaling", section=actions)
    page.get_by_role("button", name="Laten vervallen").click()
    page.wait_for_selector("text=Opgeslagen.")
    paid = shown_value(page, "Betaald")
    assert "Vervallen" in paid and "Verkeerd bedrag geboekt" in paid
    assert shown_value(page, "Openstaand saldo") == f"{SRD}1.257,50"


def test_cash_report_shows_the_days_totals_and_its_csv(page, app, products):
    first = make_request(app, name="Rita Wong", status="delivered")
    second = make_request(app, quantity=40, name="Johan Pinas", status="delivered")
    _with_request(app, first, lambda wf, sr: wf.mark_paid(sr, "25", "cash"))
    _with_request(app, second, lambda wf, sr: wf.mark_paid(sr, "1.000", "card"))
    _with_request(app, first, lambda wf, sr: wf.refund(sr, "10", "Te veel gerekend"))
    browser_log_in(page, "finance")
    page.get_by_role("link", name="Kasrapport").first.click()
    page.wait_for_selector("table.sr-cash-methods")

    def row(table, label):
        return page.locator(f"table.{table} tr", has=page.locator(f"text='{label}'")) \
            .inner_text().split("\t")

    assert row("sr-cash-methods", "Contant") == ["Contant", "1", f"{SRD}25,00"]
    assert row("sr-cash-methods", "Pin") == ["Pin", "1", f"{SRD}1.000,00"]
    assert row("sr-cash-methods", "Totaal ontvangen") == ["Totaal ontvangen", "2",
                                                         f"{SRD}1.025,00"]
    assert row("sr-cash-methods", "Netto")[-1] == f"{SRD}1.015,00"
    assert page.locator("table.sr-cash-payments tbody tr").count() == 2
    assert "Te veel gerekend" in page.locator("table.sr-cash-refunds").inner_text()
    page.set_viewport_size({"width": 1280, "height": 720})
    guide_shot(page, "finance-kasrapport")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(open(info.value.path(), encoding="utf-8-sig").read()),
                           delimiter=";"))
    assert ["Totaal ontvangen", "2", "1.025,00"] in rows
    response = page.request.get(page.get_by_role("link", name="PDF").get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"


def test_writer_sees_the_count_of_notifications_and_opens_one(page, app, products):
    from app import notifications

    pk = make_request(app, name="Priya Kalloe", status="documents_needed", writer="writer")
    other = make_request(app, name="Marco Sastro", status="assigned", writer="writer")
    number, other_number = load(app, pk).order_no, load(app, other).order_no
    with app.app_context():
        for request_id, ref, kind in ((pk, number, "sr.documents"),
                                      (other, other_number, "sr.correction")):
            notifications.notify([user_id(app, "writer")], kind, ref=ref,
                                 url=f"/service-requests/show/{request_id}")
        db.session.commit()
    browser_log_in(page, "writer")
    bell = page.locator(".navbar a", has_text="Mijn meldingen")
    assert bell.locator(".notifications-count").inner_text() == "2"
    bell.click()
    page.wait_for_selector("table.notifications")
    texts = page.locator("table.notifications tbody tr").all_inner_texts()
    assert any(f"Nieuwe documenten bij aanvraag {number}" in t for t in texts)
    assert any(f"Correctie nodig bij aanvraag {other_number}" in t for t in texts)
    page.set_viewport_size({"width": 1280, "height": 320})
    guide_shot(page, "uitschrijver-meldingen")
    page.get_by_role("link", name=f"Nieuwe documenten bij aanvraag {number}").click()
    page.wait_for_selector("text=Priya Kalloe")
    assert page.url.endswith(f"/service-requests/show/{pk}")
    assert page.locator(".navbar .notifications-count").inner_text() == "1"


def test_counter_cancels_a_request_with_the_reason(page, app, products):
    pk = make_request(app, name="Shanti Bhagwandin", status="assigned", writer="writer")
    browser_log_in(page, "counter")
    page.goto(f"/service-requests/show/{pk}")
    page.fill("#cancel_reason", "De klant trekt de aanvraag in")
    actions = page.locator(".sr-steps")
    guide_shot(page, "balie-annuleren", section=actions)
    actions.get_by_role("button", name="Aanvraag annuleren").click()
    page.wait_for_selector("text=Opgeslagen.")
    assert shown_value(page, "Status") == "Geannuleerd"
    notice = page.locator(".sr-cancelled").inner_text()
    assert notice.startswith("Geannuleerd op ") and notice.endswith(": De klant trekt de aanvraag in")
    assert page.locator("#cancel_reason").count() == 0
    assert shown_value(page, "Openstaand saldo") == f"{SRD}0,00"


def test_track_page_shows_the_customer_status_and_the_amount_due(page, app, products):
    from app.service_requests.customer_mail import issue_track_token

    pk = make_request(app, quantity=50, extra_pages=5, name="Iwan Wijngaarde", status="ready")
    _with_request(app, pk, lambda wf, sr: wf.mark_paid(sr, "250", "card"))
    token = _with_request(app, pk, lambda wf, sr: issue_track_token(sr))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/track/{token}")
    assert shown_value(page, "Status") == "Klaar om op te halen"
    assert shown_value(page, "Totaalbedrag") == f"{SRD}1.257,50"
    assert shown_value(page, "Betaald") == f"{SRD}250,00"
    assert shown_value(page, "Openstaand saldo") == f"{SRD}1.007,50"
    assert page.locator(".how-to-pay").is_visible()
    assert "Openingstijden" in page.locator(".office").inner_text()
    guide_shot(page, "klant-volgpagina")


def test_writer_takes_a_request_and_adds_print_pages(page, app, products):
    pk = make_request(app, name="Anjali Ramdin")
    browser_log_in(page, "writer")
    page.goto(f"/service-requests/show/{pk}")
    actions = page.locator(".sr-steps")
    actions.get_by_role("button", name="Aan mij toewijzen").click()
    page.wait_for_selector("text=Opgeslagen.")
    assert shown_value(page, "Status") == "Toegewezen"
    assert shown_value(page, "Uitschrijver") == "Writer Test"
    assert actions.get_by_role("button", name="Aan mij toewijzen").count() == 0
    page.select_option("#line_product", label="Print A4")
    page.fill("#line_quantity", "3")
    guide_shot(page, "uitschrijver-acties", section=actions)
    actions.get_by_role("button", name="Bijkomend product toevoegen").click()
    page.wait_for_selector("text=Opgeslagen.")
    assert shown_value(page, "Totaal bijkomende producten") == f"{SRD}4,50"
    assert shown_value(page, "Openstaand saldo") == f"{SRD}29,50"
