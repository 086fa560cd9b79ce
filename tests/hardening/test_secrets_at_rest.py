"""Finding 3 — link tokens were recoverable in clear: in the outbox (text, reply
address, attachments), in the audit trail's endpoint, in access and error logs and
on the Outbox screen. Now the database, the logs and the screens hold none."""
import logging
import re

from sqlalchemy import select, text

from app import audit
from app.audit import AuditEntry
from app.extensions import db
from app.mail.models import OutboxMessage
from app.security import sealed
from app.security.redact import RedactingFilter, redact
from app.service_requests.customer_mail import queue_customer_mail
from app.service_requests.models import ServiceRequest
from tests.helpers import csrf_token, link, make_order, make_request, page

TRACK = re.compile(r"/track/([0-9a-f]{32})")


def _raw_outbox(app):
    """Everything the outbox tables hold, as the database has it (no decryption)."""
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(text("SELECT body_text, body_html, reply_to, last_error "
                                 "FROM outbox_message")).all()
        blobs = conn.execute(text("SELECT data FROM outbox_attachment")).scalars().all()
    texts = " ".join(str(v) for row in rows for v in row if v is not None)
    return texts, [bytes(b) for b in blobs]


def _customer_mail(app):
    pk = make_request(app)
    with app.app_context(), audit.acting_as("system", "test"):
        queue_customer_mail(db.session.get(ServiceRequest, pk), "ready")
        db.session.commit()
        row = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        return TRACK.search(row.body_text).group(1), row.id


def test_finding3_outbox_holds_no_usable_track_token(app, products, smtp_server, deliver):
    token, message_id = _customer_mail(app)
    texts, _blobs = _raw_outbox(app)
    assert token not in texts and "sealed:1:" in texts
    assert deliver() == (2, 0)  # the request's confirmation, then the "ready" mail
    delivered = smtp_server.messages[-1]
    assert f"/track/{token}" in delivered.get_body(("plain",)).get_content()
    assert f"+{token}@" in delivered["Reply-To"]
    texts, _blobs = _raw_outbox(app)
    assert token not in texts
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        assert "/track/…" in row.body_text and "+…@" in row.reply_to


def test_finding3_contractor_mail_and_its_pdf_hold_no_usable_token(app, place, smtp_server,
                                                                   deliver):
    links = make_order(app, place)
    wo_token = links["wo"].removeprefix("/wo/")
    r_token = links["r"].removeprefix("/r/")
    texts, blobs = _raw_outbox(app)
    assert blobs and all(b.startswith(sealed.PREFIX_BYTES) for b in blobs)
    for token in (wo_token, r_token):
        assert token not in texts
        assert not any(token.encode() in blob for blob in blobs)
    deliver()
    order_mail = next(m for m in smtp_server.messages if "Nieuwe opdracht" in m["Subject"])
    assert link(order_mail, "/wo/") == links["wo"]
    pdf = next(p for p in order_mail.iter_attachments())
    assert pdf.get_content().startswith(b"%PDF-")


def test_finding3_outbox_screen_shows_no_usable_link(app, products, admin_client):
    token, message_id = _customer_mail(app)
    html = page(admin_client.get(f"/outboxview/show/{message_id}"))
    assert token not in html
    assert "/track/…" in html and "+…@" in html


def test_finding3_audit_keeps_the_route_not_the_token(app, client, place):
    links = make_order(app, place)
    token = csrf_token(client, links["wo"])
    response = client.post(links["wo"], data={"action": "accept", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        endpoints = set(db.session.scalars(select(AuditEntry.endpoint).where(
            AuditEntry.endpoint.is_not(None))))
    assert endpoints == {"POST /wo/…"}


def test_finding3_access_and_error_logs_are_masked(app, client, place, caplog):
    links = make_order(app, place)
    token = links["wo"].removeprefix("/wo/")
    assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("werkzeug").filters)
    caplog.set_level(logging.INFO)
    # the shapes of a dev-server and a gunicorn access line, and an app error
    logging.getLogger("werkzeug").info('%s - - "%s" %s %s', "127.0.0.1",
                                       f"GET {links['wo']} HTTP/1.1", 200, "-")
    logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s', {
        "h": "127.0.0.1", "r": f"POST {links['wo']}/photo/abc HTTP/1.1", "s": 302})
    app.logger.warning("reply address %s refused", f"aanvragen+{'ab12' * 8}@example.org")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in logged and "ab12" * 8 not in logged
    assert "GET /wo/… HTTP/1.1" in logged and "/wo/…/photo/abc" in logged
    assert "aanvragen+…@example.org" in logged


def test_finding3_redact_keeps_everything_but_the_token():
    assert redact("/static/appbuilder/css/bootstrap.min.css") == \
        "/static/appbuilder/css/bootstrap.min.css"
    assert redact("GET /faultlocations/list/?page=2") == "GET /faultlocations/list/?page=2"
    assert redact("zie http://x.test/track/0123456789abcdef0123456789abcdef.") == \
        "zie http://x.test/track/…."
    assert redact(None) is None
