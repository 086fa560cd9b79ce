"""Links to the customer's track page and the mails that carry them.

Each mail gets a fresh link from the shared token service (128 random bits, only its
hash stored; earlier links keep working). The same token is in the Reply-To
(aanvragen+<token>@domain), so the customer's answer finds its request.
"""
from flask import current_app
from flask_babel import lazy_gettext as _

from .. import tokens
from ..mail import MailError, mail_locale, queue_template
from .display import money
from .models import ServiceRequest

RESOURCE = "ServiceRequest"
TRACK = "track"  # the token service's purpose for /track/<token>


def issue_track_token(sr):
    """A fresh token for a mail: random lower-case hex (it also travels in the local
    part of the reply address, where case may be lost)."""
    return tokens.issue(TRACK, sr)


def find_by_token(token):
    """The request a working track token opens, or None."""
    return tokens.find(TRACK, (token or "").lower(), ServiceRequest)


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
    """Queue a mail (templates/mail/<kind>.txt, in the mail language) to the applicant, with a fresh
    track link and reply address, the status in the customer's words, the amount due and
    how to pay, and the office (templates/mail/_footer.txt). Raises MailError when the
    address cannot be used."""
    token = issue_track_token(sr)
    template = f"service_requests/mail/{kind}"
    context = dict(sr=sr, track_url=track_url(token), office=office(), money=money, **extra)
    reply_to = reply_address(token)
    with mail_locale():
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
