"""Mail from customers → Nieuwe documenten, and the Unmatched mail list for the rest.

A reply finds its request by the token in the reply address (aanvragen+<token>@…),
or by the order number in the subject when it comes from the applicant's own
address AND our MTA authenticated that address (a `From:` line is easily forged).
Anything else waits in Unmatched mail for staff, with a note why; nothing is
dropped, and nothing there moves a request until staff attach it.

A second copy of the same mail (same Message-ID and same content) is a duplicate;
a reused Message-ID with other content is a new mail.
"""
import re

from flask import abort, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import DomainError
from ..export import ExportMixin
from ..extensions import db
from ..files import UploadError, save_upload
from ..listing import FastModelView, FastSQLAInterface
from . import display, permissions, workflow
from .models import InboundDocument, InboundDocumentFile, ServiceRequest

TOKEN_IN_ADDRESS = re.compile(r"\+([0-9a-f]{32})@")
ORDER_NO = re.compile(r"\b(\d{4}-\d{6})\b")


def _match(message):
    """(the request, None) when the mail may act on one, else (None, a note for staff)."""
    for address in message.recipients:
        found = TOKEN_IN_ADDRESS.search(address)
        if found:
            sr = workflow.find_by_token(found.group(1))
            if sr is not None:
                return sr, None
    found = ORDER_NO.search(message.subject or "")
    if found:
        sr = db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.order_no == found.group(1))).first()
        if sr is not None and sr.applicant_email.lower() == (message.sender or "").lower():
            if message.authenticated_from:
                return sr, None
            return None, gettext(
                "[From the applicant's address with order number %(no)s in the subject, but "
                "the sender could not be verified. Check it before attaching it.]",
                no=sr.order_no)
    return None, None


def _dedupe_key(message):
    """Message-ID and content hash together: a resent copy is recognised, a reused
    Message-ID with other content is not (the column holds both)."""
    return f"{(message.message_id or '<no Message-ID>')[:180]} sha256:{message.content_hash}"


def _store(document, name, data, notes):
    try:
        stored = save_upload((data, name), accept=("any",))
    except UploadError as exc:
        notes.append(f"[{name}: {exc}]")
        return
    document.files.append(InboundDocumentFile(stored_file=stored))


def handle_mail(message):
    """The handler `flask mail receive` calls (registered in registration.py)."""
    key = _dedupe_key(message)
    if db.session.scalars(select(InboundDocument.id).where(
            InboundDocument.message_id == key)).first():
        return "duplicate"
    notes = []
    document = InboundDocument(source="email", message_id=key, sender=message.sender,
                               subject=message.subject, automatic=message.automatic)
    if message.unreadable:
        document.subject = gettext("(unreadable message)")
        notes.append(gettext("[This message could not be read; the original is attached.]"))
        _store(document, "message.eml", message.raw, notes)
    for filename, _content_type, data in message.attachments:
        _store(document, filename, data, notes)
    try:
        with workflow.transaction(reraise=True):
            sr, note = (None, None) if message.unreadable else _match(message)
            document.text = "\n\n".join([note or "", message.text or ""] + notes).strip()
            if sr is not None:
                workflow.receive_documents(sr, document)
            else:
                db.session.add(document)
    except IntegrityError:  # the same message, delivered twice at the same moment
        return "duplicate"
    except DomainError as exc:  # the request refuses documents now: staff decide
        with workflow.transaction(reraise=True):
            document.service_request = None
            document.text = "\n\n".join([f"[{exc.message}]", message.text or ""] + notes)
            db.session.add(document)
        return "unmatched"
    if sr is None:
        return "unreadable, kept for review" if message.unreadable else "unmatched"
    return "stored (automatic reply)" if message.automatic else f"stored on {sr.order_no}"


class FilterIsNull(BaseFilter):
    name = "is empty"
    arg_name = "nul"

    def apply(self, query, value):
        return query.filter(getattr(self.model, self.column_name).is_(None))


class UnmatchedMailView(ExportMixin, FastModelView):
    """Mail that found no request; staff attach it to the right one by hand."""

    datamodel = FastSQLAInterface(InboundDocument)
    route_base = "/unmatched-mail"
    class_permission_name = permissions.RESOURCE
    base_permissions = permissions.ACTIONS
    method_permission_name = {"list": "read", "show": "read", "attach": "feedback"}
    include_route_methods = {"list", "show", "attach"}
    base_filters = [["request_id", FilterIsNull, None]]
    base_order = ("received_at", "desc")
    show_template = "service_requests/unmatched_show.html"
    list_title = _("Unmatched mail")
    show_title = _("Unmatched mail")
    list_columns = ["received_at", "sender", "subject", "files", "automatic"]
    order_columns = ["received_at", "sender"]  # the subject is free text
    show_columns = ["received_at", "sender", "subject", "text", "files", "automatic"]
    search_columns = ["sender", "subject", "received_at"]
    label_columns = {"received_at": _("Received"), "sender": _("From"), "subject": _("Subject"),
                     "text": _("Text"), "files": _("Files"), "automatic": _("Automatic reply")}
    formatters_columns = {"received_at": display.when, "files": display.file_links,
                          "automatic": display.yes_no}

    @expose("/attach/<int:pk>", methods=["POST"])
    @has_access
    def attach(self, pk):
        document = db.session.get(InboundDocument, pk)
        if document is None or document.request_id is not None:
            abort(404)
        order_no = (request.form.get("order_no") or "").strip()
        sr = db.session.scalars(select(ServiceRequest).where(
            ServiceRequest.order_no == order_no)).first()
        with workflow.transaction(done=lambda: gettext("Attached to %(no)s.", no=order_no)) as work:
            if sr is None:
                raise DomainError(gettext("No request with order number %(no)s.",
                                          no=order_no or "—"))
            workflow.receive_documents(sr, document)
        if work.failed:
            return redirect(url_for("UnmatchedMailView.show", pk=pk))
        return redirect(url_for("ServiceRequestView.show", pk=sr.id))
