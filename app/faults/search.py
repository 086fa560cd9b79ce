"""What the search box finds of this domain: a fault report by its number (and its work
order's), location, device and reporter."""
from flask import url_for
from flask_babel import lazy_gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Device, FaultReport, Location, WorkOrder


def report_text(report):
    location, device = report.location, report.device
    parts = [report.number, report.reporter_first_name, report.reporter_last_name,
             report.reporter_email, report.reporter_phone, report.placement]
    parts += [order.number for order in report.work_orders]  # a reopened report has more
    if location is not None:
        parts += [location.name, location.street, location.postcode, location.city]
    if device is not None:
        parts += [device.code, device.device_type, device.placement, device.serial_number]
    return "\n".join(filter(None, parts))


def describe(ids):
    rows = db.session.execute(
        select(FaultReport.id, FaultReport.number, Location.name, FaultReport.reporter_first_name,
               FaultReport.reporter_last_name)
        .join(Location, Location.id == FaultReport.location_id)
        .where(FaultReport.id.in_(ids))).all()
    by_id = {row.id: row for row in rows}
    return [(i, by_id[i].number, f"{by_id[i].name} · {by_id[i].reporter_first_name} "
             f"{by_id[i].reporter_last_name}", url_for("FaultReportView.show", pk=i))
            for i in ids if i in by_id]


def register():
    from .. import search

    search.register(search.Source(
        kind="faultreport", model=FaultReport, text=report_text,
        permission=("can_read", "FaultReport"), describe=describe, label=_("Fault reports"),
        parents={WorkOrder: lambda order: order.report},
        load=(selectinload(FaultReport.location), selectinload(FaultReport.work_orders),
              selectinload(FaultReport.device).selectinload(Device.sticker)),
        # a renamed location or a changed device: every report there shows the new text
        shared={Location: lambda location: select(FaultReport.id).where(
                    FaultReport.location_id == location.id),
                Device: lambda device: select(FaultReport.id).where(
                    FaultReport.device_id == device.id)}))
