"""Delivering the outbox: claim a row, send it, record the outcome.

A row is claimed with a conditional UPDATE before any SMTP traffic, so two
workers never send the same row. A worker that dies mid-send leaves a lease
that runs out; the retry reuses the stored Message-ID, so a receiver that got
the first copy can recognise the second.
"""
import logging
import smtplib
import socket
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import and_, or_, select, update

from .. import audit
from ..database import utcnow
from ..extensions import db
from ..security.redact import redact
from ..security.sealed import UNREADABLE, UnreadableSeal
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)


class _TimedConnection(Connection):
    """Flask-Mail's connection, with a socket timeout so a hung server cannot hang us."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT"]
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def sending_enabled():
    return bool(current_app.config.get("MAIL_SERVER"))


def _due_ids(limit):
    now = utcnow()
    query = (
        select(OutboxMessage.id)
        .where(or_(
            and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
        ))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _claim(message_id):
    """Take the row for this worker; False if another worker was first."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .where(or_(
            OutboxMessage.status == OutboxStatus.PENDING,
            and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
        ))
        .values(status=OutboxStatus.SENDING, lease_until=now + LEASE,
                attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _as_flask_mail(row):
    if UNREADABLE in (row.body_text, row.body_html, row.reply_to):
        raise UnreadableSeal("sealed with another key (DATA_ENCRYPTION_KEY/SECRET_KEY changed)")
    message = Message(
        subject=row.subject,
        recipients=[a.strip() for a in row.recipients.split(",")],
        cc=[a.strip() for a in row.cc.split(",")] if row.cc else None,
        body=row.body_text,
        html=row.body_html,
        sender=row.sender or current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=row.reply_to,
    )
    message.msgId = row.message_id
    for attachment in row.attachments:
        message.attach(attachment.filename, attachment.content_type, attachment.data)
    return message


def _backoff(attempts):
    base = current_app.config["OUTBOX_BACKOFF_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0),
                                 current_app.config["OUTBOX_BACKOFF_MAX_SECONDS"]))


class _Connections:
    """One SMTP connection for a whole pass (a new one per mail cost a TCP and
    EHLO round trip each); after an error the next mail starts a fresh one."""

    def __init__(self):
        self.connection = None

    def send(self, message):
        if self.connection is None:
            self.connection = _TimedConnection(current_app.extensions["mail"]).__enter__()
        self.connection.send(message)

    def drop(self):
        if self.connection is not None:
            try:
                self.connection.__exit__(None, None, None)
            except (OSError, smtplib.SMTPException):
                pass  # the server already went away
            self.connection = None


PASS_SIZE = 50


def send_due(limit=PASS_SIZE):
    """Send what is due over one SMTP connection. Returns (sent, failed) for this pass."""
    if not sending_enabled():
        return 0, 0
    sent = failed = 0
    smtp = _Connections()
    try:
        for message_id in _due_ids(limit):
            if not _claim(message_id):
                continue
            if _send_one(message_id, smtp):
                sent += 1
            else:
                failed += 1
    finally:
        smtp.drop()
    return sent, failed


def _send_one(message_id, smtp):
    """Send one claimed row and record the outcome on it; True when sent."""
    row = db.session.get(OutboxMessage, message_id)
    ok = False
    try:
        smtp.send(_as_flask_mail(row))
        ok = True
    except Exception as exc:  # SMTP down, refused, or a row that cannot be built:
        # record it on the row and go on with the next one; never kill the worker.
        if isinstance(exc, (OSError, smtplib.SMTPException, socket.timeout)):
            smtp.drop()  # the next mail connects afresh
        else:
            log.exception("mail %s cannot be sent", message_id)
        row.last_error = redact(f"{type(exc).__name__}: {exc}")[:2000]
        row.lease_until = None
        if row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            row.status = OutboxStatus.FAILED
        else:
            row.status = OutboxStatus.PENDING
            row.next_attempt_at = utcnow() + _backoff(row.attempts)
        log.warning("mail %s not sent (attempt %s): %s", row.id, row.attempts, redact(str(exc)))
    if ok:
        row.status = OutboxStatus.SENT
        row.sent_at = utcnow()
        row.lease_until = None
        row.last_error = None
        # Delivered: the links have done their job here; keep only the masked text.
        row.body_text = redact(row.body_text)
        row.body_html = redact(row.body_html)
        row.reply_to = redact(row.reply_to)
    db.session.commit()
    return ok


def retry_now(message):
    """Put a failed or waiting message back at the front of the queue (admin action).

    Returns True if it was requeued (a sent message is never sent again); the
    retry is written to the audit log of the record the mail is about.
    """
    if message.status not in (OutboxStatus.FAILED, OutboxStatus.PENDING):
        return False
    old_status = message.status
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.attempts = 0
    audit.record(message, "mail_retry", field="status", old=old_status,
                 new=f"{OutboxStatus.PENDING} (#{message.id}: {message.subject})"[:200])
    return True
