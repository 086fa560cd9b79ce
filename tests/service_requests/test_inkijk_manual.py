"""Handleiding Inkijk, step by step: the read-only viewer logs in with the real form,
opens the list, clicks a request and finds every part the manual names — and nothing
to change."""
import re

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.service_requests import demo
from app.service_requests.models import ServiceRequest
from tests.helpers import PASSWORD, SRD, csrf_token


def test_inkijk_manual(app, client):
    with app.app_context(), audit.acting_as("system", "demo loader"):
        demo.load()
        db.session.commit()
        sr = db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.client_reference == "DEMO-10")).one()
        order_no, pk, name = sr.order_no, sr.id, sr.applicant_name
        error_pk = db.session.scalar(select(ServiceRequest.id).where(
            ServiceRequest.client_reference == "DEMO-09"))

    # 1. Log in.
    response = client.post("/login/", data={"username": "viewer", "password": PASSWORD,
                                             "csrf_token": csrf_token(client, "/login/")},
                           follow_redirects=True)
    assert "Afmelden" in response.get_data(as_text=True)

    # 2. Service Request (the orange button): all requests; a click opens one.
    listing = client.get("/service-requests/list/").get_data(as_text=True)
    assert len(set(re.findall(r"\d{4}-\d{6}", listing))) == 12
    link = re.search(rf'href="(/service-requests/show/{pk})"', listing).group(1)
    page = client.get(link).get_data(as_text=True)

    # 3. Header: order no., applicant, e-mail, ID card …
    for text in ("Bestelnr.", order_no, "Spoed", "Aanvrager", name, "E-mail", "@example.org",
                 "ID kaart", "<img", "Telefoonnummer", "Status", "Betaald"):
        assert text in page, text
    # 4./5. The collapsible sections with product, quantity, price and the customer's info.
    for text in ("Aangevraagd product", "Kadastraal uittreksel", "Perceel 19", f"{SRD}15,00",
                 "Bijkomende producten", "Print A4", f"{SRD}1,50", 'data-toggle="collapse"'):
        assert text in page, text
    # 6. Handing over and refunds.
    for text in ("Afgegeven aan", "ID gecontroleerd", "Restituties", "Ja"):
        assert text in page, text
    # 7.-11. The tabs, with the records the others made.
    def tab(tab_id, nxt):
        return page.split(f'id="{tab_id}"')[1].split(f'id="{nxt}"')[0]
    assert "De foto van uw ID-kaart is onduidelijk" in tab("CustomerFeedbackView", "InboundDocumentView")
    assert "id-kaart" in tab("InboundDocumentView", "DeliveredProductView")
    assert f"{order_no}.pdf" in tab("DeliveredProductView", "InternalCheckView")
    assert "In orde." in tab("InternalCheckView", "ApplicantFeedbackView")
    error_page = client.get(f"/service-requests/show/{error_pk}").get_data(as_text=True)
    assert "De naam van de eigenaar is verkeerd gespeld." in error_page
    # 12. Audit: who, when, where, what.
    audit_tab = page.split('id="AuditTab"')[1]
    assert "demo loader (Systeem)" in audit_tab and "Statuswijziging" in audit_tab
    assert "Product afgegeven</td><td>Betaald" in re.sub(r">\s+<", "><", audit_tab)
    # Inkijk changes nothing: no Correctie, no add buttons, no step forms.
    assert "Correctie</a>" not in page
    assert "/add?" not in page
    for action in ("assign", "hand-over", "pay", "refund", "edit"):
        assert f"/service-requests/{action}/" not in page
