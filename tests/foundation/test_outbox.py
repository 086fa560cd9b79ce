"""The mail outbox: queued in the caller's transaction, delivered once by the sender."""
import io
import re
import socket
import threading

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from app.extensions import db
from app.mail import MailError, queue
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.sender import send_due
from tests.helpers import csrf_token


def _pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _point_mail_at(app, port):
    app.config["MAIL_PORT"] = port
    app.extensions["mail"].port = port


def test_queue_joins_the_callers_transaction(app_ctx):
    queue("klant@example.org", "Rolled back", "text")
    db.session.rollback()
    assert _messages() == []
    queue("klant@example.org", "Committed", "text", subject_record=("ServiceRequest", 7))
    db.session.commit()
    [message] = _messages()
    assert (message.subject, message.status, message.attempts) == ("Committed", "pending", 0)
    assert (message.subject_type, message.subject_id) == ("ServiceRequest", "7")


def test_delivers_text_html_and_pdf_attachment(app, smtp_server, deliver):
    pdf = _pdf_bytes()
    with app.app_context():
        queue(["klant@example.org"], "Uw opdracht KH-OC-001488", "Hallo,\nzie bijlage.",
              html="<p>Hallo, <b>zie bijlage</b>.</p>", reply_to="balie@example.org",
              attachments=[("opdracht.pdf", "application/pdf", pdf)])
        db.session.commit()
        message_id = _messages()[0].message_id
    assert deliver() == (1, 0)
    [received] = smtp_server.to("klant@example.org")
    assert received["Subject"] == "Uw opdracht KH-OC-001488"
    assert received["Reply-To"] == "balie@example.org"
    assert received["Message-ID"] == message_id
    assert "zie bijlage." in received.get_body(("plain",)).get_content()
    assert "<b>zie bijlage</b>" in received.get_body(("html",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "opdracht.pdf"
    assert attachment.get_content() == pdf
    with app.app_context():
        [row] = _messages()
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
        assert row.sent_at is not None
    # a second pass sends nothing: never twice
    assert deliver() == (0, 0)
    assert len(smtp_server.messages) == 1


def test_smtp_down_keeps_the_message_then_delivers_it_once(app, smtp_server, deliver):
    with app.app_context():
        queue("klant@example.org", "Wacht op server", "text")
        db.session.commit()
    _point_mail_at(app, _closed_port())
    assert deliver() == (0, 1)
    with app.app_context():
        [row] = _messages()
        assert (row.status, row.attempts) == ("pending", 1)
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()
        assert row.sent_at is None
    _point_mail_at(app, smtp_server.port)
    assert deliver() == (1, 0)
    assert deliver() == (0, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Wacht op server"]
    with app.app_context():
        [row] = _messages()
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_backoff_waits_before_the_next_attempt(app, smtp_server, deliver):
    app.config["OUTBOX_BACKOFF_SECONDS"] = 60
    try:
        with app.app_context():
            queue("klant@example.org", "Later", "text")
            db.session.commit()
        _point_mail_at(app, _closed_port())
        assert deliver() == (0, 1)
        _point_mail_at(app, smtp_server.port)
        assert deliver() == (0, 0)  # not due yet
        assert smtp_server.messages == []
    finally:
        app.config["OUTBOX_BACKOFF_SECONDS"] = 0


def test_gives_up_after_max_attempts(app, smtp_server, deliver):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    try:
        with app.app_context():
            queue("klant@example.org", "Onbestelbaar", "text")
            db.session.commit()
        _point_mail_at(app, _closed_port())
        assert deliver() == (0, 1)
        assert deliver() == (0, 1)
        assert deliver() == (0, 0)
        with app.app_context():
            [row] = _messages()
            assert (row.status, row.attempts) == ("failed", 2)
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 12


def test_a_sent_message_is_never_sent_again(app, smtp_server, deliver):
    with app.app_context():
        message = queue("klant@example.org", "Al verstuurd", "text")
        db.session.flush()
        message.status = OutboxStatus.SENT
        db.session.commit()
    assert deliver() == (0, 0)
    assert smtp_server.messages == []


def test_two_senders_racing_send_each_row_once(app, smtp_server):
    with app.app_context():
        for n in range(12):
            queue(f"klant{n}@example.org", f"Race {n}", "text")
        db.session.commit()
    results, errors = [], []
    start = threading.Barrier(2)

    def sender():
        try:
            with app.app_context():
                start.wait()
                results.append(send_due(limit=100))
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(sent for sent, _failed in results) == 12
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Race {n}" for n in range(12))
    with app.app_context():
        assert {(m.status, m.attempts) for m in _messages()} == {("sent", 1)}


@pytest.mark.parametrize("kwargs", [
    {"subject": "Hallo\r\nBcc: evil@example.com"},
    {"subject": "Hallo\nX-Injected: 1"},
    {"to": "klant@example.org\r\nBcc: evil@example.com"},
    {"to": "klant@example.org, evil@example.com"},
    {"to": "not an address"},
    {"reply_to": "a@example.org\nBcc: evil@example.com"},
    {"cc": "a@example.org\r\nBcc: evil@example.com"},
    {"cc": ["a@example.org", "b@example.org\nX-Injected: 1"]},
    {"attachments": [("x.pdf", "application/pdf\r\nX-Evil: 1", b"%PDF-")]},
    {"attachments": [("x.pdf\r\nX-Evil: 1", "application/pdf", b"%PDF-")]},
])
def test_header_injection_and_bad_addresses_are_refused(app_ctx, kwargs):
    args = {"to": "klant@example.org", "subject": "Hallo", **kwargs}
    with pytest.raises(MailError):
        queue(args.pop("to"), args.pop("subject"), "text", **args)
    db.session.commit()
    assert _messages() == []


def test_without_mail_server_mail_stays_in_the_outbox_screen(app, admin_client, deliver):
    assert app.config["MAIL_SERVER"] == ""
    with app.app_context():
        queue("klant@example.org", "Leesbaar in het postvak", "Beste klant, ...")
        db.session.commit()
        message_id = _messages()[0].id
    assert deliver() == (0, 0)
    page = admin_client.get("/outboxview/list/").get_data(as_text=True)
    assert "Leesbaar in het postvak" in page
    assert "klant@example.org" in page
    show = admin_client.get(f"/outboxview/show/{message_id}").get_data(as_text=True)
    assert "Beste klant, ..." in show
    with app.app_context():
        assert _messages()[0].status == "pending"


def test_cli_send_and_worker_report_counts(app, smtp_server):
    runner = app.test_cli_runner()
    with app.app_context():
        queue("klant@example.org", "Via de CLI", "text")
        db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    with app.app_context():
        queue("klant@example.org", "Via de worker", "text")
        db.session.commit()
    result = runner.invoke(args=["mail", "worker", "--passes", "1", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert [m["Subject"] for m in smtp_server.messages] == ["Via de CLI", "Via de worker"]


def test_cli_without_mail_server_says_so(app):
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0
    assert "MAIL_SERVER is not set" in result.output


def test_retry_action_on_the_outbox_list(app, admin_client, smtp_server, deliver):
    with app.app_context():
        failed = queue("klant@example.org", "Mislukt", "text")
        sent = queue("klant@example.org", "Al weg", "text")
        db.session.flush()
        failed.status, failed.attempts, failed.last_error = "failed", 12, "timeout"
        sent.status = "sent"
        db.session.commit()
        ids = [failed.id, sent.id]
    token = csrf_token(admin_client, "/outboxview/list/")
    response = admin_client.post("/outboxview/action_post", data={
        "csrf_token": token, "action": "retry", "rowid": [str(i) for i in ids]},
        follow_redirects=True)
    assert response.status_code == 200
    assert "1 van 2" in response.get_data(as_text=True)
    assert deliver() == (1, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["Mislukt"]
    with app.app_context():
        assert [(m.subject, m.status) for m in _messages()] == [("Mislukt", "sent"),
                                                                ("Al weg", "sent")]


def test_retry_action_without_csrf_token_is_refused(app, admin_client):
    with app.app_context():
        message = queue("klant@example.org", "Mislukt", "text")
        message.status = "failed"
        db.session.commit()
        message_id = message.id
    response = admin_client.post("/outboxview/action_post",
                                 data={"action": "retry", "rowid": str(message_id)})
    assert response.status_code == 400
    with app.app_context():
        assert _messages()[0].status == "failed"


def test_a_row_that_cannot_be_built_does_not_stop_the_others(app, smtp_server, deliver):
    from app.mail.models import OutboxAttachment

    with app.app_context():
        broken = queue("klant@example.org", "Kapot", "text")
        broken.attachments.append(OutboxAttachment(filename="x", content_type="nonsense",
                                                   data=b"x"))  # bypasses queue()'s checks
        queue("klant@example.org", "Heel", "text")
        db.session.commit()
    assert deliver() == (1, 1)
    assert [m["Subject"] for m in smtp_server.messages] == ["Heel"]
    with app.app_context():
        row = _messages()[0]
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error


@pytest.mark.parametrize("attachment", [("a.pdf", "pdf", b"%PDF-"),
                                        ("a.pdf", "application/pdf", "not bytes")])
def test_bad_attachments_are_refused_at_queue_time(app_ctx, attachment):
    with pytest.raises(MailError):
        queue("klant@example.org", "Hallo", "text", attachments=[attachment])


def test_non_ascii_subject_body_and_attachment_name(app, smtp_server, deliver):
    with app.app_context():
        queue("klant@example.org", "Uw aanvraag ‘KH-A-010816’ – ontvangen ✓",
              "Beste mevrouw Ünal,\n\nwij hebben uw melding ontvangen. Één moment…",
              html="<p>Beste mevrouw Ünal — ✓</p>",
              attachments=[("Opdracht één.pdf", "application/pdf", b"%PDF-1.4 test")])
        db.session.commit()
    assert deliver() == (1, 0)
    [received] = smtp_server.messages
    assert received["Subject"] == "Uw aanvraag ‘KH-A-010816’ – ontvangen ✓"
    assert "Één moment…" in received.get_body(("plain",)).get_content()
    assert "Ünal — ✓" in received.get_body(("html",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "Opdracht één.pdf"


def test_outbox_names_the_record_in_words(app, admin_client, gadget_labels):
    with app.app_context():
        message = queue("klant@example.org", "Uw apparaatje", "text",
                        subject_record=("Gadget", 7))
        db.session.commit()
        message_id = message.id
    listing = admin_client.get("/outboxview/list/").get_data(as_text=True)
    assert "Uw apparaatje" in listing
    show = admin_client.get(f"/outboxview/show/{message_id}").get_data(as_text=True)
    over = re.search(r"<th[^>]*>\s*Over\s*</th>\s*<td>\s*<span[^>]*>(.*?)</span>", show, re.S)
    assert over and over.group(1).strip() == "Apparaatje"


def test_a_sending_row_whose_lease_ran_out_is_retried_with_the_same_message_id(
        app, smtp_server, deliver):
    """A sender that died mid-send leaves 'sending' + a lease; after the lease the
    next sender tries again, with the stored Message-ID (the receiver can dedupe)."""
    from datetime import timedelta

    from app.database import utcnow

    with app.app_context():
        crashed = queue("klant@example.org", "Halverwege gestorven", "text")
        busy = queue("klant@example.org", "Nog bezig", "text")
        db.session.flush()
        crashed.status = busy.status = OutboxStatus.SENDING
        crashed.attempts = busy.attempts = 1
        crashed.lease_until = utcnow() - timedelta(seconds=1)
        busy.lease_until = utcnow() + timedelta(minutes=5)  # another sender is on it
        db.session.commit()
        crashed_id = crashed.message_id
    assert deliver() == (1, 0)
    [received] = smtp_server.messages
    assert received["Subject"] == "Halverwege gestorven"
    assert received["Message-ID"] == crashed_id
    assert deliver() == (0, 0)  # sent now: not again; the live lease is left alone
    with app.app_context():
        rows = {m.subject: (m.status, m.attempts) for m in _messages()}
    assert rows == {"Halverwege gestorven": ("sent", 2), "Nog bezig": ("sending", 1)}


def test_worker_keeps_running_while_smtp_is_down(app, smtp_server):
    with app.app_context():
        queue("klant@example.org", "Worker wacht", "text")
        db.session.commit()
    _point_mail_at(app, _closed_port())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "worker", "--passes", "2", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert result.output.count("sent 0, failed 1") == 2  # both passes ran, no crash
    with app.app_context():
        [row] = _messages()
        assert (row.status, row.attempts) == ("pending", 2)
    _point_mail_at(app, smtp_server.port)
    result = runner.invoke(args=["mail", "worker", "--passes", "2", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert result.output.count("sent 1, failed 0") == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Worker wacht"]
