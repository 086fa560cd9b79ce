"""Queueing mail. Validation happens here, at the edge, so the worker only sends."""
import re
from email.utils import make_msgid

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .models import OutboxAttachment, OutboxMessage

_HEADER_BREAK = re.compile(r"[\r\n\x00]")
_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")


class MailError(ValueError):
    """A message that must not be queued: bad address, header injection."""


class Later:
    """An attachment the worker builds when it sends the mail, off the request path (a
    PDF with photos takes seconds): `later("faults.work_order_pdf", order.id)`."""

    def __init__(self, builder, arg):
        if ":" in builder:
            raise MailError(f"bad builder name {builder!r}")
        self.spec = f"{builder}:{arg}"


def later(builder, arg):
    return Later(builder, arg)


def register_builder(app, name, func):
    """`func(arg)` returns the bytes of an attachment queued as `later(name, arg)`; it runs
    in the worker (an app context, no request), when the mail is sent."""
    app.extensions.setdefault("mail_builders", {})[name] = func


def build_later(attachment):
    """Fill a `later` attachment with its bytes (the sender, just before sending) and store
    them, so a retry sends the same file."""
    name, _sep, arg = attachment.builder.partition(":")
    func = current_app.extensions.get("mail_builders", {}).get(name)
    if func is None:
        raise MailError(f"no attachment builder {name!r} registered")
    data = func(arg)
    if not isinstance(data, (bytes, bytearray)):
        raise MailError(f"attachment builder {name!r} returned no bytes")
    db.session.execute(update(OutboxAttachment).where(OutboxAttachment.id == attachment.id)
                       .values(data=bytes(data), builder=None))
    db.session.commit()
    # the sender's rows are detached (claimed): the copy in hand gets the bytes too
    set_committed_value(attachment, "data", bytes(data))
    set_committed_value(attachment, "builder", None)


def _address(value):
    value = (value or "").strip()
    if _HEADER_BREAK.search(value):
        raise MailError(f"line break in address {value!r}")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise MailError(f"invalid e-mail address {value!r}: {exc}") from exc


def _reply_to(value):
    address = _address(value)
    if len(address) > 150:  # stored sealed in 255 characters
        raise MailError(f"reply address too long {address!r}")
    return address


def _addresses(values):
    if isinstance(values, str):
        values = [values]
    return [_address(v) for v in values or [] if v]


def _header_text(value, what):
    value = str(value or "")
    if _HEADER_BREAK.search(value):
        raise MailError(f"line break in {what}")
    return value


def queue(to, subject, text, html=None, reply_to=None, cc=None, attachments=(),
          subject_record=None, session=None):
    """Store a message in the outbox, in the caller's transaction.

    attachments: iterable of (filename, content_type, bytes or `later(builder, arg)`).
    subject_record: (type, id) of the record it is about, for "mails sent" tabs.
    """
    recipients = _addresses(to)
    if not recipients:
        raise MailError("no recipient")
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or "localhost"
    message = OutboxMessage(
        message_id=make_msgid(domain=domain),
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        recipients=", ".join(recipients),
        cc=", ".join(_addresses(cc)) or None,
        reply_to=_reply_to(reply_to) if reply_to else None,
        subject=_header_text(subject, "subject")[:500],
        body_text=text,
        body_html=html,
    )
    if subject_record:
        message.subject_type, message.subject_id = subject_record[0], str(subject_record[1])
    for filename, content_type, data in attachments:
        content_type = _header_text(content_type, "attachment type")
        if not _CONTENT_TYPE.fullmatch(content_type):
            raise MailError(f"bad attachment type {content_type!r}")
        built_later = isinstance(data, Later)
        if not built_later and not isinstance(data, (bytes, bytearray)):
            raise MailError(f"attachment {filename!r} is not bytes")
        message.attachments.append(OutboxAttachment(
            filename=_header_text(filename, "attachment name")[:255] or "attachment",
            content_type=content_type,
            data=b"" if built_later else bytes(data),
            builder=data.spec if built_later else None,
        ))
    (session or db.session).add(message)
    return message


def mail_locale():
    """The language of every mail (MAIL_LOCALE, by default the office's language, Dutch),
    whatever the language of the screen or job that sends it:
    `with mail_locale(): subject = gettext(...)`."""
    config = current_app.config
    return force_locale(config.get("MAIL_LOCALE") or config.get("BABEL_DEFAULT_LOCALE") or "nl")


def queue_template(template, to, subject, context=None, **kwargs):
    """Render `<template>.txt` (and `<template>.html` if present) and queue them, in the
    mail's language: `subject` may be a lazy_gettext string with its values, translated
    here (and so may any lazy string in `context`)."""
    context = context or {}
    with mail_locale():
        subject = str(subject)
        text = render_template(f"{template}.txt", **context)
        try:
            html = render_template(f"{template}.html", **context)
        except Exception as exc:  # jinja2.TemplateNotFound: text-only mail
            if type(exc).__name__ != "TemplateNotFound":
                raise
            html = None
    return queue(to, subject, text, html=html, **kwargs)


def sent_about(subject_type, subject_id, limit=200):
    """The outbox messages filed on one record, newest first, for its "Mails sent" tab
    (attachment names loaded with them, not their data)."""
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.subject_type == subject_type,
               OutboxMessage.subject_id == str(subject_id))
        .options(selectinload(OutboxMessage.attachments).load_only(OutboxAttachment.filename))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)).all()
