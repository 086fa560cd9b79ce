"""QR stickers in the back office: batches (a name and the customer or location they are
for), the list of codes, generating a batch and downloading the printable A4 sheet of a
batch (again), part of it, or one device's sticker."""
from flask import abort, make_response, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from ..extensions import db
from ..listing import FastSQLAInterface
from ..security.input_guard import parse_id
from ..unit_of_work import unit_of_work
from . import qr
from .labels import LABELS
from .models import Device, Location, StickerBatch, StickerCode
from .views import NO_ADD, FaultModelView

PRINT = {"sheet": "read", "reprint": "read"}


def _generate_form(view, kwargs):
    """What the "new batch" form needs (on the batch list and the sticker list)."""
    kwargs["max_batch"] = qr.MAX_BATCH
    kwargs["can_generate"] = view.appbuilder.sm.has_access("can_write",
                                                           view.class_permission_name)
    if kwargs["can_generate"]:
        kwargs["locations"] = db.session.query(Location).order_by(Location.name).all()
    return kwargs


def _codes(batch):
    return db.session.query(StickerCode).filter_by(batch=batch.code).order_by(
        StickerCode.id).all()


def _reprint(codes, args, name):
    """Stickers `first`..`last` of a batch on a sheet from label `start`, or back to the
    list with the refusal."""
    with unit_of_work() as work:  # only checks; nothing to save
        chosen, skip = qr.reprint_selection(codes, args.get("first"), args.get("last"),
                                            args.get("start"))
    if work.failed:
        return None
    return _pdf(qr.sticker_sheet_pdf(chosen, skip=skip),
                f"stickers-{name}-{args.get('first')}-{args.get('last')}.pdf")


class StickerCodeTab(FaultModelView):
    """The codes of one batch, as a tab on the batch."""

    datamodel = FastSQLAInterface(StickerCode)
    class_permission_name = "FaultSticker"
    method_permission_name = NO_ADD
    exclude_route_methods = {"add", "edit", "delete"}
    list_title = _("QR stickers")
    list_columns = ["code", "in_use", "device"]
    search_columns = ["code"]
    base_order = ("id", "asc")
    list_eager = ("device",)


class StickerBatchView(FaultModelView):
    """Batches of stickers: what each was printed for; print or reprint one."""

    datamodel = FastSQLAInterface(StickerBatch)
    class_permission_name = "FaultSticker"
    method_permission_name = {**NO_ADD, **PRINT}
    exclude_route_methods = {"add", "delete"}
    list_title = _("Sticker batches")
    show_title = _("Sticker batch")
    edit_title = _("Edit sticker batch")
    list_template = "faults/admin/sticker_batch_list.html"
    show_template = "faults/admin/sticker_batch_show.html"
    list_columns = ["name", "customer", "location", "size", "created_at", "code"]
    show_columns = ["name", "customer", "location", "size", "created_at", "code"]
    edit_columns = ["name", "customer", "location"]
    search_columns = ["name", "customer", "location", "created_at"]
    base_order = ("id", "desc")
    related_views = [StickerCodeTab]
    label_columns = {**LABELS, "code": _("Batch code"), "name": _("Batch name")}

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs = _generate_form(self, kwargs)
        return super().render_template(template, **kwargs)

    def _batch(self, pk):
        batch = db.session.get(StickerBatch, pk)
        if batch is None:
            abort(404)
        return batch

    @expose("/sheet/<int:pk>.pdf")
    @has_access
    def sheet(self, pk):
        """The whole batch again: its A4 sheets."""
        batch = self._batch(pk)
        return _pdf(qr.sticker_sheet_pdf(_codes(batch)), f"stickers-{batch.code}.pdf")

    @expose("/reprint/<int:pk>")
    @has_access
    def reprint(self, pk):
        """Some stickers of the batch again, from a chosen label of a partly used sheet."""
        batch = self._batch(pk)
        return _reprint(_codes(batch), request.args, batch.code) or redirect(
            url_for(".show", pk=pk))


class StickerCodeView(FaultModelView):
    """Printed codes; a batch is generated here, a device claims a code when scanned."""

    datamodel = FastSQLAInterface(StickerCode)
    class_permission_name = "FaultSticker"
    method_permission_name = {**NO_ADD, **PRINT, "generate": "write",
                              "device_sticker": "read"}
    exclude_route_methods = {"add", "edit", "delete"}
    list_title = _("QR stickers")
    show_title = _("QR sticker")
    list_template = "faults/admin/sticker_list.html"
    list_columns = ["code", "sticker_batch", "created_at", "in_use", "device"]
    show_columns = ["code", "sticker_batch", "batch", "created_at", "device"]
    search_columns = ["code", "batch", "created_at"]
    base_order = ("id", "desc")
    list_eager = ("device",)  # the in-use column

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs["batches"] = db.session.query(StickerBatch).order_by(
                StickerBatch.id.desc()).limit(10).all()
            kwargs = _generate_form(self, kwargs)
        return super().render_template(template, **kwargs)

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        """A batch of N new codes with its name, customer or location; then its page, to
        print the sheet."""
        form = request.form
        raw = form.get("count", "").strip()
        location_id = parse_id(form.get("location_id"))
        location = db.session.get(Location, location_id) if location_id else None
        with unit_of_work() as work:
            codes = qr.create_batch(int(raw) if raw.isdigit() else None,
                                    name=form.get("name"), customer=form.get("customer"),
                                    location=location)
            batch = codes[0].sticker_batch
            work.done = gettext("%(n)s new stickers in batch %(batch)s.", n=len(codes),
                                batch=batch.name)
        if work.failed:
            return redirect(url_for("StickerBatchView.list"))
        return redirect(url_for("StickerBatchView.show", pk=batch.id))

    @expose("/sheet/<batch>.pdf")
    @has_access
    def sheet(self, batch):
        """The printable A4 sheet of one batch (by its code)."""
        codes = db.session.query(StickerCode).filter_by(batch=batch).order_by(StickerCode.id).all()
        if not codes:
            abort(404)
        return _pdf(qr.sticker_sheet_pdf(codes), f"stickers-{batch}.pdf")

    @expose("/reprint")
    @has_access
    def reprint(self):
        """Some stickers of a batch (by its code) again, from a chosen label."""
        args = request.args
        codes = db.session.query(StickerCode).filter_by(batch=args.get("batch", "")).order_by(
            StickerCode.id).all()
        if not codes:
            abort(404)
        return _reprint(codes, args, codes[0].batch) or redirect(url_for(".list"))

    @expose("/device/<int:pk>.pdf")
    @has_access
    def device_sticker(self, pk):
        """One device's sticker (a replacement for a damaged one), on a sheet."""
        device = db.session.get(Device, pk)
        if device is None or device.sticker is None:
            abort(404)
        return _pdf(qr.sticker_sheet_pdf([device.sticker]), f"sticker-{device.sticker.code}.pdf")


def _pdf(data, filename):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
