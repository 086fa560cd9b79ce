"""Public pages without an account: the QR scan landing /q/<code> (register a
device, or report a fault) and /report (a report without a sticker).

GET never changes anything; every POST carries a CSRF token and is rate limited
(registration.py). The token pages (contractor, reporter, complaint) are in
token_pages.py, on the same blueprint.
"""
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..files.models import StoredFile
from ..security.input_guard import parse_id
from ..security.redirects import safe_next
from ..unit_of_work import unit_of_work
from . import kept_photos, tokens
from .duplicates import follow, open_report_for
from .models import Contractor, Location, StickerCode
from .workflow import create_report, priority_for, register_device

bp = Blueprint("faults_public", __name__)

REPORTER_COOKIE = "kh_reporter"
REPORTER_FIELDS = ("first_name", "last_name", "email", "phone")
COOKIE_MAX_AGE = 365 * 24 * 3600


# ---------------------------------------------------------------- the reporter cookie

def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="faults-reporter")


def remembered_reporter():
    """Name, e-mail and phone this phone remembered from the last report, or {}."""
    raw = request.cookies.get(REPORTER_COOKIE)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return {}
    return {k: str(data.get(k, ""))[:255] for k in REPORTER_FIELDS} if isinstance(data, dict) else {}


def _remember(response, form):
    if form.get("remember") == "yes":
        data = {k: form.get(k, "").strip()[:255] for k in REPORTER_FIELDS}
        response.set_cookie(REPORTER_COOKIE, _serializer().dumps(data), max_age=COOKIE_MAX_AGE,
                            httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    else:
        response.delete_cookie(REPORTER_COOKIE)
    return response


@bp.route("/reporter/forget", methods=["POST"])
def forget_reporter():
    """Clear the remembered name, e-mail and phone from this phone."""
    response = redirect(safe_next(request.form.get("next"), url_for(".report")))
    response.delete_cookie(REPORTER_COOKIE)
    return response


# ---------------------------------------------------------------- scan landing

def _sticker(code):
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        abort(404)
    sticker = db.session.query(StickerCode).filter_by(code=code).one_or_none()
    if sticker is None:
        abort(404)
    return sticker


def _can_register():
    return current_app.appbuilder.sm.has_access("can_write", "FaultDevice")


def _choices():
    locations = db.session.query(Location).order_by(Location.name).all()
    contractors = db.session.query(Contractor).order_by(Contractor.name).all()
    return locations, contractors


def _location_choices():
    """(id, name) of every location, by name: the report form's select (one light
    statement; the form needs no location object, nor the partners)."""
    return db.session.execute(select(Location.id, Location.name).order_by(Location.name)).all()


def _report_values(form=None):
    values = dict(remembered_reporter())
    values["remember"] = "yes"
    if form is not None:
        values.update({k: form.get(k, "") for k in form.keys() if k != "csrf_token"})
        values["remember"] = form.get("remember", "")
    return values


@bp.route("/q/<code>", methods=["GET"])
def scan(code):
    """What a phone sees after scanning a sticker."""
    sticker = _sticker(code)
    if sticker.device is None:
        if _can_register():
            locations, contractors = _choices()
            return render_template("faults/public/register_device.html", sticker=sticker,
                                   locations=locations, contractors=contractors, values={})
        return render_template("faults/public/not_in_use.html", sticker=sticker)
    return render_template("faults/public/report_form.html", device=sticker.device,
                           values=_report_values(), action=url_for(".scan_post", code=code),
                           open_report=open_report_for(sticker.device),
                           default_priority=priority_for(sticker.device))


@bp.route("/q/<code>/same", methods=["POST"])
def same_fault(code):
    """"Ik heb dit ook": follow the device's open report instead of filing another."""
    sticker = _sticker(code)
    report = open_report_for(sticker.device)
    if report is None:  # solved in the meantime: the normal form
        return redirect(url_for(".scan", code=sticker.code))
    form = request.form
    audit.set_actor("reporter", f"{form.get('first_name', '')} {form.get('last_name', '')}"
                    .strip()[:200] or "reporter")
    thanks = _("Thank you. You will get the updates of report %(number)s.", number=report.number)
    with unit_of_work(done=thanks, flash_error=False) as work:
        follow(report, first_name=form.get("first_name"), last_name=form.get("last_name"),
               email=form.get("email"), phone=form.get("phone"))
    if work.failed:
        return render_template("faults/public/report_form.html", device=sticker.device,
                               values=_report_values(form), open_report=report,
                               same_error=work.message,
                               action=url_for(".scan_post", code=sticker.code)), 400
    return _remember(redirect(url_for(".scan", code=sticker.code, followed=report.number)), form)


@bp.route("/q/<code>.json", methods=["GET"])
def scan_json(code):
    """The device behind a code, for the Scan QR button on /report."""
    sticker = _sticker(code)
    device = sticker.device
    if device is None:
        return jsonify(code=sticker.code, registered=False,
                       message=gettext("This sticker is not yet in use.")), 404
    return jsonify(code=sticker.code, registered=True, device_type=device.device_type,
                   placement=device.placement, location_id=device.location_id,
                   location=device.location.name)


@bp.route("/q/<code>", methods=["POST"])
def scan_post(code):
    sticker = _sticker(code)
    if sticker.device is None:
        return _register(sticker)
    if "device_type" in request.form:
        # a registration form sent after someone else registered this sticker
        return render_template(
            "faults/public/report_form.html", device=sticker.device,
            error=gettext("This sticker is already in use."), values=_report_values(),
            action=url_for(".scan_post", code=code)), 409
    return _send_report(
        device=sticker.device,
        render_error=lambda message, kept: render_template(
            "faults/public/report_form.html", device=sticker.device, error=message, kept=kept,
            values=_report_values(request.form), action=url_for(".scan_post", code=code)))


def _register(sticker):
    if not _can_register():
        abort(403)
    form = request.form
    location = _get(Location, form.get("location_id"))
    contractor = _get(Contractor, form.get("contractor_id"))
    # conflict: someone registered this sticker at the same moment
    with unit_of_work(flash_error=False,
                      conflict=gettext("This sticker is already in use.")) as work:
        device = register_device(
            sticker, location=location, contractor=contractor,
            placement=form.get("placement"), device_type=form.get("device_type"),
            serial_number=form.get("serial_number"), photo=request.files.get("photo"),
            user=_user())
    if work.failed:
        locations, contractors = _choices()
        return render_template("faults/public/register_device.html",
                               sticker=_sticker(sticker.code), locations=locations,
                               contractors=contractors, values=form, error=work.message), 400
    # POST-redirect-GET: a reload shows the page again instead of posting again
    return redirect(url_for(".registered", code=device.sticker.code))


@bp.route("/q/<code>/registered", methods=["GET"])
def registered(code):
    """What the facility manager sees after registering a device."""
    sticker = _sticker(code)
    if sticker.device is None or not _can_register():
        return redirect(url_for(".scan", code=sticker.code))
    return render_template("faults/public/registered.html", device=sticker.device)


def _user():
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None


def _get(model, value):
    number = parse_id(value)
    return None if number is None else db.session.get(model, number)


def _kept_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="faults-kept-photo")


def _kept_photo(signed):
    """The photo kept from an earlier attempt of this form (signed, one hour), or None."""
    if not signed:
        return None
    try:
        key = _kept_serializer().loads(signed, max_age=3600)
    except BadSignature:
        return None
    return db.session.query(StoredFile).filter_by(key=str(key)).one_or_none()


def _keep_photo(upload):
    """A form refused for another reason keeps its photo: stored now, and carried by the
    form as a signed key, so the reporter does not have to choose it again (a scheduled
    job deletes it when never sent: kept_photos.py)."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    upload.stream.seek(0)
    with unit_of_work(flash_error=False) as work:
        stored = kept_photos.keep(upload, defer=True)
    if work.failed or stored is None:
        return None
    return {"signed": _kept_serializer().dumps(stored.key), "name": stored.original_name}


def _send_report(render_error, device=None, location=None):
    """File the report; on success redirect (POST-redirect-GET) to the reporter's own
    page, so a reload shows the status instead of filing the report again."""
    form = request.form
    name = f"{form.get('first_name', '')} {form.get('last_name', '')}".strip()[:200]
    audit.set_actor("reporter", name or "reporter")
    uploads = [u for u in request.files.getlist("photo") if u.filename]
    upload = uploads[0] if uploads else None
    kept = _kept_photo(form.get("kept_photo"))
    photo = upload if upload is not None else kept
    with unit_of_work(flash_error=False) as work:
        report = create_report(
            device=device, location=location, placement=form.get("placement", ""),
            description=form.get("description"), first_name=form.get("first_name"),
            last_name=form.get("last_name"), email=form.get("email"),
            phone=form.get("phone"), photo=photo, priority=form.get("priority"),
            more_photos=uploads[1:], defer_photos=True)
        # the number is known once the report is made
        work.done = _("Report sent. Your report number is %(number)s. We also sent you an "
                      "e-mail with the link to this page.", number=report.number)
    if work.failed:
        keep = _keep_photo(upload) if photo is upload else (
            {"signed": form.get("kept_photo"), "name": kept.original_name} if kept else None)
        return render_error(work.message, keep), 400
    session["faults_report_again"] = (url_for(".scan", code=device.code) if device
                                      else url_for(".report"))
    response = redirect(url_for(".reporter", token=tokens.token_for(report)))
    return _remember(response, form)


# ---------------------------------------------------------------- report without a sticker

@bp.route("/report", methods=["GET"])
def report():
    """Ticket aanmaken: choose the location and type the exact placement, or scan."""
    return render_template("faults/public/report_form.html", device=None,
                           locations=_location_choices(), values=_report_values(),
                           action=url_for(".report_post"))


@bp.route("/report", methods=["POST"])
def report_post():
    code = (request.form.get("code") or "").strip().upper()
    device = None
    if code:
        sticker = db.session.query(StickerCode).filter_by(code=code).one_or_none()
        device = sticker.device if sticker else None
    location = None if device else _get(Location, request.form.get("location_id"))

    def render_error(message, kept=None):
        return render_template("faults/public/report_form.html", device=None,
                               locations=_location_choices(), error=message, kept=kept,
                               values=_report_values(request.form),
                               action=url_for(".report_post"))

    if code and device is None:
        return render_error(gettext("This QR code is not a registered device.")), 400
    return _send_report(render_error, device=device, location=location)
