"""Devices and their stickers: registration, the sticker's one owner, what may be deleted."""
from flask_babel import gettext
from sqlalchemy import func, select

from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from . import rules
from .models import Contractor, Device, FaultReport, Location, WorkOrder
from .rules import text


def register_device(sticker, *, location, placement, device_type, contractor, serial_number="",
                    photo=None, user=None):
    """Link a printed sticker to a device, once (Stap 1: Registreren)."""
    if sticker.device is not None:
        raise DomainError(gettext("This sticker is already in use."))
    if location is None or contractor is None:
        raise DomainError(gettext("Please choose a location and a maintenance partner."))
    device = Device(
        sticker=sticker, location=location, contractor=contractor,
        placement=text(placement, gettext("Exact location"), limit=300),
        device_type=text(device_type, gettext("Device type"), limit=200),
        serial_number=text(serial_number, gettext("Serial number"), required=False, limit=100),
        registered_by_id=getattr(user, "id", None), registered_at=utcnow(),
    )
    device.photo = rules.photo(photo)
    db.session.add(device)
    db.session.flush()
    return device


def check_sticker_free(device):
    """A device's sticker (add/edit form) must not be another device's: the one-to-one
    relationship would otherwise silently take it away from that device."""
    if device.sticker is None:
        return
    with db.session.no_autoflush:  # compare with what is stored, before this form's change
        owner = db.session.scalar(select(Device.id).where(
            Device.sticker_id == device.sticker.id, Device.id != device.id))
    if owner is not None:
        raise DomainError(gettext("This sticker is already in use."))


def check_delete(obj):
    """Locations, maintenance partners and devices with history stay: deleting them
    would orphan reports and orders (or, on SQLite, leave them pointing nowhere)."""

    def used(model, *conditions):
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) > 0

    if isinstance(obj, Device) and used(FaultReport, FaultReport.device_id == obj.id):
        raise DomainError(gettext(
            "This device has fault reports, so it cannot be deleted."))
    if isinstance(obj, Location) and (used(Device, Device.location_id == obj.id)
                                      or used(FaultReport, FaultReport.location_id == obj.id)):
        raise DomainError(gettext(
            "This location has devices or fault reports, so it cannot be deleted."))
    if isinstance(obj, Contractor) and (
            used(Device, Device.contractor_id == obj.id)
            or used(WorkOrder, WorkOrder.contractor_id == obj.id)
            or used(Location, Location.default_contractor_id == obj.id)):
        raise DomainError(gettext(
            "This maintenance partner has devices, work orders or locations, so it cannot be "
            "deleted."))
