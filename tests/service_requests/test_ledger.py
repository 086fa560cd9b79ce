"""The money of a request as Finance and the counter meet it: several (partial) payments
with numbered receipts, voids with a reason, refunds up to what was paid, the balance on
the detail page, in the list and its filter, Betaald following the balance, the daily
cash report, and a property-based check of the balance against the ledger's rows."""
import io
import re
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import event, func, select

from app import audit
from app.audit import AuditEntry
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import (
    AdditionalProductLine,
    Correction,
    Payment,
    Refund,
    RequestedProductLine,
    ServiceRequest,
)
from app.service_requests.models import RequestStatus as S
from tests.helpers import make_request
from tests.service_requests.test_manual_walk import PDF, add_in_tab, show, status, step


def row(app, pk):
    with app.app_context():
        sr = db.session.get(ServiceRequest, pk)
        return {"status": sr.status, "balance": sr.balance_due,
                "handed_over_at": sr.handed_over_at,
                "receipts": [p.receipt_no for p in sr.payments],
                "void": [p.is_void for p in sr.payments]}


def payment_ids(app, pk):
    with app.app_context():
        return [p.id for p in db.session.get(ServiceRequest, pk).payments]


def pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_partial_payments_each_get_a_numbered_receipt_and_paid_follows_the_balance(
        app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")  # SRD 25,00
    finance = client_for("Finance")
    page = step(finance, pk, "pay", {"amount": "10,00", "method": "cash"})
    assert status(app, pk) == "delivered"
    assert "Openstaand saldo" in page and "SRD\N{NO-BREAK SPACE}15,00" in page
    assert 'value="15,00"' in page  # the next payment defaults to what is left
    page = step(finance, pk, "pay", {"amount": "15", "method": "card"})
    state = row(app, pk)
    assert state["status"] == "paid" and state["balance"] == Decimal("0.00")
    year = date.today().year
    assert state["receipts"] == [f"K{year}-000001", f"K{year}-000002"]
    assert f"Kwitantie K{year}-000001" in page and f"Kwitantie K{year}-000002" in page
    # Nothing left to pay: no payment form.
    assert 'id="pay_amount"' not in page
    # The receipt, as a PDF the counter prints.
    first = payment_ids(app, pk)[0]
    response = client_for("Counter").get(f"/service-requests/receipt/{first}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert f"K{year}-000001" in text and "Anna Jansen" in text and "10,00" in text


def test_a_payment_larger_than_the_balance_is_refused(app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")
    page = step(client_for("Finance"), pk, "pay", {"amount": "26,50", "method": "cash"})
    assert "Dat is meer dan het openstaande saldo (SRD\N{NO-BREAK SPACE}25,00)." in page
    assert row(app, pk)["receipts"] == []


def test_finance_voids_a_payment_with_a_reason_it_is_kept_and_paid_is_undone(
        app, products, client_for):
    pk = make_request(app, status="delivered", writer="writer")
    finance = client_for("Finance")
    step(finance, pk, "pay", {"amount": "25,00", "method": "card"})
    assert status(app, pk) == "paid"
    [payment] = payment_ids(app, pk)
    page = step(finance, pk, "void-payment", {"payment_id": str(payment), "reason": ""})
    assert "Geef de reden om de betaling te laten vervallen." in page
    assert 'value="' + str(payment) + '" selected' in page  # the choice kept
    page = step(finance, pk, "void-payment", {"payment_id": str(payment),
                                              "reason": "Pinbetaling mislukt", "step": "void"})
    state = row(app, pk)
    assert state["void"] == [True] and state["balance"] == Decimal("25.00")
    assert state["status"] == "delivered"  # Betaald follows the balance back
    assert "Vervallen" in page and "Pinbetaling mislukt" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 1  # never deleted
        assert db.session.scalars(select(AuditEntry.new_value).where(
            AuditEntry.entity_type == "Payment", AuditEntry.field == "void_reason")).all() == [
            "Pinbetaling mislukt"]
    # The desk and the writer cannot void.
    for role in ("PickupDesk", "Writer", "Counter"):
        assert 'id="void_payment"' not in show(client_for(role), pk)


def test_refunds_up_to_what_was_paid_and_an_overpaid_request_shows_it(app, products,
                                                                     client_for, viewer_client):
    pk = make_request(app, extra_pages=2, status="delivered", writer="writer")  # SRD 28,00
    finance = client_for("Finance")
    step(finance, pk, "pay", {"amount": "28,00", "method": "cash"})
    add_in_tab(finance, "correctionview", pk, {"amount_adjustment": "-3,00",
                                               "reason": "Twee bladen te veel"})
    state = row(app, pk)
    assert state["balance"] == Decimal("-3.00") and state["status"] == "paid"
    page = show(viewer_client, pk)
    assert "SRD\N{NO-BREAK SPACE}3,00 te veel betaald" in page
    listing = viewer_client.get("/service-requests/list/").get_data(as_text=True)
    assert "Openstaand saldo" in listing and "SRD\N{NO-BREAK SPACE}3,00 te veel betaald" in listing
    page = step(finance, pk, "refund", {"amount": "30,00", "reason": "Te veel"})
    assert "ten hoogste het betaalde bedrag" in page
    step(finance, pk, "refund", {"amount": "3,00", "reason": "Twee bladen te veel"})
    assert row(app, pk)["balance"] == Decimal("0.00")


def test_the_balance_due_filter_reads_the_stored_column(app, products, client_for, viewer_client):
    """"Openstaand saldo" lists the requests with something to pay, from the stored,
    indexed balance: the list's SQL never sums payments or lines per row."""
    due = make_request(app, name="Nog Betalen", email="due@example.org", status="delivered",
                       writer="writer")
    settled = make_request(app, name="Al Betaald", email="paid@example.org", status="delivered",
                           writer="writer")
    step(client_for("Finance"), settled, "pay", {"amount": "25,00", "method": "cash"})
    statements = []
    with app.app_context():
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            page = viewer_client.get("/service-requests/balance-due/list/").get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert "Nog Betalen" in page and "Al Betaald" not in page
    listing = [s for s in statements if "FROM sr_request" in s and "balance_due >" in s]
    assert listing, statements
    assert not any("sr_payment" in s for s in statements)
    assert due  # (the request with something to pay)


def test_prepaid_request_is_betaald_as_soon_as_it_is_handed_over(app, products, client_for):
    pk = make_request(app, status="ready", writer="writer")
    step(client_for("Finance"), pk, "pay", {"amount": "25,00", "method": "cash"})
    assert status(app, pk) == "ready"
    step(client_for("PickupDesk"), pk, "hand-over", {"handed_over_to": "Anna Jansen",
                                                     "id_checked": "y"})
    assert status(app, pk) == "paid"


def test_a_paid_request_the_customer_reopens_returns_to_paid_and_keeps_its_first_hand_over(
        app, products, client_for):
    pk = make_request(app, status="ready", writer="writer")
    desk, writer, finance = client_for("PickupDesk"), client_for("Writer"), client_for("Finance")
    step(desk, pk, "hand-over", {"handed_over_to": "Anna Jansen", "id_checked": "y"})
    step(finance, pk, "pay", {"amount": "25,00", "method": "cash"})
    first = row(app, pk)["handed_over_at"]
    assert status(app, pk) == "paid" and first is not None
    # The customer reports an error (desk records it): the writer corrects, the desk checks.
    add_in_tab(desk, "applicantfeedbackview", pk, {"text": "Naam verkeerd gespeld"})
    assert status(app, pk) == "correction_needed"
    add_in_tab(writer, "deliveredproductview", pk,
               {"upload": (io.BytesIO(PDF), "v2.pdf"), "complete": "y"},
               content_type="multipart/form-data")
    add_in_tab(desk, "internalcheckview", pk, {"result": "ok"})
    step(desk, pk, "hand-over", {"handed_over_to": "Anna Jansen", "id_checked": "y"})
    state = row(app, pk)
    assert state["status"] == "paid"  # nothing left to pay: Betaald again
    assert state["handed_over_at"] == first


def test_the_daily_cash_report_per_payment_method(app, products, client_for):
    a = make_request(app, name="Klant A", email="a@example.org", status="delivered", writer="writer")
    b = make_request(app, name="Klant B", email="b@example.org", status="delivered", writer="writer")
    finance = client_for("Finance")
    step(finance, a, "pay", {"amount": "25,00", "method": "cash"})
    step(finance, b, "pay", {"amount": "10,00", "method": "card"})
    step(finance, b, "pay", {"amount": "15,00", "method": "card"})
    [first_b, _second_b] = payment_ids(app, b)
    step(finance, b, "void-payment", {"payment_id": str(first_b), "reason": "Dubbel geboekt"})
    step(finance, a, "refund", {"amount": "5,00", "reason": "Korting"})
    page = finance.get("/service-requests/cash-report/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Kasrapport" in text
    assert "Contant 1 SRD 25,00" in text and "Pin 1 SRD 15,00" in text
    assert "Totaal ontvangen 2 SRD 40,00" in text and "Restituties 1 SRD -5,00" in text
    assert "Netto SRD 35,00" in text
    assert "Vervallen betalingen" in text and "Dubbel geboekt" in text
    csv_text = finance.get("/service-requests/cash-report/?format=csv").get_data(as_text=True)
    assert "Contant;1;25,00" in csv_text and "Pin;1;15,00" in csv_text and "Netto;;35,00" in csv_text
    response = finance.get("/service-requests/cash-report/?format=pdf")
    assert response.mimetype == "application/pdf" and "40,00" in pdf_text(response.data)
    # Another day: nothing.
    other = finance.get("/service-requests/cash-report/?day=2020-01-01").get_data(as_text=True)
    assert "SRD\N{NO-BREAK SPACE}40,00" not in other
    # Finance's screen only.
    assert client_for("Writer").get("/service-requests/cash-report/").status_code == 403


# ---- The balance against the ledger, for any sequence of money steps ----

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80.00"), places=2)
STEPS = st.lists(st.one_of(
    st.tuples(st.just("pay"), AMOUNTS, st.sampled_from(["cash", "card", "transfer"])),
    st.tuples(st.just("void"), st.integers(min_value=0, max_value=5)),
    st.tuples(st.just("refund"), AMOUNTS),
    st.tuples(st.just("correct"), st.decimals(min_value=Decimal("-40.00"),
                                              max_value=Decimal("40.00"), places=2)),
    st.tuples(st.just("pages"), st.integers(min_value=1, max_value=20)),
    st.tuples(st.just("check")),
    st.tuples(st.just("hand_over")),
), max_size=12)


def _ledger_sums(pk):
    """Straight from the rows: lines + corrections, payments − voided, refunds."""
    def total(statement):
        return db.session.scalar(statement) or Decimal("0")
    lines = (total(select(func.sum(RequestedProductLine.quantity * RequestedProductLine.unit_price))
                   .where(RequestedProductLine.request_id == pk))
             + total(select(func.sum(AdditionalProductLine.quantity
                                     * AdditionalProductLine.unit_price))
                     .where(AdditionalProductLine.request_id == pk)))
    corrections = total(select(func.sum(Correction.amount_adjustment))
                        .where(Correction.request_id == pk))
    payments = total(select(func.sum(Payment.amount)).where(Payment.request_id == pk))
    voided = total(select(func.sum(Payment.amount)).where(Payment.request_id == pk,
                                                          Payment.voided_at.is_not(None)))
    refunds = total(select(func.sum(Refund.amount)).where(Refund.request_id == pk))
    return lines, corrections, payments, voided, refunds


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_balance_is_always_what_the_ledger_says(app, products, steps):
    """balance = (total + corrections) − (payments − voids − refunds), after any sequence of
    payments, voids, refunds, corrections, print pages and hand-over; refused steps change
    nothing; a handed-over request is Betaald exactly when nothing is left to pay."""
    pk = make_request(app, status="prepared", writer="writer")
    with app.app_context(), audit.acting_as("system", "property test"):
        for action, *args in steps:
            sr = db.session.get(ServiceRequest, pk)
            with workflow.transaction(flash_error=False):
                if action == "pay":
                    workflow.mark_paid(sr, str(args[0]), args[1])
                elif action == "void":
                    standing = [p for p in sr.payments if not p.is_void]
                    if standing:
                        workflow.void_payment(sr, standing[args[0] % len(standing)], "test")
                elif action == "refund":
                    workflow.refund(sr, str(args[0]), "test")
                elif action == "correct":
                    workflow.correct(sr, "test", amount_adjustment=str(args[0]))
                elif action == "pages":
                    product = next(p for p in _additional_products() if p.code == "PRINT-A4")
                    if workflow.may(sr, "add_line"):
                        workflow.add_additional_line(sr, product, args[0])
                elif action == "check":
                    workflow.record_internal_check(sr, "ok")
                elif action == "hand_over":
                    workflow.hand_over(sr, "Anna", True)
            db.session.expire_all()
            sr = db.session.get(ServiceRequest, pk)
            lines, corrections, payments, voided, refunds = _ledger_sums(pk)
            assert lines + corrections >= 0
            assert payments - voided - refunds >= 0
            assert sr.balance_due == (lines + corrections) - (payments - voided - refunds)
            if sr.status in (S.DELIVERED, S.PAID):
                assert (sr.status == S.PAID) == (sr.balance_due <= 0)
        db.session.remove()


def _additional_products():
    from app.service_requests.models import Product
    return db.session.scalars(select(Product).where(Product.is_additional.is_(True))).all()


def test_the_cash_report_counts_payments_under_aantal(app, products, client_for):
    pk = make_request(app, name="Klant A", email="a@example.org", status="delivered", writer="writer")
    finance = client_for("Finance")
    step(finance, pk, "pay", {"amount": "25,00", "method": "cash"})
    page = finance.get("/service-requests/cash-report/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Betaalwijze Aantal Bedrag" in text and "Nummer" not in text
    csv_text = finance.get("/service-requests/cash-report/?format=csv").get_data(as_text=True)
    assert "Betaalwijze;Aantal;Bedrag" in csv_text
