"""The maintenance partner's portal, without an account: /p/<token> lists the partner's
open and recent work orders; /p/<token>/wo/<id> is one order with the order page's own
form, buttons and uploads (the same calls as /wo/<token>, token_pages.py).

A wrong, revoked or expired link, or an order of another partner, is a friendly 404; an
order that was this partner's and went to another one says so (410).
GET only reads; every change is a POST with CSRF, rate limited with the blueprint.
"""
from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _

from .. import audit
from ..unit_of_work import unit_of_work
from . import evidence
from . import portal as partner_portal
from .public import bp
from .token_pages import _context, _send_photo, order_post
from .workflow import STATUS_LABELS

TEMPLATE = "faults/public/work_order.html"


def _partner(token):
    partner = partner_portal.find_partner(token)
    if partner is None:
        abort(404)
    return partner


def _order(token, pk):
    partner = _partner(token)
    order = partner_portal.order_of(partner, pk)
    if order is None:
        if partner_portal.was_assigned(partner, pk):
            abort(make_response(render_template(
                "faults/public/order_reassigned.html", token=token, partner=partner), 410))
        abort(404)
    return order


def _page_context(token, order):
    """The order page's context, with its links pointing into the portal."""
    return {**_context(order), "token": token,
            "order_url": url_for(".portal_order", token=token, pk=order.id),
            "upload_url": url_for(".portal_upload", token=token, pk=order.id),
            "photo_endpoint": "faults_public.portal_photo", "photo_args": {"pk": order.id},
            "portal_url": url_for(".portal", token=token)}


@bp.route("/p/<token>", methods=["GET"])
def portal(token):
    """Every open (or recently finished) work order of one maintenance partner."""
    partner = _partner(token)
    which = "done" if request.args.get("show") == "done" else "open"
    orders, after = partner_portal.orders(partner, which, request.args.get("after"))
    return render_template("faults/public/portal.html", token=token, partner=partner,
                           orders=orders, which=which, after=after,
                           first_page=not request.args.get("after"),
                           status_labels=STATUS_LABELS)


@bp.route("/p/<token>/wo/<int:pk>", methods=["GET"])
def portal_order(token, pk):
    """One work order in the portal: the same page as the order's own link."""
    return render_template(TEMPLATE, values=None, **_page_context(token, _order(token, pk)))


@bp.route("/p/<token>/wo/<int:pk>", methods=["POST"])
def portal_order_post(token, pk):
    """The order page's form, pressed in the portal: the same rules (token_pages.order_post)."""
    return order_post(
        _order(token, pk), url_for(".portal_order", token=token, pk=pk),
        lambda message: (render_template(
            TEMPLATE, error=message, values=request.form,
            **_page_context(token, _order(token, pk))), 400))


@bp.route("/p/<token>/wo/<int:pk>/photo/<key>")
@bp.route("/p/<token>/wo/<int:pk>/photo/<key>/<thumbnail>")
def portal_photo(token, pk, key, thumbnail=None):
    return _send_photo(_order(token, pk).report, key, thumbnail, documents=True)


@bp.route("/p/<token>/wo/<int:pk>/upload", methods=["POST"])
def portal_upload(token, pk):
    """An after-photo, the work report or the invoice, added in the portal."""
    order = _order(token, pk)
    audit.set_actor("contractor", order.contractor.name)
    with unit_of_work(done=_("The file is added."), flash_error=False) as work:
        evidence.upload(order, request.form.get("kind"), request.files.get("file"))
    if work.failed:
        return render_template(TEMPLATE, values=None, error=work.message,
                               **_page_context(token, _order(token, pk))), 400
    return redirect(url_for(".portal_order", token=token, pk=pk))
