"""Finding 5 — inbound mail trusted `From:` (a spoofed applicant address plus the
order number moved the status) and took a reused Message-ID with new content for a
duplicate; finding 6's mail part — NUL bytes, binary garbage and 3,000-deep MIME
exited 75 forever (a poison message). Through `flask mail receive`, as the MTA runs it."""
import os

import pytest
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.service_requests import workflow
from app.service_requests.models import InboundDocument, ServiceRequest
from tests.helpers import load, make_request, receive_mail

AUTHSERV = "mx.example.org"


def mail(sr, to="aanvragen@example.org", sender="anna@example.org", message_id="<m1@x>",
         body="Hierbij mijn documenten.", headers=""):
    return (f"{headers}From: Anna Jansen <{sender}>\r\nTo: {to}\r\n"
            f"Subject: Mijn aanvraag {sr.order_no}\r\nMessage-ID: {message_id}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}\r\n").encode()


@pytest.fixture
def waiting(app, products):
    pk = make_request(app, status="documents_needed", writer="writer")
    with app.app_context(), audit.acting_as("system", "test"):
        token = workflow.issue_track_token(db.session.get(ServiceRequest, pk))
        db.session.commit()
    return load(app, pk), token


@pytest.fixture
def our_mta(app):
    app.config["MAIL_AUTHSERV_ID"] = AUTHSERV
    yield AUTHSERV
    app.config["MAIL_AUTHSERV_ID"] = ""


def documents(app):
    with app.app_context():
        return [(d.request_id, d.subject, d.text) for d in
                db.session.scalars(select(InboundDocument).order_by(InboundDocument.id))]


def test_finding5_a_spoofed_from_moves_nothing_and_waits_for_review(app, waiting, our_mta):
    sr, _token = waiting
    forged = [
        "",  # no Authentication-Results at all
        "Authentication-Results: evil.example; dmarc=pass header.from=example.org\r\n",
        f"Authentication-Results: {AUTHSERV}; dkim=fail header.d=example.org\r\n",
        f"Authentication-Results: {AUTHSERV}; dkim=pass header.d=attacker.example\r\n",
    ]
    for i, headers in enumerate(forged):
        result = receive_mail(app, mail(sr, message_id=f"<f{i}@x>", headers=headers))
        assert result.exit_code == 0 and "unmatched" in result.output, headers
    assert load(app, sr.id).status == "documents_needed"
    docs = documents(app)
    assert len(docs) == 4 and all(request_id is None for request_id, *_ in docs)
    assert all(sr.order_no in text and "gecontroleerd" in text for *_, text in docs)


def test_finding5_only_our_mta_vouching_for_the_sender_lets_the_subject_match(
        app, waiting, our_mta):
    sr, _token = waiting
    headers = f"Authentication-Results: {AUTHSERV}; dmarc=pass header.from=example.org\r\n"
    result = receive_mail(app, mail(sr, headers=headers))
    assert result.exit_code == 0 and f"stored on {sr.order_no}" in result.output
    assert load(app, sr.id).status == "documents_received"


def test_finding5_the_reply_address_token_is_trusted(app, waiting):
    sr, token = waiting
    result = receive_mail(app, mail(sr, to=f"aanvragen+{token}@example.org",
                               sender="iemand-anders@example.net"))
    assert result.exit_code == 0 and f"stored on {sr.order_no}" in result.output
    assert load(app, sr.id).status == "documents_received"


def test_finding5_a_reused_message_id_with_new_content_is_not_a_duplicate(app, waiting):
    sr, token = waiting
    to = f"aanvragen+{token}@example.org"
    assert receive_mail(app, mail(sr, to=to, body="Eerste brief.")).exit_code == 0
    second = receive_mail(app, mail(sr, to=to, body="Tweede brief, andere inhoud."))
    assert second.exit_code == 0 and "duplicate" not in second.output
    # The first one again, as an MTA re-delivers it (one more Received line): a duplicate.
    again = receive_mail(app, mail(sr, to=to, body="Eerste brief.",
                              headers="Received: from relay2 by mx; Mon, 30 Nov 2026\r\n"))
    assert "duplicate" in again.output
    assert [text for *_, text in documents(app)] == ["Eerste brief.",
                                                     "Tweede brief, andere inhoud."]


@pytest.mark.parametrize("name,raw", [
    ("nul bytes", None),
    ("binary garbage", os.urandom(4096)),
    ("3,000-deep MIME", None),
])
def test_finding6_hostile_mail_is_kept_as_unreadable_never_retried(app, waiting, name, raw):
    sr, token = waiting
    if name == "nul bytes":
        raw = mail(sr, to=f"aanvragen+{token}@example.org", body="a\x00b\x00c",
                   sender="an\x00na@example.org")
        raw = raw.replace(b"Subject: ", b"Subject: \x00")
    elif name == "3,000-deep MIME":
        head = b"From: x@example.org\r\nSubject: diep\r\nMIME-Version: 1.0\r\n"
        parts = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n'
                         % (i, i) for i in range(3000))
        raw = head + parts + b"Content-Type: text/plain\r\n\r\nbodem\r\n"
    result = receive_mail(app, raw)
    assert result.exit_code in (0, 65), result.output
    assert result.exit_code != 75
    if result.exit_code == 0:
        docs = documents(app)
        assert len(docs) == 1
        assert all("\x00" not in (text or "") + (subject or "") for _r, subject, text in docs)
    # Either way a second delivery does not pile up or fail differently.
    assert receive_mail(app, raw).exit_code == result.exit_code
    assert len(documents(app)) <= 1
