"""Every back-office button and public form of the fault domain answers a refused step
with the rule's own message (and saves nothing), never with an error page."""
from sqlalchemy import func, select, update

from app import audit
from app.extensions import db
from app.faults import tokens, workflow
from app.faults.models import Complaint, Contractor, FaultReport, StickerCode, WorkOrder
from app.mail.models import OutboxMessage
from tests.helpers import csrf_token, make_order, page, submit

NO_MAIL = "Er kan geen e-mail naar"


def _mails(app):
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMessage.id)))


def _store(app, model, pk, **values):
    """Write values straight to the table, as an old import or a hand edit may have."""
    with app.app_context():
        db.session.execute(update(model).where(model.id == pk).values(**values))
        db.session.commit()


def test_renewing_the_reporter_link_to_an_invalid_address_says_so(app, client_for, place):
    links = make_order(app, place)
    _store(app, FaultReport, links["report_id"], reporter_email="douwe at example")
    before = _mails(app)
    manager = client_for("FacilityManager")
    url = f"/faultreportview/show/{links['report_id']}"
    response = submit(manager, url, {}, post_url=f"/faultreportview/renew-link/{links['report_id']}",
                      follow_redirects=True)
    assert response.status_code == 200
    assert f"{NO_MAIL} douwe at example worden gestuurd; corrigeer eerst het adres" in page(
        response)
    assert _mails(app) == before
    assert app.test_client().get(links["r"]).status_code == 200  # the old link still works


def test_resending_to_an_invalid_contractor_address_says_so(app, client_for, place):
    links = make_order(app, place)
    _store(app, Contractor, place["contractor_id"], email="geen-adres")
    before = _mails(app)
    manager = client_for("FacilityManager")
    url = f"/workorderview/show/{links['order_id']}"
    for step in ("resend", "renew"):
        response = submit(manager, url, {}, post_url=f"/workorderview/{step}/{links['order_id']}",
                          follow_redirects=True)
        assert f"{NO_MAIL} geen-adres worden gestuurd" in page(response), step
    assert _mails(app) == before
    assert app.test_client().get(links["wo"]).status_code == 200  # not renewed


def test_closing_a_closed_complaint_says_so(app, client_for, place):
    links = make_order(app, place)
    with app.app_context(), audit.acting_as("system", "test"):
        complaint = workflow.complain(db.session.get(WorkOrder, links["order_id"]), "Te laat")
        workflow.close_complaint(complaint)
        db.session.commit()
        pk = complaint.id
    manager = client_for("FacilityManager")
    # a second tab still shows the Close button: its form carries the session's CSRF token
    response = submit(manager, f"/workorderview/show/{links['order_id']}", {},
                      post_url=f"/complaintview/close/{pk}", follow_redirects=True)
    assert "Deze klacht is al gesloten." in page(response)


def test_a_sticker_batch_out_of_range_says_so(app, client_for):
    manager = client_for("FacilityManager")
    for count in ("0", "-3", "veel", "100000"):
        response = submit(manager, "/stickercodeview/list/", {"count": count},
                          post_url="/stickercodeview/generate", follow_redirects=True)
        assert "Kies tussen 1 en" in page(response), count
    with app.app_context():
        assert db.session.scalar(select(func.count(StickerCode.id))) == 0


def test_answering_a_complaint_closed_meanwhile_says_so(app, client, place):
    links = make_order(app, place)
    with app.app_context(), audit.acting_as("system", "test"):
        complaint = workflow.complain(db.session.get(WorkOrder, links["order_id"]), "Te laat")
        db.session.commit()
        url, pk = "/c/" + tokens.token_for(complaint), complaint.id
    token = csrf_token(client, url)  # the contractor opens the page ...
    with app.app_context(), audit.acting_as("system", "test"):
        workflow.close_complaint(db.session.get(Complaint, pk))  # ... the manager closes it
        db.session.commit()
    response = client.post(url, data={"response": "Sorry", "csrf_token": token})
    assert response.status_code == 400 and "Deze klacht is gesloten." in page(response)
    with app.app_context():
        assert db.session.scalars(select(Complaint.response)).one() is None
