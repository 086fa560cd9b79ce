"""Finding 4: each business's staff sees its own business only. Service-request roles
read no fault report (reporter name, e-mail, phone, photo); the Outbox, Files and Audit
log screens show a role only records of the businesses it reads; the Audit tab shows a
Correctie only to those who may open Correctie."""
import pytest
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.files import save_upload
from app.mail import queue
from app.service_requests import workflow
from app.service_requests.models import ServiceRequest
from tests.helpers import PASSWORD, jpeg, make_request, visible_text
from tests.helpers import page as text_of

SR_ROLES = ("Viewer", "Writer", "PickupDesk", "Counter", "Finance")


@pytest.fixture
def both(app):
    """A service request with an ID-card scan and a mail; a fault report with a photo
    and a mail; a mail about nothing (the system's)."""
    from app.faults.models import FaultReport, Location
    from app.service_requests.models import Product

    with app.app_context(), audit.acting_as("system", "test set-up"):
        db.session.add(Product(code="HYP-UIT", name="Hypothecair uittreksel",
                               kind="mortgage_extract", unit_price="25.00"))
        db.session.commit()
    pk = make_request(app)
    with app.app_context(), audit.acting_as("system", "test set-up"):
        sr = db.session.get(ServiceRequest, pk)
        id_card = save_upload((jpeg(), "idkaart.jpg"))
        sr.id_card_file = id_card
        queue("anna@example.org", "Uw aanvraag", "aanvraagtekst",
              subject_record=("ServiceRequest", pk))
        location = Location(name="Demo locatie", street="Laan 1", postcode="1183 AS",
                            city="Amstelveen")
        photo = save_upload((jpeg(), "lek.jpg"))
        report = FaultReport(number="KH-A-000001", location=location, description="Lekkage",
                             photo=photo, reporter_first_name="Douwe", reporter_last_name="D",
                             reporter_email="douwe@example.org", reporter_phone="0612345678")
        db.session.add(report)
        db.session.flush()
        queue("douwe@example.org", "Uw melding", "meldingtekst",
              subject_record=("FaultReport", report.id))
        queue("ops@example.org", "Systeembericht", "systeemtekst")
        workflow.correct(sr, "Geheime correctiereden", amount_adjustment="-7.50")
        db.session.commit()
        return {"sr": pk, "report": report.id, "id_card": id_card.key, "photo": photo.key}


def test_finding_4_service_request_roles_read_no_fault_report(app, both, client_for, client):
    for role in SR_ROLES:
        staff = client_for(role)
        for url in ("/faultreportview/list/", f"/faultreportview/show/{both['report']}",
                    "/workorderview/list/", "/deviceview/list/"):
            assert staff.get(url).status_code == 403, (role, url)
        assert staff.get(f"/files/{both['photo']}").status_code == 403, role
        assert staff.get(f"/files/{both['id_card']}").status_code == 200, role
    # a file that belongs to no record (an orphan upload) is the Admin's only
    with app.app_context():
        orphan = save_upload((jpeg(), "los.jpg")).key
        db.session.commit()
    assert client_for("Viewer").get(f"/files/{orphan}").status_code == 403
    assert client_for("Admin").get(f"/files/{orphan}").status_code == 200
    # ... nor through the API
    login = client.post("/api/v1/security/login", json={
        "username": "viewer", "password": PASSWORD, "provider": "db"})
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    response = client.get("/api/v1/faultreport/", headers=headers)
    assert response.status_code in (401, 403)
    assert "douwe@example.org" not in text_of(response)


def test_finding_4_fault_roles_read_no_service_request(app, both, client_for):
    for role in ("FaultViewer", "FacilityManager"):
        staff = client_for(role)
        assert staff.get("/service-requests/list/").status_code == 403, role
        assert staff.get(f"/service-requests/show/{both['sr']}").status_code == 403, role
        assert staff.get(f"/files/{both['id_card']}").status_code == 403, role
        assert staff.get(f"/files/{both['photo']}").status_code == 200, role
        page = text_of(staff.get(f"/faultreportview/show/{both['report']}"))
        assert "0612345678" in page


def test_finding_4_outbox_shows_only_the_mail_of_the_businesses_a_role_reads(
        app, both, client_for):
    manager = text_of(client_for("FacilityManager").get("/outboxview/list/"))
    assert "Uw melding" in manager
    assert "Uw aanvraag" not in manager and "Systeembericht" not in manager
    with app.app_context():
        from app.mail.models import OutboxMessage

        ids = {m.subject: m.id for m in db.session.scalars(select(OutboxMessage))}
    assert client_for("FacilityManager").get(
        f"/outboxview/show/{ids['Uw aanvraag']}").status_code == 404
    auditor = text_of(client_for("Auditor").get("/outboxview/list/"))
    assert "Uw melding" in auditor and "Uw aanvraag" in auditor
    assert "Systeembericht" not in auditor
    admin = text_of(client_for("Admin").get("/outboxview/list/"))
    assert all(s in admin for s in ("Uw melding", "Uw aanvraag", "Systeembericht"))


def test_finding_4_audit_log_is_scoped_and_correctie_hidden_where_it_may_not_be_seen(
        app, both, client_for):
    # The Audit tab of the request: a Correctie only for Finance (and Admin)
    for role, sees in (("Viewer", False), ("Counter", False), ("Writer", False),
                       ("Finance", True), ("Admin", True)):
        page = text_of(client_for(role).get(f"/service-requests/show/{both['sr']}"))
        assert "Anna Jansen" in page, role
        assert ("Geheime correctiereden" in page) is sees, role
        tab = page.split('id="AuditTab"')[1]
        assert "Aangemaakt" in tab, role  # the request's own history is there
        assert ("Correctie bedrag" in tab) is sees, role
    # The Audit log screen: the auditor reads both businesses, not the governance rows
    # and not a Correctie
    auditor = client_for("Auditor")
    page = text_of(auditor.get("/auditentryview/list/?psize_AuditEntryView=100"))
    assert "Lekkage" in page and "Anna Jansen" in page
    assert "Geheime correctiereden" not in page
    with app.app_context():
        from app.audit import AuditEntry

        user_row = db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.subject_type == "User").limit(1))
    if user_row:
        assert auditor.get(f"/auditentryview/show/{user_row}").status_code == 404


def test_every_file_column_says_which_business_reads_it(app):
    """A new column holding a stored file must be registered (scopes.register_file_owner),
    or its files open for nobody but Admin."""
    from app.security import scopes

    registered = {(attr.property.columns[0].table.name, attr.property.columns[0].name)
                  for attr, _permission in scopes.FILE_OWNERS}
    file_columns = {(table.name, column.name) for table in db.metadata.sorted_tables
                    for column in table.columns
                    for key in column.foreign_keys if key.target_fullname == "stored_file.id"}
    assert len(file_columns) >= 5
    assert file_columns - registered == set()


def test_finding_4_correctie_total_only_for_roles_that_may_correct(app, both, client_for):
    for role, sees in (("Viewer", False), ("Counter", False), ("Writer", False),
                       ("Finance", True), ("Admin", True)):
        page = visible_text(text_of(client_for(role).get(f"/service-requests/show/{both['sr']}")))
        assert "Anna Jansen" in page, role
        assert ("Correcties SRD -7,50" in page) is sees, role
        assert ("Correcties" in page) is sees, role
