"""Inbound mail: parse one RFC 822 message and hand it to the handlers domains registered.

Knows no domain. A domain registers a handler in its registration.py:

    inbound.register_handler(app, handle_mail)

`flask mail receive` (an MTA pipe) reads one message from stdin and calls
`dispatch()`; every handler gets the parsed InboundMessage and returns a short
status ("stored", "duplicate", "unmatched", ...). A handler raising
TemporaryFailure (or a locked or unreachable database) makes the command exit 75
so the MTA retries later; nothing else does (a poison message would be retried
until it expires).

Whatever arrives is treated as hostile: a message the parser cannot read (binary
garbage, MIME nested thousands deep) becomes an `unreadable` InboundMessage whose
raw bytes handlers keep for review; control characters (NUL) are stripped from
every text. `content_hash` identifies the content, so a resent copy is recognised
while a reused Message-ID with other content is not taken for it.

`authenticated_from` is True only when our own MTA (authserv-id MAIL_AUTHSERV_ID)
wrote an Authentication-Results header saying DMARC, or DKIM for the From
domain, passed: a `From:` line alone proves nothing.

With Postfix, for example: `recipient_delimiter = +` in main.cf and an alias
    aanvragen: "|/srv/backoffice/.venv/bin/flask --app /srv/backoffice/run.py mail receive"
so that aanvragen+<token>@domain reaches the pipe with its To/Delivered-To intact.
"""
import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import getaddresses, parseaddr

import lxml.html
from lxml import etree

from ..security.input_guard import strip_control_chars

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
    content_hash: str = ""
    authenticated_from: bool = False  # our MTA vouches for the From domain
    unreadable: bool = False  # the parser gave up: keep the raw bytes, trigger nothing


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
        text = html_to_text(text)
    return text.strip()


_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
           "table", "ul", "ol", "pre", "hr"}


def html_to_text(html):
    """The readable text of an HTML-only mail: entities decoded (&amp; → &, &nbsp; → a
    space), <style>, <script> and <head> dropped, one line per paragraph or line break."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for element in list(root.iter("style", "script", "head", "title")):
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.replace("\xa0", " ").split())
             for line in root.text_content().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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


def _clean(value, limit=None):
    value = strip_control_chars(str(value or "")).strip()
    return value[:limit] if limit else value


def content_hash(raw):
    """SHA-256 of what the sender wrote: the body and the From, Subject and Date lines.
    Headers our MTAs add on the way (Received, Delivered-To) do not change it."""
    head, _sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    wanted = [line for line in head.split(b"\n")
              if line.lower().startswith((b"from:", b"subject:", b"date:"))]
    return hashlib.sha256(b"\n".join(wanted) + b"\n\n" + body).hexdigest()


_RESULT = re.compile(r"\b(dmarc|dkim)\s*=\s*(\w+)([^;]*)", re.I)
_HEADER_D = re.compile(r"header\.(?:d|from)\s*=\s*@?([\w.-]+)", re.I)


def authenticated_from(message, sender, authserv_id):
    """True when the Authentication-Results of our own MTA (the first one with our
    authserv-id; the MTA removes forged ones) says DMARC or DKIM passed for the domain
    of `sender`. Without MAIL_AUTHSERV_ID configured, never."""
    domain = sender.rpartition("@")[2].lower()
    if not authserv_id or not domain:
        return False
    for header in message.get_all("Authentication-Results", []):
        serv, _sep, results = str(header).partition(";")
        if serv.strip().split()[0:1] != [authserv_id]:
            continue
        for _method, result, props in _RESULT.findall(results):
            found = _HEADER_D.search(props)
            if result.lower() == "pass" and found and found.group(1).lower() == domain:
                return True
        return False  # only the topmost header of our MTA counts
    return False


def _unreadable(raw):
    return InboundMessage(message_id="", sender="", recipients=[], subject="", text="",
                          raw=raw, content_hash=hashlib.sha256(raw).hexdigest(),
                          unreadable=True)


def parse(raw, authserv_id=""):
    """Bytes of one message → InboundMessage (`unreadable` when it cannot be parsed)."""
    try:
        message = message_from_bytes(raw, policy=policy.default)
        if message.defects and not message.keys():
            return _unreadable(raw)  # not a mail at all (binary garbage)
        recipients = []
        for header in ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc"):
            for value in message.get_all(header, []):
                recipients += [addr for _name, addr in getaddresses([str(value)]) if addr]
        sender = _clean(parseaddr(str(message.get("From", "")))[1], 320)
        return InboundMessage(
            message_id=_clean(message.get("Message-ID", ""), 255),
            sender=sender,
            recipients=[_clean(r).lower() for r in recipients],
            subject=_clean(message.get("Subject", ""), 500),
            text=_clean(_text_of(message)),
            attachments=[(_clean(name, 255), ctype, data)
                         for name, ctype, data in _attachments(message)],
            automatic=_is_automatic(message),
            raw=raw,
            content_hash=content_hash(raw),
            authenticated_from=authenticated_from(message, sender, authserv_id),
        )
    except Exception:
        # Hostile input: MIME nested 3,000 deep is a RecursionError, broken headers raise
        # whatever the email package happens to raise. No retry makes it better; the raw
        # bytes are kept for review.
        return _unreadable(raw)


def register_handler(app, handler):
    """Add a handler(InboundMessage) → status for this app (once)."""
    handlers = app.extensions.setdefault(EXTENSION_KEY, [])
    if handler not in handlers:
        handlers.append(handler)


def dispatch(app, raw):
    """Parse and hand to every handler; returns their statuses."""
    message = parse(raw, app.config.get("MAIL_AUTHSERV_ID", ""))
    return [handler(message) for handler in app.extensions.get(EXTENSION_KEY, [])]
