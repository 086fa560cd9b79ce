"""The customer's track page, reached from the link in every mail: /track/<token>.

No account: the long random token is the key. GET only shows; the two POST
forms (new documents, an error in the delivered product) go through the
workflow as the actor "customer", are CSRF-protected and rate limited.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..files import UploadError, save_upload
from . import workflow
from .models import CustomerFeedback, InboundDocument

blueprint = Blueprint("sr_public", __name__)
MAX_FILES = 10


def _request_for(token):
    sr = workflow.find_by_token(token)
    if sr is None:
        abort(404)
    return sr


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
                           can_report=workflow.may_report_error(sr))


@blueprint.post("/track/<token>/documents")
def upload_documents(token):
    """New documents from the customer → Nieuwe documenten (and the status, if we asked)."""
    sr = _request_for(token)
    audit.set_actor("customer", sr.applicant_name)
    uploads = [f for f in request.files.getlist("files") if f and f.filename][:MAX_FILES]
    text = (request.form.get("text") or "").strip()[:5000]
    try:
        if not workflow.open_for_customer_documents(sr):
            raise workflow.WorkflowError(gettext("Documents can no longer be added to this request."))
        if not uploads:
            raise workflow.WorkflowError(gettext("Choose at least one file."))
        try:
            stored = [save_upload(f, accept=("image", "pdf")) for f in uploads]
        except UploadError as exc:
            raise workflow.WorkflowError(str(exc)) from exc
        workflow.attach_documents(sr, stored, source="track_page", text=text,
                                  sender=sr.applicant_email,
                                  subject=gettext("Uploaded on the track page"))
        workflow.save()
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash(gettext("Thank you, we received your documents."), "success")
    return redirect(url_for("sr_public.track", token=token))


@blueprint.post("/track/<token>/error")
def report_error(token):
    """The customer found an error in the delivered product → Feedback van de aanvrager."""
    sr = _request_for(token)
    audit.set_actor("customer", sr.applicant_name)
    try:
        workflow.report_applicant_error(sr, (request.form.get("text") or "")[:5000])
        workflow.save()
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        flash(gettext("Thank you, we will correct the product."), "success")
    return redirect(url_for("sr_public.track", token=token))
