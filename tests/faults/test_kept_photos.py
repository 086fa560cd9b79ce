"""Photos kept after a refused report form: a scheduled job deletes the ones never sent
(row and file on disk) after the configured age, and leaves an attached one alone."""
import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app import jobs
from app.database import utcnow
from app.extensions import db
from app.faults.models import FaultReport, KeptPhoto
from app.files import process_pending
from app.files.models import StoredFile
from tests.helpers import jpeg, page, submit

REPORT = {"description": "Lekkage", "first_name": "Douwe", "last_name": "Demo"}


def _refused_with_photo(client, place, name):
    """The /report form with a photo and a bad e-mail address: refused, photo kept."""
    response = submit(client, "/report", {
        **REPORT, "email": "geen-adres", "location_id": place["location_id"],
        "placement": "Keuken", "photo": (io.BytesIO(jpeg()), name)},
        content_type="multipart/form-data")
    assert response.status_code == 400
    return re.search(r'name="kept_photo" value="([^"]+)"', page(response)).group(1)


def _file(app, name):
    """The stored row's key and its path on disk, once the worker has re-encoded what the
    public form kept in quarantine."""
    with app.app_context():
        process_pending()
        stored = db.session.scalars(select(StoredFile).where(
            StoredFile.original_name == name)).one()
        key = stored.key
    return key, Path(app.config["UPLOAD_FOLDER"]) / key[:2] / key


def _run(app, hours):
    with app.app_context():
        return jobs.run_due(utcnow() + timedelta(hours=hours),
                            only="faults.kept_photo_cleanup", force=True)


def test_kept_photos_never_sent_are_deleted_after_the_configured_age(app, client, place):
    _refused_with_photo(client, place, "verlaten.jpg")
    signed = _refused_with_photo(client, place, "verstuurd.jpg")
    submit(client, "/report", {**REPORT, "email": "douwe@example.org", "placement": "Keuken",
                               "location_id": place["location_id"], "kept_photo": signed})
    abandoned_key, abandoned = _file(app, "verlaten.jpg")
    sent_key, sent = _file(app, "verstuurd.jpg")
    assert abandoned.is_file() and sent.is_file()
    assert abandoned.with_name(abandoned.name + ".thumb.jpg").is_file()
    # younger than the configured age (24 hours by default): kept
    assert _run(app, 23) == [("faults.kept_photo_cleanup", "ok", 0)]
    assert abandoned.is_file()
    assert _run(app, 25) == [("faults.kept_photo_cleanup", "ok", 1)]
    assert not abandoned.exists()
    assert not abandoned.with_name(abandoned.name + ".thumb.jpg").exists()
    with app.app_context():
        keys = set(db.session.scalars(select(StoredFile.key)))
        assert abandoned_key not in keys and sent_key in keys
        assert db.session.scalars(select(KeptPhoto)).all() == []
        report = db.session.scalars(select(FaultReport)).one()
        assert report.photo.key == sent_key
    assert sent.is_file()  # the photo sent with the report stays


def test_the_age_is_configurable(app, client, place):
    _refused_with_photo(client, place, "kort.jpg")
    _key, path = _file(app, "kort.jpg")
    old = app.config["FAULTS_KEPT_PHOTO_HOURS"]
    app.config["FAULTS_KEPT_PHOTO_HOURS"] = 2
    try:
        assert _run(app, 3) == [("faults.kept_photo_cleanup", "ok", 1)]
    finally:
        app.config["FAULTS_KEPT_PHOTO_HOURS"] = old
    assert not path.exists()
