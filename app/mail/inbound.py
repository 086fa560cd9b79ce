"""Inbound mail: parse one RFC 822 message and hand it to the handlers domains registered.

Knows no domain. A domain registers a handler in its registration.py:

    inbound.register_handler(app, handle_mail)

`flask mail receive` (an MTA pipe) reads one message from stdin and calls
`dispatch()`; every handler gets the parsed InboundMessage and returns a short
status ("stored", "duplicate", "unmatched", ...). A handler raising
TemporaryFailure (or a database error) makes the command exit 75 so the MTA
retries later.

With Postfix, for example: `recipient_delimiter = +` in main.cf and an alias
    aanvragen: "|/srv/backoffice/.venv/bin/flask --app /srv/backoffice/run.py mail receive"
so that aanvragen+<token>@domain reaches the pipe with its To/Delivered-To intact.
"""
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import getaddresses, parseaddr

EXTENSION_KEY = "inbound_mail_handlers"
_AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


class TemporaryFailure(Exception):
    """Try again later (database locked or unavailable)."""


@dataclass
class InboundMessage:
    message_id: str
    sender: str
    recipients: list
    subject: str
    text: str
    attachments: list = field(default_factory=list)  # [(filename, content_type, bytes)]
    automatic: bool = False   # auto-reply or bounce: record, but trigger nothing
    raw: bytes = b""


def _is_automatic(message):
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if str(message.get("Precedence", "")).strip().lower() in _AUTO_PRECEDENCE:
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    return_path = message.get("Return-Path")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        return True  # bounces (delivery status notifications) have an empty Return-Path
    content_type = message.get_content_type()
    return content_type == "multipart/report"


def _text_of(message):
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        text = body.get_content()
    except (LookupError, UnicodeError):
        text = body.get_payload(decode=True).decode("utf-8", "replace")
    if body.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text.strip()


def _attachments(message):
    result = []
    body = message.get_body(preferencelist=("plain", "html"))
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition == "attachment" or filename or (
                disposition == "inline" and part.get_content_maintype() != "text"):
            data = part.get_payload(decode=True) or b""
            result.append((filename or "attachment", part.get_content_type(), data))
    return result


def parse(raw):
    """Bytes of one message → InboundMessage."""
    message = message_from_bytes(raw, policy=policy.default)
    recipients = []
    for header in ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc"):
        for value in message.get_all(header, []):
            recipients += [addr for _name, addr in getaddresses([str(value)]) if addr]
    message_id = str(message.get("Message-ID", "")).strip()
    return InboundMessage(
        message_id=message_id[:255],
        sender=parseaddr(str(message.get("From", "")))[1][:320],
        recipients=[r.lower() for r in recipients],
        subject=str(message.get("Subject", "")).strip()[:500],
        text=_text_of(message),
        attachments=_attachments(message),
        automatic=_is_automatic(message),
        raw=raw,
    )


def register_handler(app, handler):
    """Add a handler(InboundMessage) → status for this app (once)."""
    handlers = app.extensions.setdefault(EXTENSION_KEY, [])
    if handler not in handlers:
        handlers.append(handler)


def dispatch(app, raw):
    """Parse and hand to every handler; returns their statuses."""
    message = parse(raw)
    return [handler(message) for handler in app.extensions.get(EXTENSION_KEY, [])]
