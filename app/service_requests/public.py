"""The customer's track page, reached from the link in every mail: /track/<token>.

No account: the long random token is the key. GET only shows; the two POST
forms (new documents, an error in the delivered product) go through the
workflow as the actor "customer", are CSRF-protected and rate limited.
"""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from .. import audit
from ..extensions import db
from . import workflow
from .customer_mail import office
from .display import money
from .models import CustomerFeedback, InboundDocument

blueprint = Blueprint("sr_public", __name__)
MAX_FILES = 10


class LinkExpired(Exception):
    """The link was right, but the request closed too long ago: say so (410), not 404."""


def _request_for(token):
    sr = workflow.find_by_token(token)
    if sr is None:
        abort(404)
    if workflow.track_link_expired(sr):
        raise LinkExpired()
    return sr


@blueprint.errorhandler(LinkExpired)
def link_expired(_error):
    return render_template(
        "error.html", title=gettext("This link has expired"),
        message=gettext("This request was closed some time ago, so its link no longer opens "
                        "it. Questions? Reply to our last e-mail or contact the office.")), 410


@blueprint.get("/track/<token>")
def track(token):
    """Status, the feedback we sent, what the customer sent, and the two forms."""
    sr = _request_for(token)
    feedback = db.session.scalars(select(CustomerFeedback).where(
        CustomerFeedback.request_id == sr.id).order_by(CustomerFeedback.id.desc())).all()
    documents = db.session.scalars(select(InboundDocument).where(
        InboundDocument.request_id == sr.id, InboundDocument.automatic.is_(False))
        .order_by(InboundDocument.id.desc())).all()
    return render_template("service_requests/track.html", sr=sr, token=token,
                           feedback=feedback, documents=documents,
                           can_upload=workflow.open_for_customer_documents(sr),
                           can_report=workflow.may_report_error(sr), office=office(),
                           money=money)


def _as_customer(token, step, done_message):
    """Run one workflow step on the token's request as the customer, then back to the
    track page with the result."""
    sr = _request_for(token)
    audit.set_actor("customer", sr.applicant_name)
    with workflow.transaction(done=done_message):
        step(sr)
    return redirect(url_for("sr_public.track", token=token))


@blueprint.post("/track/<token>/documents")
def upload_documents(token):
    """New documents from the customer → Nieuwe documenten (and the status, if we asked)."""
    uploads = [f for f in request.files.getlist("files") if f and f.filename][:MAX_FILES]
    text = (request.form.get("text") or "").strip()[:5000]
    return _as_customer(token, lambda sr: workflow.upload_customer_documents(sr, uploads, text),
                        lambda: gettext("Thank you, we received your documents."))


@blueprint.post("/track/<token>/error")
def report_error(token):
    """The customer found an error in the delivered product → Feedback van de aanvrager."""
    text = (request.form.get("text") or "")[:5000]
    return _as_customer(token, lambda sr: workflow.report_applicant_error(sr, text),
                        lambda: gettext("Thank you, we will correct the product."))
