"""QR stickers in the back office: the list of codes, generating a batch and
downloading the printable A4 sheet (or one device's sticker)."""
from flask import abort, make_response, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from ..extensions import db
from ..listing import FastSQLAInterface
from ..unit_of_work import unit_of_work
from . import qr
from .models import Device, StickerCode
from .views import NO_ADD, FaultModelView


class StickerCodeView(FaultModelView):
    """Printed codes; a batch is generated here, a device claims a code when scanned."""

    datamodel = FastSQLAInterface(StickerCode)
    class_permission_name = "FaultSticker"
    method_permission_name = {**NO_ADD, "generate": "write", "sheet": "read",
                              "device_sticker": "read", "reprint": "read"}
    exclude_route_methods = {"add", "edit", "delete"}
    list_title = _("QR stickers")
    show_title = _("QR sticker")
    list_template = "faults/admin/sticker_list.html"
    list_columns = ["code", "batch", "created_at", "in_use", "device"]
    show_columns = ["code", "batch", "created_at", "device"]
    search_columns = ["code", "batch", "created_at"]
    base_order = ("id", "desc")
    list_eager = ("device",)  # the in-use column

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs["batches"] = [b for (b,) in db.session.query(StickerCode.batch)
                                 .group_by(StickerCode.batch)
                                 .order_by(StickerCode.batch.desc()).limit(10)]
            kwargs["max_batch"] = qr.MAX_BATCH
            kwargs["can_generate"] = self.appbuilder.sm.has_access("can_write",
                                                                   self.class_permission_name)
        return super().render_template(template, **kwargs)

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        """A batch of N new codes; then its sheet is ready to download."""
        raw = request.form.get("count", "").strip()
        with unit_of_work() as work:
            codes = qr.create_batch(int(raw) if raw.isdigit() else None)
            batch = codes[0].batch
            work.done = gettext("%(n)s new stickers in batch %(batch)s.", n=len(codes),
                                batch=batch)
        if work.failed:
            return redirect(url_for(".list"))
        return redirect(url_for(".list", _flt_3_batch=batch))

    @expose("/sheet/<batch>.pdf")
    @has_access
    def sheet(self, batch):
        """The printable A4 sheet of one batch."""
        codes = db.session.query(StickerCode).filter_by(batch=batch).order_by(StickerCode.id).all()
        if not codes:
            abort(404)
        return _pdf(qr.sticker_sheet_pdf(codes), f"stickers-{batch}.pdf")

    @expose("/reprint")
    @has_access
    def reprint(self):
        """Some stickers of a batch again, from a chosen label of a partly used sheet."""
        args = request.args
        codes = db.session.query(StickerCode).filter_by(batch=args.get("batch", "")).order_by(
            StickerCode.id).all()
        if not codes:
            abort(404)
        with unit_of_work() as work:  # only checks; nothing to save
            chosen, skip = qr.reprint_selection(codes, args.get("first"), args.get("last"),
                                                args.get("start"))
        if work.failed:
            return redirect(url_for(".list"))
        return _pdf(qr.sticker_sheet_pdf(chosen, skip=skip),
                    f"stickers-{codes[0].batch}-{args.get('first')}-{args.get('last')}.pdf")

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
