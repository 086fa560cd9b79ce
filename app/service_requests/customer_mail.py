"""Links to the customer's track page and the mails that carry them.

Each mail gets a fresh token (128 random bits); only its SHA-256 is stored, so a
copy of the database opens no track page. The same token is in the Reply-To
(aanvragen+<token>@domain), so the customer's answer finds its request.
"""
import secrets

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _
from sqlalchemy import select

from ..extensions import db
from ..mail import MailError, queue_template
from .display import money
from .models import TrackToken

RESOURCE = "ServiceRequest"


def issue_track_token(sr):
    """A fresh token for a mail: 128 random bits, lower-case hex (it also travels in
    the local part of the reply address, where case may be lost)."""
    token = secrets.token_hex(16)
    db.session.add(TrackToken(service_request=sr, token_hash=TrackToken.hash(token)))
    return token


def find_by_token(token):
    if not token or len(token) > 64:
        return None
    row = db.session.scalars(select(TrackToken).where(
        TrackToken.token_hash == TrackToken.hash(token.lower()))).first()
    return row.service_request if row else None


def track_url(token):
    return f"{current_app.config['PUBLIC_BASE_URL']}/track/{token}"


def reply_address(token):
    """aanvragen+<token>@domain: replies come back to this request."""
    base = current_app.config.get("MAIL_REPLY_ADDRESS") or current_app.config["MAIL_DEFAULT_SENDER"]
    local, _sep, domain = base.rpartition("@")
    local = local.split("+")[0]
    return f"{local}+{token}@{domain}"


SUBJECTS = {
    "confirmation": _("Your request %(order_no)s has been received"),
    "feedback": _("Your request %(order_no)s: we need more information"),
    "message": _("A message about your request %(order_no)s"),
    "ready": _("Your request %(order_no)s is ready for pickup"),
}


def office():
    """The office as customers read it (config): in every mail, on the track page and on
    receipts."""
    config = current_app.config
    return {"name": config["SR_OFFICE_NAME"], "address": config["SR_OFFICE_ADDRESS"],
            "hours": config["SR_OFFICE_HOURS"], "contact": config["SR_OFFICE_CONTACT"],
            "payment": config["SR_PAYMENT_INSTRUCTIONS"]}


def queue_customer_mail(sr, kind, **extra):
    """Queue a Dutch mail (templates/mail/<kind>.txt) to the applicant, with a fresh
    track link and reply address, the status in the customer's words, the amount due and
    how to pay, and the office (templates/mail/_footer.txt). Raises MailError when the
    address cannot be used."""
    token = issue_track_token(sr)
    template = f"service_requests/mail/{kind}"
    context = dict(sr=sr, track_url=track_url(token), office=office(), money=money, **extra)
    reply_to = reply_address(token)
    with force_locale("nl"):
        subject_text = str(SUBJECTS[kind]) % {"order_no": sr.order_no}
        try:
            queue_template(template, sr.applicant_email, subject_text, context=context,
                           reply_to=reply_to, subject_record=(RESOURCE, sr.id))
        except MailError:
            # An unusable reply domain (e.g. @localhost in development): the order
            # number in the subject still routes the reply.
            current_app.logger.warning("reply address %s refused; mail without Reply-To",
                                       reply_to)
            queue_template(template, sr.applicant_email, subject_text, context=context,
                           subject_record=(RESOURCE, sr.id))
