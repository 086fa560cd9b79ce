"""Staff are told: the writer when documents arrive on their request or a correction is
needed, the pickup desk when a product is ready for checking, both when the customer
reports an error; "Mijn meldingen" with its count in the menu bar, and a daily digest
mail for those who ask for it."""
import io
import re
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.notifications import digest
from app.notifications.models import Notification
from tests.helpers import make_request, submit
from tests.service_requests.test_manual_walk import PDF, add_in_tab
from tests.service_requests.test_track_page import with_token


def badge(client):
    page = client.get("/service-requests/list/").get_data(as_text=True)
    found = re.search(r'class="badge notifications-count">(\d+)<', page)
    assert "Mijn meldingen" in page
    return int(found.group(1)) if found else 0


def mine(client):
    page = client.get("/notifications/").get_data(as_text=True)
    return re.findall(r'<a href="(/notifications/open/\d+)">(?:<strong>)?([^<]+)<', page)


def test_the_writer_is_told_when_documents_arrive_and_opening_it_marks_it_read(
        app, products, client, client_for):
    pk = make_request(app, status="documents_needed", writer="writer")
    writer, other = client_for("Writer"), client_for("PickupDesk")
    assert badge(writer) == 0
    token = with_token(app, pk)
    submit(client, f"/track/{token}", {"files": (io.BytesIO(PDF), "akte.pdf")},
           post_url=f"/track/{token}/documents", content_type="multipart/form-data")
    assert badge(writer) == 1 and badge(other) == 0
    [(url, text)] = mine(writer)
    order_no = text.rsplit(" ", 1)[1]
    assert text == f"Nieuwe documenten bij aanvraag {order_no}"
    response = writer.get(url)
    assert response.status_code == 302 and response.location.endswith(f"/service-requests/show/{pk}")
    assert badge(writer) == 0
    # Someone else's notification is not theirs to open.
    assert other.get(url).status_code == 404


def test_desk_and_writer_are_told_ready_for_checking_correction_and_customer_errors(
        app, products, client_for):
    pk = make_request(app, status="in_preparation", writer="writer")
    writer, desk = client_for("Writer"), client_for("PickupDesk")
    add_in_tab(writer, "deliveredproductview", pk,
               {"upload": (io.BytesIO(PDF), "klaar.pdf"), "complete": "y"},
               content_type="multipart/form-data")
    assert [t for _, t in mine(desk)][0].endswith("is klaar voor controle")
    assert badge(writer) == 0  # not told about their own step
    add_in_tab(desk, "internalcheckview", pk, {"result": "correction", "remarks": "Naam fout"})
    assert [t for _, t in mine(writer)][0].startswith("Correctie nodig bij aanvraag")
    with app.app_context():
        db.session.execute(db.text("update sr_request set status='delivered' where id=:pk"),
                           {"pk": pk})
        db.session.commit()
    token = with_token(app, pk)
    client = app.test_client()
    submit(client, f"/track/{token}", {"text": "Perceelnummer fout"},
           post_url=f"/track/{token}/error")
    assert [t for _, t in mine(writer)][0].startswith("De klant heeft een fout gemeld")
    assert [t for _, t in mine(desk)][0].startswith("De klant heeft een fout gemeld")


def test_the_daily_digest_goes_only_to_those_who_asked_and_only_once(app, products, client,
                                                                    client_for):
    pk = make_request(app, status="documents_needed", writer="writer")
    writer = client_for("Writer")
    submit(writer, "/notifications/", {"daily_digest": "y"}, post_url="/notifications/digest")
    token = with_token(app, pk)
    submit(client, f"/track/{token}", {"files": (io.BytesIO(PDF), "akte.pdf")},
           post_url=f"/track/{token}/documents", content_type="multipart/form-data")
    with app.app_context():
        assert digest(datetime.now(UTC)) == 1
        db.session.commit()
        assert digest(datetime.now(UTC)) == 0  # nothing new since
        [mail] = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipients == "writer@example.org",
            OutboxMessage.subject.like("Uw meldingen%"))).all()
        assert "Nieuwe documenten bij aanvraag" in mail.body_text
        assert f"http://backoffice.test/service-requests/show/{pk}" in mail.body_text
        assert db.session.scalar(select(Notification.digested_at)) is not None
    # The job is registered with the one scheduled-jobs mechanism.
    assert "notifications.daily_digest" in app.extensions["jobs"]
