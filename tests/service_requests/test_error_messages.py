"""A refused step on the counter form and in a request's tab forms shows the rule's own
message and saves nothing (the other screens' refusals: test_lists_and_permissions,
test_track_page, test_inbound_mail, test_concurrency)."""
from sqlalchemy import func, select

from app.extensions import db
from app.service_requests.models import CustomerFeedback, Product, ServiceRequest
from tests.helpers import csrf_token, make_request, row_count, submit


def test_the_counter_form_says_what_is_missing(app, products, client_for):
    counter = client_for("Counter")
    with app.app_context():
        product_id = db.session.execute(select(func.min(
            Product.id))).scalar()
    response = submit(counter, "/service-requests/counter/form", {
        "urgency": "urgent", "on_behalf_of": "", "applicant_name": "Anna", "quantity": "1",
        "applicant_email": "anna@example.org", "id_number": "FB1", "product": str(product_id),
    })
    assert response.status_code == 200
    assert "Bij een spoedaanvraag hoort “namens”." in response.get_data(as_text=True)
    assert row_count(app, ServiceRequest) == 0


def test_a_tab_form_opened_without_its_request_says_where_to_open_it(app, products,
                                                                       client_for):
    make_request(app)
    desk = client_for("Writer")
    token = csrf_token(desk, "/resetmypassword/form")
    response = desk.post("/customerfeedbackview/add", data={"text": "Stuur meer",
                                                            "csrf_token": token},
                         follow_redirects=True)
    assert "Open dit formulier vanuit het tabblad van de aanvraag." in response.get_data(
        as_text=True)
    assert row_count(app, CustomerFeedback) == 0
