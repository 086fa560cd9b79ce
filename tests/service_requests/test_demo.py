"""`flask demo load` fills every screen and tab of this domain, and a second run adds nothing."""
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.service_requests import demo
from app.service_requests.models import (
    ApplicantFeedback,
    Correction,
    CustomerFeedback,
    DeliveredProduct,
    InboundDocument,
    InternalCheck,
    Payment,
    Refund,
    RequestStatus,
    ServiceRequest,
)


def counts():
    models = (ServiceRequest, CustomerFeedback, InboundDocument, DeliveredProduct, InternalCheck,
              ApplicantFeedback, Correction, Payment, Refund)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_demo_fills_every_status_and_tab_once(app, admin_client):
    with app.app_context(), audit.acting_as("system", "demo loader"):
        demo.load()
        db.session.commit()
        first = counts()
        demo.load()
        db.session.commit()
        assert counts() == first
        statuses = set(db.session.scalars(select(ServiceRequest.status)))
        pk = db.session.scalar(select(ServiceRequest.id).where(
            ServiceRequest.client_reference == "DEMO-11"))
    assert first["ServiceRequest"] == 12
    assert all(first[name] > 0 for name in first), first
    assert statuses >= set(RequestStatus.OPEN) | {"delivered", "paid", "refund"}
    page = admin_client.get(f"/service-requests/show/{pk}").get_data(as_text=True)
    for text in ("Restitutie", "Dubbel aangevraagd", "Feedback naar klant", "In orde.",
                 "Pin", "Hypothecair uittreksel"):
        assert text in page, text
    assert "Vraag over mijn aanvraag" in admin_client.get("/unmatched-mail/list/").get_data(as_text=True)


def test_every_screen_opens_on_demo_data(app, admin_client, viewer_client):
    from app.service_requests.tabs import TABS

    with app.app_context(), audit.acting_as("system", "demo loader"):
        demo.load()
        db.session.commit()
        first_rows = {tab.__name__.lower(): db.session.scalar(select(tab.datamodel.obj.id))
                      for tab in TABS}
        request_ids = list(db.session.scalars(select(ServiceRequest.id)))
    urls = ["/service-requests/list/", "/service-requests/mine/list/", "/unmatched-mail/list/",
            "/productview/list/", "/service-requests/counter/form"]
    urls += [f"/{name}/list/" for name in first_rows]
    urls += [f"/{name}/show/{pk}" for name, pk in first_rows.items()]
    urls += [f"/service-requests/show/{pk}" for pk in request_ids]
    urls += [f"/service-requests/edit/{request_ids[0]}"]
    for url in urls:
        assert admin_client.get(url).status_code == 200, url
    for pk in request_ids:
        assert viewer_client.get(f"/service-requests/show/{pk}").status_code == 200
