"""What every part of the fault workflow shares: the checks of input, the reporter mail.

Kept apart so the workflow's modules (orders, devices, feedback) can use them without
importing each other; callers import everything through app.faults.workflow.
"""
import base64
import io
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext
from PIL import Image
from sqlalchemy import inspect

from .. import files
from ..errors import DomainError
from ..files.models import StoredFile
from ..mail import MailError, queue_template
from . import tokens

MAX_TEXT = 5000




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


def photo(upload, defer=False):
    """Store a photo if one was sent; UploadError becomes DomainError. defer: checked and
    kept in quarantine now, re-encoded by the worker (files.save_upload)."""
    if upload is None or (hasattr(upload, "filename") and not upload.filename):
        return None
    if isinstance(upload, StoredFile):  # kept from an earlier attempt of the same form
        return upload
    try:
        return files.save_upload(upload, accept=("image",), defer=defer)
    except files.UploadError as exc:
        raise DomainError(gettext("The photo was not accepted: %(reason)s",
                                    reason=str(exc))) from exc


# Print size: a photo is printed 120 mm wide, 800 pixels are ~170 dpi there.
PRINT_SIDE = 800
PRINT_QUALITY = 75


def photo_data_uri(stored, max_side=PRINT_SIDE):
    """A stored photo as a small JPEG data: URI (the PDF renderer loads nothing else).
    Downsized to print size: a 12-MP phone photo must not make a megabyte in every mail.
    A JPEG is decoded at a fraction of its size (draft mode): a 12-MP photo in ~50 ms."""
    data = files.read_bytes(stored)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (max_side, max_side))
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=PRINT_QUALITY, optimize=True)
            data, content_type = out.getvalue(), "image/jpeg"
    except (OSError, ValueError):  # not an image Pillow reads: embed it as stored
        content_type = stored.content_type
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def pdf_text(value):
    """Text the PDF's font can print: emoji and other symbols it lacks would print as a
    black square, so they are left out; accented letters it lacks lose their accent."""
    out = []
    for char in str(value or ""):
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            if unicodedata.category(char).startswith(("S", "C")) or ord(char) > 0xFFFF:
                continue
            plain = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode(
                "cp1252")
            # letters without a decomposition (Ł, Ø-like): the base letter of their name
            match = re.match(r"LATIN (CAPITAL|SMALL) LETTER (\w)\b",
                             unicodedata.name(char, ""))
            if not plain and match:
                plain = match.group(2) if match.group(1) == "CAPITAL" else match.group(2).lower()
            char = plain
        out.append(char)
    return " ".join("".join(out).split(" ")).replace("  ", " ").strip()


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


def mail_reporter(report, template, subject, order_id, followers=False, **context):
    """Queue a mail to the reporter with the link to their page (/r/<token>), filed on
    the work order `order_id` (None: on no record). followers=True: a status update that
    the colleagues who said "ik heb dit ook" get too (without the reporter's link)."""
    record = ("WorkOrder", order_id) if order_id is not None else None
    message = queue_mail(
        template, report.reporter_email, subject,
        context={"report": report, "link": public_url("/r/", report), **context},
        subject_record=record)
    if followers:
        for follower in report.followers:
            queue_mail("follower_update", follower.email, subject,
                       context={"report": report, "follower": follower, "subject": subject,
                                "order": context.get("order")},
                       subject_record=record)
    return message


def back_office_url(order):
    """The work order's page in the back office (for the office's mails)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/workorderview/show/{order.id}"


def mail_office(order, subject, lines):
    """Tell the office (FAULTS_OFFICE_EMAIL) something about an order that needs a person:
    a complaint, a low rating, a declined or late order."""
    address = current_app.config.get("FAULTS_OFFICE_EMAIL")
    if not address:
        return None
    return queue_mail("office_notice", address, subject,
                      context={"order": order, "report": order.report, "lines": lines,
                               "link": back_office_url(order)},
                      subject_record=("WorkOrder", order.id))


def is_admin(user):
    """Whether `user` has the Admin role (completed orders stay editable for Admin)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(r.name == current_app.config["AUTH_ROLE_ADMIN"] for r in user.roles)
