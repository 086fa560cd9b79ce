"""Delivering the outbox: claim a batch, send it over one connection, record each outcome.

A batch is claimed (app/claims.py: SKIP LOCKED on PostgreSQL, a conditional UPDATE on
SQLite) with a lease before any SMTP traffic, so two workers never hold the same row.
Each mail is marked sent right after the SMTP server accepted it, in a transaction that
checks the claim is still ours: a late worker whose lease was taken over records
nothing. A worker killed between the server's "250 OK" and that mark leaves a lease
that runs out; the retry reuses the stored Message-ID, so a receiver that got the first
copy can recognise the second (the window is one round trip to the database).
"""
import logging
import smtplib
import socket
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from .. import audit, claims
from ..database import utcnow
from ..extensions import db
from ..security.redact import redact
from ..security.sealed import UNREADABLE, UnreadableSeal
from .models import OutboxMessage, OutboxStatus
from .outbox import build_later

log = logging.getLogger(__name__)


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


def _lease():
    return timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


def _due(now):
    return [or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )]


def _claim_batch(limit, after):
    """Claim up to `limit` due rows with an id above `after`; returns (token, lease end,
    rows loaded, oldest first)."""
    now = utcnow()
    lease = _lease()
    token, ids = claims.claim(
        OutboxMessage, [*_due(now), OutboxMessage.id > after], limit=limit, lease=lease, now=now,
        values={"status": OutboxStatus.SENDING, "attempts": OutboxMessage.attempts + 1})
    if not ids:
        return token, None, []
    rows = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        .options(selectinload(OutboxMessage.attachments)).order_by(OutboxMessage.id)))
    # Detached: the commits of the marks below must not expire (and reload) them.
    for row in rows:
        db.session.expunge(row)
    db.session.rollback()
    return token, now + lease, rows


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
        if attachment.builder:  # queued as later(...): built now, kept for a retry
            build_later(attachment)
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
    """Send what is due over one SMTP connection, in claimed batches of at most `limit`
    mails in total. Returns (sent, failed) for this pass."""
    if not sending_enabled():
        return 0, 0
    sent = failed = 0
    after = 0  # a pass goes through the queue once: a mail that failed waits for the next
    smtp = _Connections()
    try:
        while sent + failed < limit:
            token, lease_end, rows = _claim_batch(min(PASS_SIZE, limit - sent - failed), after)
            if not rows:
                break
            after = rows[-1].id
            batch_sent, batch_failed, stopped = _send_batch(rows, token, lease_end, smtp)
            sent, failed = sent + batch_sent, failed + batch_failed
            if stopped:
                break
    finally:
        smtp.drop()
    return sent, failed


def _send_batch(rows, token, lease_end, smtp):
    """Send the claimed rows in order. Returns (sent, failed, stopped): stopped when the
    SMTP server is unreachable or the lease is nearly over; the rows not tried yet are
    handed back (no attempt counted) for the next pass or another worker."""
    sent = failed = 0
    for index, row in enumerate(rows):
        if not claims.still_held(lease_end, _lease()):
            _release(rows[index:], token)
            return sent, failed, True
        try:
            message = _as_flask_mail(row)
            smtp.send(message)
        except Exception as exc:  # SMTP down, refused, or a row that cannot be built:
            # record it on the row; never kill the worker.
            unreachable = isinstance(exc, (OSError, smtplib.SMTPServerDisconnected,
                                           smtplib.SMTPConnectError))
            if isinstance(exc, (OSError, smtplib.SMTPException, socket.timeout)):
                smtp.drop()  # the next mail connects afresh
            else:
                log.exception("mail %s cannot be sent", row.id)
            _record_failure(row, token, exc)
            failed += 1
            if unreachable:  # the rest waits as long as a first retry would
                _release(rows[index + 1:], token, wait=_backoff(1))
                return sent, failed, True
            continue
        if _record_sent(row, token):
            sent += 1
            # Which row and how often; never the body, the address or a link.
            log.info("mail %s sent (attempt %s)", row.id, row.attempts, extra={"fields": {
                "outbox_id": row.id, "attempt": row.attempts, "result": "sent"}})
        else:
            log.error("mail %s was sent but its claim had been taken over (lease ran out)",
                      row.id)
    return sent, failed, False


def _record_sent(row, token):
    # Delivered: the links have done their job here; keep only the masked text.
    return claims.finish(OutboxMessage, row.id, token, {
        "status": OutboxStatus.SENT, "sent_at": utcnow(), "last_error": None,
        "body_text": redact(row.body_text), "body_html": redact(row.body_html),
        "reply_to": redact(row.reply_to)}, durable=False)


def _record_failure(row, token, exc):
    error = redact(f"{type(exc).__name__}: {exc}")[:2000]
    if row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        values = {"status": OutboxStatus.FAILED, "last_error": error}
    else:
        values = {"status": OutboxStatus.PENDING, "last_error": error,
                  "next_attempt_at": utcnow() + _backoff(row.attempts)}
    claims.finish(OutboxMessage, row.id, token, values)
    log.warning("mail %s not sent (attempt %s): %s", row.id, row.attempts, redact(str(exc)),
                extra={"fields": {"outbox_id": row.id, "attempt": row.attempts,
                                  "result": "failed" if values["status"] == OutboxStatus.FAILED
                                  else "retry", "error": type(exc).__name__}})


def _release(rows, token, wait=timedelta(0)):
    """Hand claimed rows back untried (the claim's attempt not counted), due after `wait`."""
    due = utcnow() + wait
    for row in rows:
        claims.finish(OutboxMessage, row.id, token, {
            "status": OutboxStatus.PENDING, "attempts": OutboxMessage.attempts - 1,
            "next_attempt_at": due}, commit=False)
    db.session.commit()


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
