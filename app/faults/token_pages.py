"""Pages opened from an e-mail link, without an account:

- /wo/<token>  the contractor's work order (ACCEPTEREN, ONDERDELEN IN BESTELLING,
               AFMELDEN, OPSLAAN);
- /r/<token>   the reporter's report: status, rating, complaint;
- /c/<token>   a complaint with all data of the order, where the contractor answers.

A wrong or revoked token is a friendly 404. GET only reads (mail scanners open
links); every change is a POST with CSRF, rate limited with the blueprint.
"""
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _

from .. import audit, files
from ..unit_of_work import unit_of_work
from . import evidence, tokens, workflow
from .models import Complaint, FaultReport, WorkOrder
from .public import bp


def _order(token):
    order = tokens.find(WorkOrder, token)
    if order is None:
        abort(404)
    return order


def _report(token):
    report = tokens.find(FaultReport, token)
    if report is None:
        abort(404)
    return report


def _complaint(token):
    complaint = tokens.find(Complaint, token)
    if complaint is None:
        abort(404)
    return complaint


def _photos(report):
    """Photos a token page may show: the reporter's, the device's, the after-photos."""
    return evidence.photos(report)


def _send_photo(report, key, thumbnail, documents=False):
    """A file of this report only; the partner's documents only on the partner's pages."""
    found = list(_photos(report))
    if documents and report.work_order is not None:
        found += [e.file for e in evidence.documents(report.work_order)]
    for stored in found:
        if stored.key == key:
            return files.send_stored_file(stored, thumbnail=bool(thumbnail) and
                                          stored.has_thumbnail)
    abort(404)


def _context(order):
    return {"order": order, "report": order.report, "status_labels": workflow.STATUS_LABELS,
            "complaint_labels": workflow.COMPLAINT_LABELS, "photos": _photos(order.report),
            "allowed_actions": workflow.allowed_actions(order),
            "rating_open": workflow.rating_open(order),
            "required_fields": current_app.config.get("FAULTS_COMPLETE_REQUIRED", ()),
            "confirm": request.args.get("confirm") == "complete",
            "appointment": workflow.appointment_text(order),
            "documents": evidence.documents(order),
            "kind_labels": evidence.KIND_LABELS,
            "needs_cost_approval": evidence.needs_cost_approval(order)}


def order_post(order, back_url, render_error):
    """One press on the contractor's form (order page and portal alike): OPSLAAN saves the
    fields; a status button saves them too, then changes the status. AFMELDEN first asks
    for confirmation (after checking what it requires); "niet voor ons" needs a reason.
    POST-redirect-GET; a refusal shows the form again with the typed values."""
    action = request.form.get("action", "save")
    if action not in ("save", *workflow.TRANSITIONS):
        abort(400)
    audit.set_actor("contractor", order.contractor.name)
    confirm = action == "complete" and request.form.get("confirmed") != "yes"
    # stale: the same order saved at the same moment (two tabs, a double click); the
    # version column refuses the second write.
    stale = _("The work order was changed at the same moment. Please check and try again.")
    if action != "decline":
        # the fields are kept even when the button is refused (and an invoice above the
        # limit asks the office for approval then, too)
        with unit_of_work(done=_DONE["save"] if action == "save" else None,
                          flash_error=False, stale=stale) as saved:
            workflow.save_fields(order, workflow.parse_fields(request.form))
        if saved.failed:
            return render_error(saved.message)
        if action == "save":
            return redirect(back_url)
    with unit_of_work(done=None if confirm else _DONE[action], flash_error=False,
                      stale=stale) as work:
        if confirm:
            workflow.check_transition(order, "complete")
        else:
            workflow.transition(order, action, reason=request.form.get("reason"))
    if work.failed:
        return render_error(work.message)
    return redirect(f"{back_url}?confirm=complete" if confirm else back_url)


# ---------------------------------------------------------------- contractor

@bp.route("/wo/<token>", methods=["GET"])
def work_order(token):
    """The contractor's page of one work order."""
    order = _order(token)
    return render_template("faults/public/work_order.html", token=token, values=None,
                           **_context(order))


@bp.route("/wo/<token>", methods=["POST"])
def work_order_post(token):
    """The contractor's form on the order's own page."""
    return order_post(
        _order(token), url_for(".work_order", token=token),
        lambda message: (render_template(
            "faults/public/work_order.html", token=token, error=message, values=request.form,
            **_context(_order(token))), 400))


_DONE = {
    "save": _("Your changes are saved."),
    "accept": _("The work order is accepted. The reporter has been told."),
    "parts_on_order": _("The work order is on hold: parts on order."),
    "complete": _("The work order is completed. Thank you!"),
    "decline": _("The work order is back with the facility manager. Thank you for letting us "
                 "know."),
}


@bp.route("/wo/<token>/photo/<key>")
@bp.route("/wo/<token>/photo/<key>/<thumbnail>")
def work_order_photo(token, key, thumbnail=None):
    return _send_photo(_order(token).report, key, thumbnail, documents=True)


@bp.route("/wo/<token>/upload", methods=["POST"])
def work_order_upload(token):
    """The partner adds an after-photo, the work report or the invoice."""
    order = _order(token)
    audit.set_actor("contractor", order.contractor.name)
    with unit_of_work(done=_("The file is added."), flash_error=False) as work:
        evidence.upload(order, request.form.get("kind"), request.files.get("file"))
    if work.failed:
        return render_template("faults/public/work_order.html", token=token, values=None,
                               error=work.message, **_context(_order(token))), 400
    return redirect(url_for(".work_order", token=token))


# ---------------------------------------------------------------- reporter

@bp.route("/r/<token>", methods=["GET"])
def reporter(token):
    """The reporter's page: status, then the rating form, and a complaint form."""
    report = _report(token)
    return render_template("faults/public/reporter.html", token=token, values={},
                           again=session.get("faults_report_again") or url_for(".report"),
                           **_context(report.work_order))


def _reporter_post(token, do, done_message):
    report = _report(token)
    audit.set_actor("reporter", report.reporter_name)
    # conflict: a second rating sent at the same moment (unique key)
    with unit_of_work(done=done_message, flash_error=False,
                      conflict=_("You have already rated this report. Thank you!")) as work:
        do(report.work_order)
    if work.failed:
        return render_template("faults/public/reporter.html", token=token, error=work.message,
                               again=session.get("faults_report_again") or url_for(".report"),
                               values=request.form, **_context(_report(token).work_order)), 400
    return redirect(url_for(".reporter", token=token))


@bp.route("/r/<token>/rating", methods=["POST"])
def rate(token):
    """Feedback versturen."""
    form = request.form
    return _reporter_post(token, lambda order: workflow.rate(
        order, speed=form.get("speed"), communication=form.get("communication"),
        quality=form.get("quality"), solved=form.get("solved"), comment=form.get("comment")),
        _("Thank you for your feedback."))


@bp.route("/r/<token>/complaint", methods=["POST"])
def complain(token):
    return _reporter_post(token, lambda order: workflow.complain(order, request.form.get("text")),
                          _("Your complaint has been sent to the maintenance partner."))


@bp.route("/r/<token>/photo/<key>")
@bp.route("/r/<token>/photo/<key>/<thumbnail>")
def reporter_photo(token, key, thumbnail=None):
    return _send_photo(_report(token), key, thumbnail)


# ---------------------------------------------------------------- complaint (contractor)

@bp.route("/c/<token>", methods=["GET"])
def complaint(token):
    """A complaint with everything about its order; the contractor answers here."""
    item = _complaint(token)
    return render_template("faults/public/complaint.html", token=token, complaint=item,
                           can_respond=workflow.can_respond(item), values={},
                           **_context(item.work_order))


@bp.route("/c/<token>", methods=["POST"])
def complaint_post(token):
    item = _complaint(token)
    audit.set_actor("contractor", item.work_order.contractor.name)
    with unit_of_work(done=_("Your response is saved and sent to the reporter."),
                      flash_error=False) as work:
        workflow.respond(item, request.form.get("response"))
    if work.failed:
        item = _complaint(token)
        return render_template("faults/public/complaint.html", token=token, complaint=item,
                               can_respond=workflow.can_respond(item),
                               error=work.message, values=request.form,
                               **_context(item.work_order)), 400
    return redirect(url_for(".complaint", token=token))


@bp.route("/c/<token>/photo/<key>")
@bp.route("/c/<token>/photo/<key>/<thumbnail>")
def complaint_photo(token, key, thumbnail=None):
    return _send_photo(_complaint(token).work_order.report, key, thumbnail, documents=True)
