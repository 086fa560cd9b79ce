"""Both manuals (Finance and Inkijk), step by step, through the screens, each step
by the role that does it, with CSRF on; asserting what the user sees, in Dutch."""
import io
import re

from PIL import Image

from app.extensions import db
from app.service_requests.models import ServiceRequest
from tests.helpers import SRD, csrf_token, load, submit

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
       b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
       b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n")


def png_bytes(color="red"):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(out, "PNG")
    return out.getvalue()


def show(client, pk):
    response = client.get(f"/service-requests/show/{pk}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def step(client, pk, action, data):
    """Press a step button on the detail page (its CSRF token and version come with it)."""
    page = show(client, pk)
    version = re.search(r'name="version_id" value="(\d+)"', page).group(1)
    return client.post(f"/service-requests/{action}/{pk}",
                       data=dict(data, csrf_token=csrf_token(client, f"/service-requests/show/{pk}"),
                                 version_id=version),
                       follow_redirects=True).get_data(as_text=True)


def add_in_tab(client, tab, pk, data, **kwargs):
    url = f"/{tab}/add?_flt_0_service_request={pk}"
    return submit(client, url, data, follow_redirects=True, **kwargs).get_data(as_text=True)


def alerts(page):
    return re.findall(r'class="alert[^"]*">\s*(?:<button[^>]*>&times;</button>)?\s*([^<]*)', page)


def status(app, pk):
    with app.app_context():
        return db.session.get(ServiceRequest, pk).status


def test_the_whole_manual(app, products, client_for, smtp_server, deliver):
    counter, writer, desk, finance, viewer = (client_for(r) for r in
                                              ("Counter", "Writer", "PickupDesk", "Finance", "Viewer"))

    # The counter enters an urgent request for the surveyor, with a photo of the ID card.
    page = counter.get("/service-requests/counter/form").get_data(as_text=True)
    assert "Nieuwe aanvraag (balie)" in page and "Namens" in page
    with app.app_context():
        product_id = db.session.execute(db.text("select id from sr_product where code='HYP-UIT'")).scalar()
    response = submit(counter, "/service-requests/counter/form", {
        "urgency": "urgent", "on_behalf_of": "surveyor", "applicant_name": "Carla Landmeter",
        "applicant_email": "carla@example.org", "applicant_phone": "+597 555",
        "id_number": "CB998877", "product": str(product_id), "quantity": "2",
        "customer_info": "Perceel 44, Wanica", "extra_pages": "3",
        "id_card": (io.BytesIO(png_bytes()), "id.png"),
    }, follow_redirects=True, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "opgeslagen" in page, page
    pk = int(re.search(r"/service-requests/show/(\d+)", response.request.path + page).group(1)) \
        if "/show/" in response.request.path else None
    pk = pk or int(response.request.path.rsplit("/", 1)[1])

    # Step 3: the header — order no. with Spoed, status, date, applicant, e-mail, phone, ID card.
    page = show(viewer, pk)
    sr = load(app, pk)
    assert re.search(r"\d{4}-\d{6}", sr.order_no)
    for text in ("Bestelnr.", sr.order_no, "Spoed", "Ingekomen", "Datum en tijd", "Carla Landmeter",
                 "carla@example.org", "+597 555", "CB998877", "ID kaart", "Landmeter", "<img"):
        assert text in page, text
    # Steps 4-6: the sections with product, quantity, price, the customer's information, totals.
    for text in ("Aangevraagd product", "Hypothecair uittreksel", "Perceel 44, Wanica", f"{SRD}50,00",
                 "Bijkomende producten", "Print A4", f"{SRD}4,50", "Totaalbedrag", f"{SRD}54,50",
                 "Betaald, afgeven, ID en restituties", "Afgegeven aan", "ID gecontroleerd",
                 "Restituties"):
        assert text in page, text
    # Steps 7-13: the tabs, in Dutch; Correctie is not for the viewer.
    for tab in ("Feedback naar klant", "Nieuwe documenten", "Opgeleverd product", "Interne controle",
                "Feedback van de aanvrager", "Audit"):
        assert tab in page, tab
    assert "Correctie</a>" not in page
    assert "<form" not in page.split('id="Home"')[1].split('id="CustomerFeedbackView"')[0]

    # The writer takes the request.
    page = step(writer, pk, "assign", {"writer_id": str(sr.id and app_user(app, "writer"))})
    assert "Toegewezen" in page and status(app, pk) == "assigned"

    # Step 7: feedback to the customer → mail with the order number, track link and reply address.
    page = add_in_tab(writer, "customerfeedbackview", pk, {"text": "De foto van uw ID is onscherp."})
    assert "Nieuwe documenten nodig" in page and "De foto van uw ID is onscherp." in page
    assert deliver() == (2, 0)  # the confirmation of the counter's request, and this one
    confirmation, mail = smtp_server.to("carla@example.org")
    assert "ontvangen" in confirmation["Subject"]
    assert sr.order_no in mail["Subject"] and "informatie" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    track = re.search(r"http://backoffice\.test/track/([0-9a-f]{32})", body).group(1)
    assert "De foto van uw ID is onscherp." in body
    assert mail["Reply-To"] == f"aanvragen+{track}@example.org"

    # Step 8: the customer answers on the track page → Nieuwe documenten, status received.
    anonymous = app.test_client()
    response = submit(anonymous, f"/track/{track}", {"files": (io.BytesIO(PDF), "nieuw-id.pdf"),
                                                      "text": "Hier is een betere."},
                      post_url=f"/track/{track}/documents", follow_redirects=True,
                      content_type="multipart/form-data")
    assert "wij hebben uw documenten ontvangen" in response.get_data(as_text=True)
    page = show(writer, pk)
    assert "Nieuwe documenten ontvangen" in page and "nieuw-id.pdf" in page

    # Step 9: the writer uploads part, then all of the product.
    page = add_in_tab(writer, "deliveredproductview", pk,
                      {"upload": (io.BytesIO(PDF), "deel1.pdf"), "remarks": "deel 1"},
                      content_type="multipart/form-data")
    assert "Product aan het opmaken" in page and "deel1.pdf" in page, alerts(page) or page[-3000:]
    page = add_in_tab(writer, "deliveredproductview", pk,
                      {"upload": (io.BytesIO(PDF), "compleet.pdf"), "complete": "y"},
                      content_type="multipart/form-data")
    assert "Product opgemaakt" in page and "compleet.pdf" in page

    # Step 10: the pickup desk checks: first a correction, then approved (→ ready mail).
    page = add_in_tab(desk, "internalcheckview", pk,
                      {"result": "correction", "remarks": "Perceelnummer klopt niet"})
    assert "Correctie nodig van de uitschrijver" in page and "Perceelnummer klopt niet" in page
    add_in_tab(writer, "deliveredproductview", pk,
               {"upload": (io.BytesIO(PDF), "gecorrigeerd.pdf"), "complete": "y"},
               content_type="multipart/form-data")
    page = add_in_tab(desk, "internalcheckview", pk, {"result": "ok", "remarks": "In orde"})
    assert "Product gereed voor de klant" in page
    deliver()
    ready = [m for m in smtp_server.to("carla@example.org") if "gereed" in m["Subject"]]
    assert ready and sr.order_no in ready[0]["Subject"]
    assert "http://backoffice.test/track/" in ready[0].get_body(("plain",)).get_content()

    # Step 6: hand over — refused without the ID check, done with it.
    page = step(desk, pk, "hand-over", {"handed_over_to": "Carla Landmeter"})
    assert "Controleer eerst de ID" in page and status(app, pk) == "ready"
    page = step(desk, pk, "hand-over", {"handed_over_to": "Carla Landmeter", "id_checked": "y"})
    assert "Product afgegeven" in page and status(app, pk) == "delivered"

    # Step 11: the customer reports an error in the delivered product.
    submit(anonymous, f"/track/{track}", {"text": "Mijn naam is verkeerd gespeld."},
           post_url=f"/track/{track}/error")
    page = show(desk, pk)
    assert "Mijn naam is verkeerd gespeld." in page and "Correctie nodig van de uitschrijver" in page
    add_in_tab(writer, "deliveredproductview", pk,
               {"upload": (io.BytesIO(PDF), "v3.pdf"), "complete": "y"},
               content_type="multipart/form-data")
    add_in_tab(desk, "internalcheckview", pk, {"result": "ok"})
    step(desk, pk, "hand-over", {"handed_over_to": "Carla Landmeter", "id_checked": "y"})

    # Finance: paid, then a correction (Correctie tab, Finance only) and a refund.
    page = step(finance, pk, "pay", {"amount": "54,50", "method": "cash"})
    assert "Betaald" in page and status(app, pk) == "paid" and f"{SRD}54,50 · Contant" in page
    assert "Correctie</a>" in page
    with app.app_context():
        line_id = db.session.execute(db.text(
            "select id from sr_requested_line where request_id=:pk"), {"pk": pk}).scalar()
    page = add_in_tab(finance, "correctionview", pk, {"product_line": f"r{line_id}", "new_quantity": "1",
                                                      "amount_adjustment": "0",
                                                      "reason": "Maar één uittreksel geleverd"})
    assert "Maar één uittreksel geleverd" in page and f"{SRD}29,50" in page  # 25 + 4,50
    page = step(finance, pk, "refund", {"amount": "25,00", "reason": "Eén uittreksel te veel betaald"})
    assert "Restitutie" in page and "Eén uittreksel te veel betaald" in page
    assert status(app, pk) == "refund"
    assert f"{SRD}54,50 · Contant" in page  # paid is a fact of its own: kept after the status moved
    with app.app_context():
        sr_now = db.session.get(ServiceRequest, pk)
        assert sr_now.is_paid and [str(p.amount) for p in sr_now.payments] == ["54.50"]

    # Step 13 (Inkijk 12): the Audit tab — who, from where, old → new, newest first.
    page = show(viewer, pk)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", page.split('id="AuditTab"')[1], re.S)][1:]
    transitions = [row for row in rows if " Statuswijziging " in row]
    assert "finance (Gebruiker) 127.0.0.1 Statuswijziging Aanvraag Status Betaald Restitutie" in transitions[0]
    assert "finance (Gebruiker) 127.0.0.1 Statuswijziging Aanvraag Status Product afgegeven Betaald" in transitions[1]
    assert any("pickupdesk (Gebruiker) 127.0.0.1 Statuswijziging Aanvraag Status Product gereed voor de klant "
               "Product afgegeven" in row for row in transitions)
    assert any("writer (Gebruiker) 127.0.0.1 Statuswijziging Aanvraag Status Toegewezen "
               "Nieuwe documenten nodig" in row for row in transitions)
    assert any("Carla Landmeter (Klant) 127.0.0.1 Statuswijziging Aanvraag Status "
               "Nieuwe documenten nodig Nieuwe documenten ontvangen" in row for row in transitions)
    assert any("counter (Gebruiker) 127.0.0.1 Statuswijziging Aanvraag Status Ingekomen" in row
               for row in transitions)
    # A Correctie is on the tab only for those who may open Correctie (Finance), not the Viewer.
    assert not any("Aangemaakt Correctie" in row for row in rows)
    finance_page = show(finance, pk)
    finance_rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
                    for row in re.findall(r"<tr>(.*?)</tr>",
                                          finance_page.split('id="AuditTab"')[1], re.S)][1:]
    assert any("finance (Gebruiker) 127.0.0.1 Aangemaakt Correctie Reden Maar één uittreksel geleverd" in row
               for row in finance_rows)
    assert any("finance (Gebruiker) 127.0.0.1 Gewijzigd Aangevraagd product Aantal 2 1" in row for row in rows)
    assert_every_transition_audited(app, pk)


def app_user(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def transitions_of(app, pk):
    """Every status change of the request as stored: (actor, type, IP, old, new), oldest first."""
    from sqlalchemy import select

    from app.audit import AuditEntry
    with app.app_context():
        return [(e.actor_name, e.actor_type, e.ip_address, e.old_value, e.new_value)
                for e in db.session.scalars(
                    select(AuditEntry).where(AuditEntry.subject_type == "ServiceRequest",
                                             AuditEntry.subject_id == str(pk),
                                             AuditEntry.action == "transition",
                                             AuditEntry.field == "status")
                    .order_by(AuditEntry.id))]


def assert_every_transition_audited(app, pk):
    """The stored status changes of the walk form one unbroken chain from Ingekomen to
    Restitutie — none missing — each with who did it and from which IP."""
    chain = transitions_of(app, pk)
    assert [(actor, old or None, new) for actor, _type, _ip, old, new in chain] == [
        ("counter", None, "received"),
        ("writer", "received", "assigned"),
        ("writer", "assigned", "documents_needed"),
        ("Carla Landmeter", "documents_needed", "documents_received"),
        ("writer", "documents_received", "in_preparation"),
        ("writer", "in_preparation", "prepared"),
        ("pickupdesk", "prepared", "correction_needed"),
        ("writer", "correction_needed", "prepared"),
        ("pickupdesk", "prepared", "ready"),
        ("pickupdesk", "ready", "delivered"),
        ("Carla Landmeter", "delivered", "correction_needed"),
        ("writer", "correction_needed", "prepared"),
        ("pickupdesk", "prepared", "ready"),
        ("pickupdesk", "ready", "delivered"),
        ("finance", "delivered", "paid"),
        ("finance", "paid", "refund"),
    ]
    assert all(ip == "127.0.0.1" for _a, _t, ip, _o, _n in chain)
    assert {t for _a, t, _i, _o, _n in chain} == {"user", "customer"}
    assert status(app, pk) == chain[-1][4]
