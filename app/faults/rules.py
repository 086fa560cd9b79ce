"""What every part of the fault workflow shares: its error and the checks of input.

Kept apart so the workflow's modules (orders, devices, feedback) can use them without
importing each other; callers import everything through app.faults.workflow.
"""
import base64

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext
from sqlalchemy import inspect

from .. import files
from ..mail import queue_template
from . import tokens

MAX_TEXT = 5000


class WorkflowError(Exception):
    """A rule said no; str(error) is a message for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def text(value, label, required=True, limit=MAX_TEXT):
    """Stripped text of at most `limit` characters; WorkflowError names the field."""
    value = (value or "").strip()
    if required and not value:
        raise WorkflowError(gettext("Please fill in: %(field)s.", field=label))
    if len(value) > limit:
        raise WorkflowError(gettext("%(field)s is too long (at most %(n)s characters).",
                                    field=label, n=limit))
    return value


def email(value):
    """A normalised e-mail address, or WorkflowError."""
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise WorkflowError(gettext("Please enter a valid e-mail address.")) from exc


def photo(upload):
    """Store a photo if one was sent; UploadError becomes WorkflowError."""
    if upload is None or (hasattr(upload, "filename") and not upload.filename):
        return None
    try:
        return files.save_upload(upload, accept=("image",))
    except files.UploadError as exc:
        raise WorkflowError(gettext("The photo was not accepted: %(reason)s",
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


def mail_reporter(report, template, subject, order_id, **context):
    """Queue a mail to the reporter with the link to their page (/r/<token>), filed on
    the work order `order_id` (None: on no record)."""
    return queue_template(
        f"faults/mail/{template}", report.reporter_email, subject,
        context={"report": report, "link": public_url("/r/", report), **context},
        subject_record=("WorkOrder", order_id) if order_id is not None else None)


def is_admin(user):
    """Whether `user` has the Admin role (completed orders stay editable for Admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(r.name == current_app.config["AUTH_ROLE_ADMIN"] for r in user.roles)
