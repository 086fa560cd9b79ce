"""What the customer gets: a confirmation with the track link for every new request
(counter and portal), status names in the customer's words, the office, the amount due and
how to pay in every mail and on the track page, and a message that changes no status."""
import re

from tests.helpers import make_request, submit
from tests.service_requests.test_intake_api import body, token_for
from tests.service_requests.test_manual_walk import add_in_tab, status, step

OFFICE = ("Kantoor Hypotheken en Kadaster", "Dr. Sophie Redmondstraat 1, Paramaribo",
          "Openingstijden: maandag t/m vrijdag 07:30–14:30")


def plain(mail):
    return mail.get_body(("plain",)).get_content()


def track_token(mail):
    return re.search(r"http://backoffice\.test/track/([0-9a-f]{32})", plain(mail)).group(1)


def test_every_new_request_gets_a_confirmation_mail_with_the_track_link(
        app, products, client, client_for, smtp_server, deliver):
    # From the portal.
    response = client.post("/api/v1/intake/", headers=token_for(client, "portal"), json=body())
    assert response.status_code == 201
    order_no = response.get_json()["order_no"]
    # At the counter.
    with app.app_context():
        from app.extensions import db
        product_id = db.session.execute(
            db.text("select id from sr_product where code='KAD-UIT'")).scalar()
    submit(client_for("Counter"), "/service-requests/counter/form", {
        "urgency": "normal", "on_behalf_of": "", "applicant_name": "Bert Balie", "applicant_email": "bert@example.org",
        "id_number": "BB1", "product": str(product_id), "quantity": "1"})
    deliver()
    [online] = smtp_server.to("esther@example.org")
    [counter] = smtp_server.to("bert@example.org")
    assert order_no in online["Subject"] and "ontvangen" in online["Subject"]
    text = plain(online)
    assert "2 × Hypothecair uittreksel" in text
    assert "Te betalen: SRD\N{NO-BREAK SPACE}56,00" in text  # 2 × 25,00 + 4 pages × 1,50
    for line in OFFICE:
        assert line in text and line in plain(counter)
    # The link opens the track page.
    page = client.get(f"/track/{track_token(online)}").get_data(as_text=True)
    assert order_no in page and "Ingekomen" in page


def test_the_customer_reads_customer_status_names_the_office_and_what_to_pay(
        app, products, client, client_for, smtp_server, deliver):
    pk = make_request(app, status="prepared", writer="writer")
    add_in_tab(client_for("PickupDesk"), "internalcheckview", pk,
               {"result": "correction", "remarks": "Fout in de naam"})
    assert status(app, pk) == "correction_needed"
    deliver()
    [confirmation] = smtp_server.to("anna@example.org")
    page = client.get(f"/track/{track_token(confirmation)}").get_data(as_text=True)
    assert "In behandeling" in page
    assert "Correctie nodig" not in page and "uitschrijver" not in page.lower()
    assert "Openstaand saldo" in page and "SRD\N{NO-BREAK SPACE}25,00" in page
    assert "Betalen kan aan de balie" in page
    assert page.count("Kantoor Hypotheken en Kadaster") == 1  # once, at the bottom
    assert re.search(r"<title>Uw aanvraag \d{4}-\d{6}</title>", page)
    for line in ("Kantoor Hypotheken en Kadaster", "Dr. Sophie Redmondstraat 1, Paramaribo",
                 "maandag t/m vrijdag 07:30–14:30", "tel. +597 470000"):
        assert line in page
    # Paid: nothing to pay any more, said so.
    step(client_for("Finance"), pk, "pay", {"amount": "25,00", "method": "cash"})
    page = client.get(f"/track/{track_token(confirmation)}").get_data(as_text=True)
    assert "Betalen kan aan de balie" not in page and "SRD\N{NO-BREAK SPACE}0,00" in page


def test_a_message_to_the_customer_does_not_change_the_status(app, products, client_for,
                                                               smtp_server, deliver):
    pk = make_request(app, status="in_preparation", writer="writer")
    page = add_in_tab(client_for("Writer"), "customerfeedbackview", pk,
                      {"text": "Uw product is volgende week klaar.", "message_only": "y"})
    assert status(app, pk) == "in_preparation"
    assert "Uw product is volgende week klaar." in page
    deliver()
    message = [m for m in smtp_server.to("anna@example.org") if "Bericht" in m["Subject"]]
    assert message and "Uw product is volgende week klaar." in plain(message[0])
    assert "U hoeft hiervoor niets te doen." in plain(message[0])
    # Not ticked: documents are asked for, the status follows.
    add_in_tab(client_for("Writer"), "customerfeedbackview", pk, {"text": "Stuur uw akte."})
    assert status(app, pk) == "documents_needed"
    # After hand-over only a message is possible.
    delivered = make_request(app, name="Later", email="later@example.org", status="delivered",
                             writer="writer")
    page = add_in_tab(client_for("Writer"), "customerfeedbackview", delivered,
                      {"text": "Stuur nog iets"})
    assert "Dit kan niet zolang de aanvraag de status" in page
    assert status(app, delivered) == "delivered"
