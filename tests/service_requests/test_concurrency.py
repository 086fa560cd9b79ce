"""Two people, one request: exactly one wins and the other is told. Order numbers stay
unique and gap-free when many requests are created at once (PostgreSQL)."""
import re
import threading

import pytest
from sqlalchemy import text

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import Product, ServiceRequest
from tests.helpers import load, make_request

STALE = "Iemand anders heeft deze aanvraag intussen gewijzigd"


def test_a_stale_form_is_refused_with_a_clear_message(app, products, client_for):
    pk = make_request(app, status="ready")
    first, second = client_for("PickupDesk"), client_for("PickupDesk")
    forms, tokens = [], []
    for client in (first, second):  # both open the detail page
        page = client.get(f"/service-requests/show/{pk}").get_data(as_text=True)
        forms.append(re.search(r'name="version_id" value="(\d+)"', page).group(1))
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))
    data = {"handed_over_to": "Klant", "id_checked": "y"}
    one = first.post(f"/service-requests/hand-over/{pk}", follow_redirects=True, data=dict(
        data, version_id=forms[0], csrf_token=tokens[0]))
    assert "Product afgegeven" in one.get_data(as_text=True)
    two = second.post(f"/service-requests/hand-over/{pk}", follow_redirects=True, data=dict(
        data, handed_over_to="Iemand anders", version_id=forms[1],
        csrf_token=tokens[1]))
    assert two.status_code == 422 and STALE in two.get_data(as_text=True)
    assert load(app, pk).handed_over_to == "Klant"


def test_a_concurrent_commit_loses_with_the_same_message(app, products):
    """The race past the form check: the row changed between load and commit."""
    pk = make_request(app, status="received")
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        writer = app.appbuilder.sm.find_user(username="writer")
        with db.engine.begin() as other:  # another worker's transaction commits first
            other.execute(text("UPDATE sr_request SET version_id = version_id + 1, "
                               "applicant_phone = '1' WHERE id = :id"), {"id": pk})
        with pytest.raises(DomainError, match=STALE), workflow.transaction(reraise=True):
            workflow.assign(sr, writer)
    assert load(app, pk).status == "received"


def test_order_numbers_are_unique_under_concurrent_creation(app, products):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks are a PostgreSQL matter; SQLite serialises all writers")
    threads, per_thread = 8, 5
    barrier = threading.Barrier(threads)
    numbers, errors = [], []

    def create():
        try:
            with app.app_context(), audit.acting_as("system", "load test"):
                product = db.session.query(Product).filter_by(code="HYP-UIT").one()
                barrier.wait()
                for _ in range(per_thread):
                    with workflow.transaction(reraise=True):
                        sr = workflow.create_request(
                            applicant_name="Gelijktijdig", applicant_email="g@example.org",
                            id_number="X1", products=[(product, 1, None)])
                    numbers.append(sr.order_no)
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=create) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not errors, errors
    assert len(numbers) == len(set(numbers)) == threads * per_thread
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(1, threads * per_thread + 1))
