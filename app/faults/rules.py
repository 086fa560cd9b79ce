"""What every part of the fault workflow shares: the checks of input, the reporter mail.

Kept apart so the workflow's modules (orders, devices, feedback) can use them without
importing each other; callers import everything through app.faults.workflow.
"""
import base64

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext
from sqlalchemy import inspect

from .. import files
from ..errors import DomainError
from ..mail import MailError, queue_template
from . import tokens

MAX_TEXT = 5000


WorkflowError = DomainError  # the former name, for code not yet moved to DomainError


def text(value, label, required=True, limit=MAX_TEXT):
    """Stripped text of at most `limit` characters; DomainError names the field."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(gettext("Please fill in: %(field)s.", field=label))
    if len(value) > limit:
        raise DomainError(gettext("%(field)s is too long (at most %(n)s characters).",
                                    field=label, n=limit))
    return value


def email(value):
    """A normalised e-mail address, or DomainError."""
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise DomainError(gettext("Please enter a valid e-mail address.")) from exc


def photo(upload):
    """Store a photo if one was sent; UploadError becomes DomainError."""
    if upload is None or (hasattr(upload, "filename") and not upload.filename):
        return None
    try:
        return files.save_upload(upload, accept=("image",))
    except files.UploadError as exc:
        raise DomainError(gettext("The photo was not accepted: %(reason)s",
                                    reason=str(exc))) from exc


def photo_data_uri(stored):
    """A stored photo as a data: URI (the PDF renderer loads nothing else)."""
    data = files.read_bytes(stored)
    return f"data:{stored.content_type};base64,{base64.b64encode(data).decode()}"


def committed(obj, key):
    """The value of `key` as loaded from the database (before this request's changes)."""
    history = inspect(obj).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, key)


def public_url(path, obj):
    """The public page of `obj` (its current token), or None when revoked."""
    return tokens.url(path, obj)


def queue_mail(template, address, subject, **kwargs):
    """Queue one of this domain's mails; an address the outbox refuses (edited into
    something invalid) becomes a DomainError that says which address to correct."""
    try:
        return queue_template(f"faults/mail/{template}", address, subject, **kwargs)
    except MailError as exc:
        raise DomainError(gettext("No e-mail can be sent to %(address)s; correct the address "
                                  "first.", address=address)) from exc


def mail_reporter(report, template, subject, order_id, **context):
    """Queue a mail to the reporter with the link to their page (/r/<token>), filed on
    the work order `order_id` (None: on no record)."""
    return queue_mail(
        template, report.reporter_email, subject,
        context={"report": report, "link": public_url("/r/", report), **context},
        subject_record=("WorkOrder", order_id) if order_id is not None else None)


def is_admin(user):
    """Whether `user` has the Admin role (completed orders stay editable for Admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(r.name == current_app.config["AUTH_ROLE_ADMIN"] for r in user.roles)
