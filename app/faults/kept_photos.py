"""Photos kept after a refused public form, and their clean-up.

A report form refused for another reason (a missing name) keeps its photo: stored at
once and carried by the form as a signed key, so the reporter does not choose it again
(public.py). Each such photo gets a KeptPhoto row, removed when the photo is attached to
a report. The scheduled job `faults.kept_photo_cleanup` deletes the photos never attached
after FAULTS_KEPT_PHOTO_HOURS (row and file on disk): an abandoned form leaves nothing.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, exists, or_, select

from .. import files
from ..extensions import db
from .models import Device, Evidence, FaultReport, KeptPhoto
from .rules import photo as store_photo

BATCH = 500  # per run; the rest is deleted at the next run


def keep(upload, defer=False):
    """Store the photo of a refused form and mark it kept; returns the StoredFile (the
    caller commits), or None when there is no photo. DomainError: not a photo. defer:
    kept in quarantine for the worker (files.save_upload)."""
    stored = store_photo(upload, defer=defer)
    if stored is not None:
        db.session.add(KeptPhoto(file=stored))
    return stored


def attached(stored):
    """The kept photo is now part of a report: it is no longer cleaned up."""
    if stored is not None and stored.id is not None:
        db.session.execute(delete(KeptPhoto).where(KeptPhoto.file_id == stored.id))


def max_age():
    return timedelta(hours=int(current_app.config.get("FAULTS_KEPT_PHOTO_HOURS", 24)))


def _in_use(file_id):
    """Whether a report, device or evidence row points at the file (a kept photo that
    was attached some other way: never delete what a record shows)."""
    return or_(exists().where(FaultReport.photo_id == file_id),
               exists().where(Device.photo_id == file_id),
               exists().where(Evidence.file_id == file_id))


def run_cleanup(now):
    """The job: delete kept photos older than the configured age that no record uses.
    Returns how many files it deleted."""
    rows = db.session.scalars(
        select(KeptPhoto).where(KeptPhoto.created_at < now - max_age())
        .order_by(KeptPhoto.id).limit(BATCH)).all()
    deleted = 0
    for kept in rows:
        stored = kept.file
        used = db.session.scalar(select(_in_use(kept.file_id)))
        db.session.delete(kept)
        if stored is not None and not used:
            db.session.flush()  # the marker first: it points at the file
            files.delete(stored)
            deleted += 1
    return deleted
