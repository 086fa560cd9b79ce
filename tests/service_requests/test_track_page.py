"""The customer's track page: /track/<token> shows, the two forms post; GET changes nothing."""
import io

from sqlalchemy import func, select

from app import audit
from app.audit import AuditEntry
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import (
    ApplicantFeedback,
    CustomerFeedback,
    InboundDocument,
    ServiceRequest,
)
from tests.helpers import csrf_token, load, make_request, row_count, submit
from tests.service_requests.test_manual_walk import PDF


def with_token(app, pk, feedback=None):
    with app.app_context(), audit.acting_as("system", "test"):
        sr = db.session.get(ServiceRequest, pk)
        if feedback:
            db.session.add(CustomerFeedback(service_request=sr, text=feedback))
        token = workflow.issue_track_token(sr)
        db.session.commit()
        return token


def audit_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)))


def test_status_and_feedback_and_get_changes_nothing(app, products, client):
    pk = make_request(app, status="documents_needed")
    token = with_token(app, pk, feedback="Stuur een scherpere foto van uw ID.")
    before = audit_count(app)
    page = client.get(f"/track/{token}").get_data(as_text=True)
    assert load(app, pk).order_no in page
    assert "Wij wachten op documenten van u" in page and "Stuur een scherpere foto van uw ID." in page
    assert "Nieuwe documenten nodig" not in page  # the customer's words, not the office's
    assert "Nieuwe documenten sturen" in page and "Een fout in het product melden" not in page
    assert audit_count(app) == before


def test_wrong_token_is_404(app, products, client):
    make_request(app)
    assert client.get("/track/" + "0" * 32).status_code == 404
    assert client.get("/track/short").status_code == 404
    assert client.post("/track/" + "0" * 32 + "/error", data={}).status_code in (400, 404)


def test_upload_needs_csrf_and_a_real_file(app, products, client):
    pk = make_request(app, status="documents_needed")
    token = with_token(app, pk)
    no_csrf = client.post(f"/track/{token}/documents",
                          data={"files": (io.BytesIO(PDF), "a.pdf")},
                          content_type="multipart/form-data")
    assert no_csrf.status_code == 400
    page = submit(client, f"/track/{token}", {"files": (io.BytesIO(b"MZ\x90 not a pdf"), "x.exe")},
                  post_url=f"/track/{token}/documents", follow_redirects=True,
                  content_type="multipart/form-data").get_data(as_text=True)
    assert "Dit soort bestand wordt niet geaccepteerd." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(InboundDocument.id))) == 0
    assert load(app, pk).status == "documents_needed"


def test_report_an_error_only_once_delivered(app, products, client):
    pk = make_request(app, status="in_preparation")
    token = with_token(app, pk)
    page = submit(client, f"/track/{token}", {"text": "Fout"}, post_url=f"/track/{token}/error",
                  follow_redirects=True).get_data(as_text=True)
    assert "Dit kan niet zolang de aanvraag de status" in page
    with app.app_context():
        db.session.execute(db.update(ServiceRequest).values(status="delivered"))
        db.session.commit()
    page = submit(client, f"/track/{token}", {"text": "Het perceelnummer is fout."},
                  post_url=f"/track/{token}/error", follow_redirects=True).get_data(as_text=True)
    assert "wij corrigeren het product" in page
    assert "In behandeling" in page and "uitschrijver" not in page
    with app.app_context():
        [row] = db.session.scalars(select(ApplicantFeedback)).all()
        assert row.text == "Het perceelnummer is fout." and row.source == "track_page"


def test_posts_are_rate_limited(app, products, client):
    pk = make_request(app, status="delivered")
    token = with_token(app, pk)
    csrf = csrf_token(client, f"/track/{token}")
    limit = int(app.config["PUBLIC_FORM_RATE_LIMIT"].split()[0])
    codes = [client.post(f"/track/{token}/error", data={"csrf_token": csrf, "text": ""}).status_code
             for _ in range(limit + 1)]
    assert codes[:limit] == [302] * limit and codes[-1] == 429
    assert client.get(f"/track/{token}").status_code == 200  # reading is not limited


def test_get_changes_no_row_and_a_wrong_token_post_is_404(app, products, client):
    """Also for a delivered request (both forms shown): GET leaves the request's version,
    status and every row as they were; a well-formed POST to an unknown token is 404."""
    pk = make_request(app, status="delivered")
    token = with_token(app, pk, feedback="Uw product is klaar.")
    before = load(app, pk)
    counts = [row_count(app, m) for m in (ServiceRequest, CustomerFeedback, InboundDocument,
                                      ApplicantFeedback)]
    for _ in range(3):
        page = client.get(f"/track/{token}").get_data(as_text=True)
    assert "Opgehaald" in page and "Een fout in het product melden" in page
    after = load(app, pk)
    assert (after.version_id, after.status, after.updated_at) == \
        (before.version_id, before.status, before.updated_at)
    assert [row_count(app, m) for m in (ServiceRequest, CustomerFeedback, InboundDocument,
                                    ApplicantFeedback)] == counts
    csrf = csrf_token(client, f"/track/{token}")
    wrong = "f" * 32
    assert client.post(f"/track/{wrong}/error", data={"csrf_token": csrf, "text": "x"}).status_code == 404
    assert client.post(f"/track/{wrong}/documents", data={
        "csrf_token": csrf, "files": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data").status_code == 404
    assert row_count(app, ApplicantFeedback) == 0 and row_count(app, InboundDocument) == 0
