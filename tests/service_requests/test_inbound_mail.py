"""Inbound mail → Nieuwe documenten, through `flask mail receive` with real .eml files
(tests/service_requests/mail/; {TOKEN} and {ORDER_NO} are filled in per test, as the
reply address and subject of our own mail would carry them)."""
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import audit
from app.extensions import db
from app.files import read_bytes
from app.service_requests import workflow
from app.service_requests.models import InboundDocument, ServiceRequest
from tests.helpers import load, make_request, receive_mail, submit

MAIL = Path(__file__).parent / "mail"


def eml(name, sr=None, token=""):
    text = (MAIL / name).read_text()
    return text.replace("{TOKEN}", token).replace("{ORDER_NO}", sr.order_no if sr else "").encode()


@pytest.fixture
def waiting(app, products):
    """A request waiting for documents, and the token our feedback mail gave the customer."""
    pk = make_request(app, status="documents_needed", writer="writer")
    with app.app_context(), audit.acting_as("system", "test"):
        token = workflow.issue_track_token(db.session.get(ServiceRequest, pk))
        db.session.commit()
    return load(app, pk), token


def documents(app, **where):
    with app.app_context():
        rows = db.session.scalars(select(InboundDocument).filter_by(**where)).all()
        return [(d.request_id, d.sender, d.subject, d.text, d.automatic,
                 [(f.stored_file.original_name, read_bytes(f.stored_file)[:5]) for f in d.files])
                for d in rows]


def test_reply_with_attachments_is_filed_and_moves_the_status(app, waiting, admin_client):
    sr, token = waiting
    result = receive_mail(app, eml("reply_with_attachments.eml", sr, token))
    assert result.exit_code == 0, result.output
    assert f"stored on {sr.order_no}" in result.output
    [(request_id, sender, subject, text, automatic, files)] = documents(app)
    assert (request_id, sender, automatic) == (sr.id, "anna@example.org", False)
    assert sr.order_no in subject and "scherpe foto" in text
    # The photo is re-encoded by the files service (metadata stripped), the PDF kept.
    assert [name.split(".")[0] for name, _ in files] == ["id-kaart", "akte"]
    assert files[1][1] == b"%PDF-"
    assert load(app, sr.id).status == "documents_received"
    # What the staff see on the Nieuwe documenten tab, and the audit row of the move.
    page = admin_client.get(f"/service-requests/show/{sr.id}").get_data(as_text=True)
    tab = page.split('id="InboundDocumentView"')[1].split('id="DeliveredProductView"')[0]
    assert "anna@example.org" in tab and "akte.pdf" in tab and "id-kaart." in tab
    audit_tab = page.split('id="AuditTab"')[1]
    assert "inbound mail (Systeem)" in audit_tab and "Nieuwe documenten ontvangen" in audit_tab


def test_the_same_message_twice_is_stored_once(app, waiting):
    sr, token = waiting
    raw = eml("reply_with_attachments.eml", sr, token)
    assert receive_mail(app, raw).exit_code == 0
    second = receive_mail(app, raw)
    assert second.exit_code == 0 and "duplicate" in second.output
    assert len(documents(app)) == 1


@pytest.mark.parametrize("name", ["auto_reply.eml", "bounce.eml"])
def test_auto_replies_and_bounces_are_recorded_but_move_nothing(app, waiting, name):
    sr, token = waiting
    result = receive_mail(app, eml(name, sr, token))
    assert result.exit_code == 0, result.output
    [(request_id, _sender, _subject, _text, automatic, _files)] = documents(app)
    assert request_id == sr.id and automatic is True
    assert load(app, sr.id).status == "documents_needed"


AUTHSERV = "mx.example.org"
AUTHENTICATED = (f"Authentication-Results: {AUTHSERV}; dkim=pass header.d=example.org; "
                 "dmarc=pass header.from=example.org\r\n").encode()


def test_order_number_in_the_subject_from_the_authenticated_applicant_matches(app, waiting):
    sr, _token = waiting
    app.config["MAIL_AUTHSERV_ID"] = AUTHSERV
    try:
        result = receive_mail(app, AUTHENTICATED + eml("order_no_in_subject.eml", sr))
    finally:
        app.config["MAIL_AUTHSERV_ID"] = ""
    assert result.exit_code == 0 and sr.order_no in result.output
    assert documents(app)[0][0] == sr.id


def test_order_number_from_a_stranger_waits_in_unmatched_mail(app, waiting):
    sr, _token = waiting
    raw = eml("order_no_in_subject.eml", sr).replace(b"anna@example.org", b"someone@example.net")
    result = receive_mail(app, raw)
    assert result.exit_code == 0 and "unmatched" in result.output
    assert documents(app)[0][0] is None


def test_unmatched_mail_is_kept_and_staff_attach_it(app, waiting, client_for):
    sr, _token = waiting
    result = receive_mail(app, eml("unmatched.eml"))
    assert result.exit_code == 0 and "unmatched" in result.output
    writer, viewer = client_for("Writer"), client_for("Viewer")
    page = viewer.get("/unmatched-mail/list/").get_data(as_text=True)
    assert "Niet-gekoppelde mail" in page and "Vraag over een uittreksel" in page
    with app.app_context():
        doc_id = db.session.scalar(select(InboundDocument.id))
    show = viewer.get(f"/unmatched-mail/show/{doc_id}").get_data(as_text=True)
    assert "kwitantie.pdf" in show and "Koppelen aan bestelnummer" not in show
    # The viewer may not attach; the writer may.
    assert submit(viewer, "/unmatched-mail/list/", {"order_no": sr.order_no},
                  post_url=f"/unmatched-mail/attach/{doc_id}").status_code == 403
    page = submit(writer, f"/unmatched-mail/show/{doc_id}", {"order_no": "2026-999999"},
                  post_url=f"/unmatched-mail/attach/{doc_id}", follow_redirects=True)
    assert "Geen aanvraag met bestelnummer 2026-999999" in page.get_data(as_text=True)
    page = submit(writer, f"/unmatched-mail/show/{doc_id}", {"order_no": sr.order_no},
                  post_url=f"/unmatched-mail/attach/{doc_id}", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert f"Gekoppeld aan {sr.order_no}" in text and "kwitantie.pdf" in text
    assert load(app, sr.id).status == "documents_received"
    assert "Vraag over een uittreksel" not in writer.get("/unmatched-mail/list/").get_data(as_text=True)


def test_a_locked_database_asks_the_mta_to_retry(app, waiting):
    """SQLite's exclusive lock held by another process: the pipe exits 75 after the
    driver's busy timeout (5 s), and the MTA's retry is stored once the lock is gone."""
    sr, token = waiting
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("lock simulated with SQLite's exclusive lock")
        path = db.engine.url.database
        db.session.remove()
        db.engine.dispose()
    locker = sqlite3.connect(path, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        result = receive_mail(app, eml("reply_with_attachments.eml", sr, token))
    finally:
        locker.rollback()
        locker.close()
    assert result.exit_code == 75, result.output
    assert "try again later" in result.output
    assert receive_mail(app, eml("reply_with_attachments.eml", sr, token)).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(InboundDocument.id))) == 1


def test_parse_html_only_bulk_mail_without_message_id(app, waiting):
    """No Message-ID: the message's own hash recognises a second delivery."""
    from app.mail.inbound import parse

    sr, token = waiting
    raw = (f"From: anna@example.org\r\nTo: aanvragen+{token}@example.org\r\n"
           "Subject: nieuwsbrief\r\nPrecedence: bulk\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hallo <b>daar</b></p>\r\n").encode()
    parsed = parse(raw)
    assert parsed.automatic and parsed.message_id == "" and "Hallo" in parsed.text
    assert "<b>" not in parsed.text
    assert receive_mail(app, raw).exit_code == 0
    assert "duplicate" in receive_mail(app, raw).output
    assert len(documents(app)) == 1 and load(app, sr.id).status == "documents_needed"


def test_empty_input_is_refused(app):
    result = receive_mail(app, b"")
    assert result.exit_code == 65


def test_a_locked_table_on_postgresql_asks_the_mta_to_retry(app, waiting):
    """Another transaction holds the table: the pipe gives up after the lock timeout."""
    sr, token = waiting
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL lock timeout")
        engine = db.engine
    app.config["MAIL_RECEIVE_LOCK_TIMEOUT_MS"] = 200
    try:
        with engine.connect() as other:
            other.execute(text("LOCK TABLE sr_inbound_document IN ACCESS EXCLUSIVE MODE"))
            result = receive_mail(app, eml("reply_with_attachments.eml", sr, token))
            other.rollback()
    finally:
        app.config.pop("MAIL_RECEIVE_LOCK_TIMEOUT_MS")
    assert result.exit_code == 75, result.output
    assert receive_mail(app, eml("reply_with_attachments.eml", sr, token)).exit_code == 0
    assert len(documents(app)) == 1


@pytest.mark.parametrize("header,automatic", [
    ("Precedence: bulk", True), ("Precedence: junk", True), ("Precedence: list", True),
    ("Auto-Submitted: auto-generated", True), ("Auto-Submitted: no", False),
])
def test_precedence_and_auto_submitted_headers_on_a_real_reply(app, waiting, header, automatic):
    """The customer's reply with one such header: recorded on the request either way;
    only a real person's mail moves the status."""
    sr, token = waiting
    raw = eml("reply_with_attachments.eml", sr, token).replace(
        b"Return-Path: <anna@example.org>", b"Return-Path: <anna@example.org>\n" + header.encode(), 1)
    assert header.encode() in raw
    result = receive_mail(app, raw)
    assert result.exit_code == 0, result.output
    [(request_id, _sender, _subject, _text, is_automatic, files)] = documents(app)
    assert request_id == sr.id and is_automatic is automatic and len(files) == 2
    expected = "documents_needed" if automatic else "documents_received"
    assert load(app, sr.id).status == expected
