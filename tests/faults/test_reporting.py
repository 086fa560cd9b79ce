"""Reporting: photos refused cleanly, /report without a sticker, the remembered
reporter, unknown and unused stickers."""
import io

from sqlalchemy import func, select

from app.extensions import db
from app.faults.models import FaultReport, StickerCode, WorkOrder
from app.files.models import StoredFile
from app.mail.models import OutboxMessage
from tests.helpers import REPORTER_EMAIL, jpeg, make_order, page, submit

REPORT = {"description": "Deur klemt", "first_name": "Douwe", "last_name": "Demo",
          "email": REPORTER_EMAIL, "phone": "088-5550555"}


def _counts(app):
    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                for m in (FaultReport, WorkOrder, StoredFile, OutboxMessage)}


def _device_code(app, place):
    make_order(app, place)  # registers the device of codes[0]
    return place["codes"][0]


def test_non_image_photo_is_refused_and_nothing_is_stored(app, client, place):
    code = _device_code(app, place)
    before = _counts(app)
    response = submit(client, f"/q/{code}", {
        **REPORT, "photo": (io.BytesIO(b"#!/bin/sh\necho not a photo\n"), "foto.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    text = page(response)
    assert "De foto is niet geaccepteerd: Dit is geen foto (JPEG, PNG, WebP of HEIC)." in text
    assert 'value="Douwe"' in text and "Deur klemt" in text  # the form keeps what was typed
    assert _counts(app) == before


def test_oversized_photo_is_refused_and_nothing_is_stored(app, client, place):
    code = _device_code(app, place)
    before = _counts(app)
    big = jpeg(size=(1500, 1500))
    old = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = len(big) - 1
    try:
        response = submit(client, f"/q/{code}", {**REPORT, "photo": (io.BytesIO(big), "f.jpg")},
                          content_type="multipart/form-data")
    finally:
        app.config["MAX_UPLOAD_BYTES"] = old
    assert response.status_code == 400
    assert "De foto is niet geaccepteerd" in page(response)
    assert "te groot" in page(response)  # says why
    assert _counts(app) == before


def test_whole_request_too_large_gives_a_clear_page(app, client, place):
    code = _device_code(app, place)
    before = _counts(app)
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = submit(client, f"/q/{code}", {
            **REPORT, "photo": (io.BytesIO(b"\xff" * 60_000), "f.jpg")},
            content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert "Het bestand is te groot" in page(response) or "te groot" in page(response)
    assert _counts(app) == before


def test_missing_fields_are_named(app, client, place):
    code = _device_code(app, place)
    response = submit(client, f"/q/{code}", {**REPORT, "email": "geen-adres"})
    assert response.status_code == 400
    assert "Vul een geldig e-mailadres in." in page(response)
    response = submit(client, f"/q/{code}", {**REPORT, "description": " "})
    assert "Vul in: Omschrijving." in page(response)


def test_unknown_code_is_404_and_unused_sticker_is_explained(app, client, client_for, place):
    assert client.get("/q/NOTACODE123").status_code == 404
    unused = place["codes"][1]
    text = page(client.get(f"/q/{unused}"))
    assert "Sticker nog niet in gebruik" in text and "Apparaat registreren" not in text
    # a logged-in user without the right to register sees the same, and cannot POST
    viewer = client_for("FaultViewer")
    assert "Sticker nog niet in gebruik" in page(viewer.get(f"/q/{unused}"))
    response = submit(viewer, "/report", {"location_id": place["location_id"],
                                          "placement": "x", "device_type": "y",
                                          "contractor_id": place["contractor_id"]},
                      post_url=f"/q/{unused.lower()}")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.query(StickerCode).filter_by(code=unused).one().device is None


def test_report_without_sticker_goes_to_the_default_contractor(app, client, place):
    form = page(client.get("/report"))
    assert "Scan QR" in form and "vendor/jsqr/jsQR.js" in form and "Demo locatie 1" in form
    assert 'capture="environment"' in form
    response = submit(client, "/report", {**REPORT, "location_id": place["location_id"],
                                          "placement": "Op de koelkast in kantoor 2.21"},
                      follow_redirects=True)
    assert response.status_code == 200, page(response)
    assert "KH-A-000001" in page(response)
    with app.app_context():
        order = db.session.query(WorkOrder).one()
        assert order.contractor.name == "Demo Contractpartner 1"
        assert order.report.device is None and order.report.where == "Op de koelkast in kantoor 2.21"


def test_report_page_scan_fills_in_a_device(app, client, place):
    code = _device_code(app, place)
    info = client.get(f"/q/{code}.json").get_json()
    assert info["registered"] and info["device_type"] == "Koffieautomaat"
    assert client.get(f"/q/{place['codes'][2]}.json").status_code == 404
    response = submit(client, "/report", {**REPORT, "code": code.lower()},
                      follow_redirects=True)
    assert response.status_code == 200, page(response)
    with app.app_context():
        report = db.session.query(FaultReport).order_by(FaultReport.id.desc()).first()
        assert report.device.code == code


def test_jsqr_is_served_from_our_own_static_files(client):
    response = client.get("/static/vendor/jsqr/jsQR.js")
    assert response.status_code == 200 and b"jsQR" in response.data
    assert client.get("/static/js/faults_scan.js").status_code == 200


def test_the_phone_remembers_the_reporter_until_told_to_forget(app, client, place):
    code = _device_code(app, place)
    submit(client, f"/q/{code}", {**REPORT, "remember": "yes"})
    form = page(client.get(f"/q/{code}"))
    assert 'value="Douwe"' in form and f'value="{REPORTER_EMAIL}"' in form
    assert "Mijn gegevens op deze telefoon vergeten" in form
    response = submit(client, f"/q/{code}", {"next": f"/q/{code}"},
                      post_url="/reporter/forget", follow_redirects=True)
    assert 'value="Douwe"' not in page(response)
    # without the tick nothing is remembered
    submit(client, f"/q/{code}", {**REPORT})
    assert 'value="Douwe"' not in page(client.get(f"/q/{code}"))


def test_public_posts_are_rate_limited(app, client, place):
    code = _device_code(app, place)
    token = None
    statuses = []
    for _ in range(25):
        if token is None:
            from tests.helpers import csrf_token
            token = csrf_token(client, f"/q/{code}")
        statuses.append(client.post(f"/q/{code}", data={"csrf_token": token}).status_code)
    assert 429 in statuses


def test_device_registration_refuses_bad_input_and_stores_nothing(app, client_for, place):
    from app.faults.models import Device
    manager = client_for("FacilityManager")
    code = place["codes"][1]
    data = {"location_id": place["location_id"], "placement": "Gang", "device_type": "Deur",
            "contractor_id": place["contractor_id"]}
    response = submit(manager, f"/q/{code}", {**data, "photo": (io.BytesIO(b"GIF89a-no"), "x.jpg")},
                      content_type="multipart/form-data")
    assert response.status_code == 400 and "De foto is niet geaccepteerd" in page(response)
    assert 'value="Gang"' in page(response)
    response = submit(manager, f"/q/{code}", {**data, "device_type": ""})
    assert response.status_code == 400 and "Vul in: Type apparaat." in page(response)
    response = submit(manager, f"/q/{code}", {**data, "contractor_id": "999"})
    assert "Kies een locatie en een onderhoudspartner." in page(response)
    with app.app_context():
        assert db.session.query(Device).count() == 0
        assert db.session.query(StoredFile).count() == 0
    # and then it works, by the facility manager, audited as that user
    response = submit(manager, f"/q/{code}", data, follow_redirects=True)
    assert "Apparaat geregistreerd" in page(response)
    with app.app_context():
        device = db.session.query(Device).one()
        assert device.registered_by.username == "facilitymanager" and device.code == code


def _set_cookie_headers(response, name):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def test_reporter_cookie_attributes_reuse_and_clearing(app, client, place):
    """The remembered reporter: HttpOnly, SameSite=Lax, one year; Secure when the
    session cookie is; filled in on /q/ and /report; cleared by the button or by
    sending a report without the tick."""
    from app.faults.public import REPORTER_COOKIE
    code = _device_code(app, place)
    response = submit(client, f"/q/{code}", {**REPORT, "remember": "yes"})
    assert response.status_code == 302  # to the reporter's page (POST-redirect-GET)
    [header] = _set_cookie_headers(response, REPORTER_COOKIE)
    attributes = [part.strip().lower() for part in header.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "max-age=31536000" in attributes and "path=/" in attributes
    assert "secure" not in attributes
    assert REPORTER_EMAIL not in header  # signed, and not readable as plain text either
    # reused on both forms
    for url in (f"/q/{code}", "/report"):
        form = page(client.get(url))
        assert 'value="Douwe"' in form and 'value="Demo"' in form, url
        assert f'value="{REPORTER_EMAIL}"' in form and 'value="088-5550555"' in form, url
    # a forged cookie is ignored
    other = app.test_client()
    other.set_cookie(REPORTER_COOKIE, "eyJmaXJzdF9uYW1lIjoiWCJ9.bogus")
    assert 'value="X"' not in page(other.get("/report"))
    # Secure when the session cookie is Secure
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        secure = app.test_client()
        response = submit(secure, f"/q/{code}", {**REPORT, "remember": "yes"})
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    [header] = _set_cookie_headers(response, REPORTER_COOKIE)
    assert "secure" in [part.strip().lower() for part in header.split(";")]
    # cleared by the button: the browser is told to drop it
    response = submit(client, "/report", {"next": "/report"}, post_url="/reporter/forget")
    assert response.status_code == 302 and response.headers["Location"].endswith("/report")
    [header] = _set_cookie_headers(response, REPORTER_COOKIE)
    assert "max-age=0" in header.lower() or "expires=thu, 01 jan 1970" in header.lower()
    assert 'value="Douwe"' not in page(client.get("/report"))
    # an outside address as "next" is not followed
    response = submit(client, "/report", {"next": "//evil.example/x"}, post_url="/reporter/forget")
    assert response.headers["Location"].endswith("/report")


def _files_on_disk(app):
    from pathlib import Path
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_refused_report_files_nothing_and_keeps_only_a_good_photo(app, client, place):
    """A good photo with a bad field: no report, but the photo is kept for the form's next
    try (one file); a bad photo: no row, no file left behind."""
    code = _device_code(app, place)
    before, disk = _counts(app), _files_on_disk(app)
    response = submit(client, f"/q/{code}", {
        **REPORT, "email": "geen-adres", "photo": (io.BytesIO(jpeg()), "f.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "Vul een geldig e-mailadres in." in page(response)
    assert 'name="kept_photo"' in page(response)
    kept = _files_on_disk(app)
    assert len(kept) > len(disk)
    before["StoredFile"] += 1
    disk = kept
    response = submit(client, "/report", {
        **REPORT, "location_id": place["location_id"], "placement": "Hal",
        "photo": (io.BytesIO(b"%PDF-1.4 geen foto"), "f.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "De foto is niet geaccepteerd" in page(response)
    assert _counts(app) == before and _files_on_disk(app) == disk


def test_a_sticker_is_registered_once(app, client_for, place):
    """Two facility managers with the registration form open: the second POST is told
    the sticker is in use (not treated as a fault report); the first device stays."""
    from app.faults.models import Device
    code = place["codes"][1]
    first, second = client_for("FacilityManager"), client_for("Admin")
    data = {"location_id": place["location_id"], "contractor_id": place["contractor_id"]}
    from tests.helpers import csrf_token
    token = csrf_token(second, f"/q/{code}")  # the form is open on the second phone
    assert "Apparaat registreren" in page(second.get(f"/q/{code}"))
    response = submit(first, f"/q/{code}", {**data, "placement": "Gang", "device_type": "Deur"},
                      follow_redirects=True)
    assert "Apparaat geregistreerd" in page(response)
    response = second.post(f"/q/{code}", data={**data, "csrf_token": token, "placement": "Hal",
                                               "device_type": "Lift"})
    assert response.status_code == 409
    assert "Deze sticker is al in gebruik." in page(response)
    with app.app_context():
        [device] = db.session.query(Device).all()
        assert device.device_type == "Deur" and db.session.query(FaultReport).count() == 0


def test_a_refused_report_keeps_the_chosen_location(app, client, place):
    empty = page(client.get("/report"))
    assert " selected" not in empty.split('id="location_id"')[1].split("</select>")[0]
    response = submit(client, "/report", {**REPORT, "location_id": place["location_id"],
                                           "placement": "Hal", "email": "geen-adres"})
    assert response.status_code == 400
    select_box = page(response).split('id="location_id"')[1].split("</select>")[0]
    assert f'<option value="{place["location_id"]}" selected>' in select_box
    assert select_box.count(" selected") == 1
