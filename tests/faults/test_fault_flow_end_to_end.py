"""The fault flow of the manuals (docs/gebruikers/melder.md, onderhoudspartner.md,
facilitair-beheerder.md) from start to end, through real HTTP requests with CSRF on and a
real SMTP server: register by scanning, report, contractor handles the order,
reporter rates and complains, contractor answers, facility manager sees it."""
import io
import re

from pypdf import PdfReader

from app.extensions import db
from tests.helpers import CONTRACTOR_EMAIL, REPORTER_EMAIL, jpeg, link, page, submit


def _attachment(message, content_type):
    for part in message.iter_attachments():
        if part.get_content_type() == content_type:
            return part.get_content()
    raise AssertionError(f"no {content_type} attachment")


# The "Opdracht Information" table of the contractor's manual: (label, value in this flow). "Intern" and
# "Info contractpartner" are empty until the facility manager writes them.
ORDER_TABLE = [("Opdrachtnummer", "KH-OC-000001"), ("Aanvraag", "KH-A-000001"),
              ("Locatie", "Demo locatie 1"), ("Apparaat", "C5"), ("Voornaam", "Douwe"),
              ("Achternaam", "Demo"), ("Straat + Huisnummer", "Laan van Kronenburg 14"),
              ("Postcode", "1183 AS"), ("Woonplaats", "Amstelveen"), ("Email", REPORTER_EMAIL),
              ("Telefoonnummer", "088-5550555"),
              ("Opdracht omschrijving", "Testticket: de koelkast koelt niet"),
              ("File", ""), ("Intern", ""), ("Info contractpartner", "")]


def test_fault_flow_end_to_end(app, client, client_for, place, smtp_server, deliver):
    code = place["codes"][0]
    manager = client_for("FacilityManager")

    # Stap 1: registreren — the facility manager scans the new sticker.
    form = page(manager.get(f"/q/{code}"))
    assert "Apparaat registreren" in form and 'capture="environment"' in form
    response = submit(manager, f"/q/{code}", {
        "location_id": place["location_id"], "placement": "Op de koelkast in kantoor 2.21",
        "device_type": "C5", "serial_number": "SN-123", "contractor_id": place["contractor_id"],
        "photo": (io.BytesIO(jpeg()), "apparaat.jpg"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200, page(response)
    assert "Apparaat geregistreerd" in page(response)

    # Stap 2: melden — anyone scans it and sees the device and the fault form.
    form = page(client.get(f"/q/{code}"))
    assert "Op de koelkast in kantoor 2.21" in form and "Storing melden" in form
    response = submit(client, f"/q/{code}", {
        "description": "Testticket: de koelkast koelt niet", "first_name": "Douwe",
        "last_name": "Demo", "email": REPORTER_EMAIL, "phone": "088-5550555",
        "remember": "yes", "photo": (io.BytesIO(jpeg(color=(0, 90, 200))), "storing.jpg"),
    }, content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200, page(response)
    assert "Melding verzonden" in page(response) and "KH-A-000001" in page(response)

    # Mail to the contractor (manual text, link, PDF) and to the reporter.
    assert deliver() == (2, 0)
    [order_mail] = smtp_server.to(CONTRACTOR_EMAIL)
    assert "KH-OC-000001" in order_mail["Subject"]
    text = order_mail.get_body(("plain",)).get_content()
    assert "Beste medewerker van Demo Contractpartner 1" in text
    assert "binnen 24 uur contact opnemen" in text and "KlusHeeren b.v." in text
    for expected in ("Bij deze sturen we een nieuwe opdracht voor Demo locatie 1",
                     "De details van het verzoek zijn te vinden in de bijlage.",
                     "Als er foto's beschikbaar zijn, dan staan deze ook in de bijlage.",
                     "Jullie kunnen de opdracht accepteren en de details inzien",
                     "Mocht dit onverhoopt niet lukken, dan wordt de locatie en/of KlusHeeren",
                     "088 - 555 0 555", "info@klusheeren.nl"):
        assert expected in text, expected
    html = order_mail.get_body(("html",)).get_content()
    assert "klik hier om naar de opdracht te gaan" in html and link(order_mail, "/wo/") in html
    pdf = PdfReader(io.BytesIO(_attachment(order_mail, "application/pdf")))
    pdf_text = "\n".join(p.extract_text() for p in pdf.pages)
    for expected in ("KH-OC-000001", "KH-A-000001", "Demo locatie 1",
                     "Testticket: de koelkast koelt niet", "Laan van Kronenburg 14", "Douwe",
                     REPORTER_EMAIL, "C5", "SN-123", "1183 AS", "Amstelveen", "088-5550555",
                     "Op de koelkast in kantoor 2.21"):
        assert expected in pdf_text, expected
    # every row of the "Opdracht Information" table, label and value
    pdf_lines = [" ".join(line.split()) for line in pdf_text.splitlines()]
    # (in Dutch: the manual's English "Email" and "File" are E-mail and Foto's)
    pdf_labels = {"Email": "E-mail", "File": "Foto's", "Straat + Huisnummer": "Straat + huisnummer"}
    for label, value in ORDER_TABLE:  # the label's cell, then its value's cell
        label = pdf_labels.get(label, label)
        assert any(line.startswith(label) and value in pdf_lines[n + 1]
                   for n, line in enumerate(pdf_lines[:-1])), (label, value)
    assert any(line.startswith("Foto's") and "2 foto" in pdf_lines[n + 1]
               for n, line in enumerate(pdf_lines[:-1]))
    assert sum(len(p.images) for p in pdf.pages) == 2  # the report's and the device's photo
    [confirmation] = smtp_server.to(REPORTER_EMAIL)
    assert "KH-A-000001" in confirmation["Subject"]
    confirmation_text = confirmation.get_body(("plain",)).get_content()
    for expected in ("Testticket: de koelkast koelt niet", "Demo locatie 1",
                     "Op de koelkast in kantoor 2.21", "Demo Contractpartner 1"):
        assert expected in confirmation_text, expected
    order_url = link(order_mail, "/wo/")
    reporter_url = link(confirmation, "/r/")

    # The contractor's page shows everything about the order.
    contractor = app.test_client()
    view = page(contractor.get(order_url))
    for expected in ("KH-OC-000001", "KH-A-000001", "Demo locatie 1", "Laan van Kronenburg 14",
                     "1183 AS", "Amstelveen", "Douwe", "088-5550555", "ACCEPTEREN",
                     "ONDERDELEN IN BESTELLING", "AFMELDEN", "OPSLAAN",
                     "Let op: na het afmelden is bewerken niet meer mogelijk",
                     "Klik op knop om status van de opdracht te wijzigen.",
                     "Accepteren = is opgepakt | Afmelden = afgerond | onderdelen in bestelling"
                     " = on hold in afwachting van bestelde onderdelen."):
        assert expected in view, expected
    rows = dict(re.findall(r"<tr><th>([^<]+)</th><td>(.*?)</td></tr>", view, re.S))
    for label, value in ORDER_TABLE:
        label = {"Straat + Huisnummer": "Straat + huisnummer", "Email": "E-mail",
                 "File": "Bestand",
                 "Intern": "Intern (zichtbaar voor de contractpartner)"}.get(label, label)
        assert value in rows[label], (label, rows.get(label))
    for label in ("Afspraak datum", "Opmerkingen contractpartner",
                  "Totaalbedrag factuur excl. btw", "Garantie",
                  "Referentienummer contractpartner"):
        assert f">{label}</label>" in view, label
    photo_urls = re.findall(r'src="(/wo/[^"]+/photo/[^"]+)"', view)
    assert len(photo_urls) == 2
    assert contractor.get(photo_urls[0]).mimetype == "image/jpeg"

    # ACCEPTEREN: the reporter is told.
    response = submit(contractor, order_url, {"action": "accept"}, follow_redirects=True)
    assert "De opdracht is geaccepteerd" in page(response)
    assert "Geaccepteerd" in page(response)
    deliver()
    accepted = [m for m in smtp_server.to(REPORTER_EMAIL) if "opgepakt" in m["Subject"]]
    assert len(accepted) == 1

    # ONDERDELEN IN BESTELLING, then OPSLAAN with the fields of the manual.
    response = submit(contractor, order_url, {"action": "parts_on_order"}, follow_redirects=True)
    assert "Onderdelen in bestelling" in page(response)
    fields = {"appointment_date": "2021-05-18", "contractor_remarks": "opmerking",
              "invoice_total": "258,17", "warranty": "yes",
              "contractor_reference": "F-34509-1"}
    response = submit(contractor, order_url, {**fields, "action": "save"}, follow_redirects=True)
    view = page(response)
    assert "Uw wijzigingen zijn opgeslagen" in view
    assert 'value="2021-05-18"' in view and 'value="258,17"' in view and "F-34509-1" in view

    # AFMELDEN asks for confirmation first; then completed, the reporter gets the rating link.
    response = submit(contractor, order_url, {**fields, "action": "complete"},
                      follow_redirects=True)
    assert "Opdracht " in page(response) and "Ja, afmelden" in page(response)
    response = submit(contractor, order_url + "?confirm=complete",
                      {**fields, "action": "complete", "confirmed": "yes"},
                      post_url=order_url, follow_redirects=True)
    assert "Afgerond" in page(response) and "disabled" in page(response)
    deliver()
    completed = [m for m in smtp_server.to(REPORTER_EMAIL) if "afgerond" in m["Subject"]]
    assert link(completed[0], "/r/") == reporter_url

    # A later save is refused, and nothing changes.
    response = submit(contractor, order_url, {**fields, "invoice_total": "999",
                                              "action": "save"})
    assert response.status_code == 400
    assert "Deze opdracht is afgemeld; wijzigen is niet meer mogelijk." in page(response)
    with app.app_context():
        from app.faults.models import WorkOrder
        order = db.session.query(WorkOrder).one()
        assert str(order.invoice_total) == "258.17" and order.status == "completed"
        assert order.warranty is True and order.contractor_reference == "F-34509-1"

    # The reporter rates once; a second rating is refused.
    reporter = app.test_client()
    view = page(reporter.get(reporter_url))
    assert "Beoordeel de snelheid, communicatie en kwaliteit van oplossing van deze melding." in view
    assert "Feedback versturen" in view and "IS HET PROBLEEM OPGELOST?" in view
    rating = {"speed": "4", "communication": "5", "quality": "3", "solved": "yes",
              "comment": "Prima"}
    response = submit(reporter, reporter_url, rating, post_url=reporter_url + "/rating",
                      follow_redirects=True)
    assert "Bedankt voor uw feedback." in page(response)
    response = submit(reporter, reporter_url, rating, post_url=reporter_url + "/rating")
    assert response.status_code == 400
    assert "U heeft deze melding al beoordeeld." in page(response)

    # The reporter complains; the contractor gets a link to the complaint page.
    response = submit(reporter, reporter_url, {"text": "Er kwam niemand op de afspraak."},
                      post_url=reporter_url + "/complaint", follow_redirects=True)
    assert "Uw klacht is naar de onderhoudspartner gestuurd." in page(response)
    deliver()
    complaint_mail = [m for m in smtp_server.to(CONTRACTOR_EMAIL) if "Klacht" in m["Subject"]][0]
    complaint_url = link(complaint_mail, "/c/")
    view = page(contractor.get(complaint_url))
    assert "Er kwam niemand op de afspraak." in view and "KH-OC-000001" in view
    assert "Testticket: de koelkast koelt niet" in view
    response = submit(contractor, complaint_url, {"response": "Excuses, morgen komen we."},
                      follow_redirects=True)
    assert "Beantwoord" in page(response)

    # The reporter and the facility manager see the answer.
    assert "Excuses, morgen komen we." in page(reporter.get(reporter_url))
    deliver()
    assert any("Reactie op uw klacht" in m["Subject"] for m in smtp_server.to(REPORTER_EMAIL))
    listing = page(manager.get("/complaintview/list/"))
    assert "Excuses, morgen komen we." in listing and "Beantwoord" in listing
    with app.app_context():
        order_id = db.session.query(WorkOrder).one().id
    show = page(manager.get(f"/workorderview/show/{order_id}"))
    assert "Nieuwe opdracht KH-OC-000001" in show  # mails sent
    assert "Demo Contractpartner 1 (Onderhoudspartner)" in show and "127.0.0.1" in show  # audit
    assert "Douwe Demo (Melder)" in show
