"""Server-side sessions in the database (the default store): logout ends them for good,
a password set or an account deactivated ends all of that user's sessions, the id
changes at login, expired ones are cleaned, and CSRF still holds."""
import hashlib
from datetime import timedelta

from sqlalchemy import func, select, update

from app.database import utcnow
from app.extensions import db
from app.jobs import run_due
from app.security.session_store import WebSession
from tests.helpers import PASSWORD, csrf_token, log_in_with_form, log_out, user_id

ADMIN_PAGE = "/outboxview/list/"
VIEWER_PAGE = "/service-requests/list/"


def _cookie(client):
    return client.get_cookie("session").value


def _copy(app, client):
    """A second browser with the first one's session cookie (a stolen copy)."""
    copy = app.test_client()
    copy.set_cookie("session", _cookie(client))
    return copy


def _refused(response):
    return response.status_code == 302 and "/login" in response.location


def _sessions_of(app, username):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebSession).where(
            WebSession.user_id == user_id(app, username)))


def test_a_cookie_copied_before_logout_is_refused_after_it(app):
    client = app.test_client()
    assert log_in_with_form(client, "admin").status_code == 302
    copy = _copy(app, client)
    assert copy.get(ADMIN_PAGE).status_code == 200

    assert log_out(client).status_code == 302

    assert _refused(copy.get(ADMIN_PAGE))
    assert _refused(client.get(ADMIN_PAGE))
    assert _sessions_of(app, "admin") == 0


def test_the_cookie_holds_a_random_id_and_the_table_only_its_hash(app):
    client = app.test_client()
    log_in_with_form(client, "viewer")
    value = _cookie(client)
    assert "." not in value and len(value) >= 40  # no signed data, just an id
    with app.app_context():
        row = db.session.scalars(select(WebSession)).one()
    assert row.id == hashlib.sha256(value.encode()).hexdigest()
    assert value not in row.data
    assert row.user_id == user_id(app, "viewer")
    assert row.expires_at > utcnow() + timedelta(hours=7)


def _rows(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WebSession))


def _row(app):
    with app.app_context():
        row = db.session.scalars(select(WebSession)).one()
        return row.data, row.expires_at


def test_login_gives_a_new_session_id(app):
    client = app.test_client()
    client.get("/lang/en")  # an anonymous session that is stored (it holds a language)
    assert _rows(app) == 1
    before = _copy(app, client)
    log_in_with_form(client, "admin")
    assert _cookie(client) != before.get_cookie("session").value
    assert _refused(before.get(ADMIN_PAGE))  # a planted id does not become a login
    assert client.get(ADMIN_PAGE).status_code == 200


def test_an_administrator_setting_a_password_ends_that_users_sessions(app, admin_client):
    viewer = app.test_client()
    log_in_with_form(viewer, "viewer")
    assert viewer.get(VIEWER_PAGE).status_code == 200
    uid = user_id(app, "viewer")
    try:
        token = csrf_token(admin_client, f"/resetpassword/form?pk={uid}")
        response = admin_client.post(f"/resetpassword/form?pk={uid}", data={
            "password": "Nieuw-wachtwoord-1", "conf_password": "Nieuw-wachtwoord-1",
            "csrf_token": token})
        assert response.status_code == 302
        assert _refused(viewer.get(VIEWER_PAGE))
        assert _sessions_of(app, "viewer") == 0
        assert admin_client.get(ADMIN_PAGE).status_code == 200  # the admin's own stays
    finally:
        _restore_password(app, "viewer")


def test_setting_ones_own_password_keeps_this_session_and_ends_the_others(app):
    here, elsewhere = app.test_client(), app.test_client()
    log_in_with_form(here, "finance")
    log_in_with_form(elsewhere, "finance")
    try:
        token = csrf_token(here, "/resetmypassword/form")
        response = here.post("/resetmypassword/form", data={
            "password": "Nieuw-wachtwoord-1", "conf_password": "Nieuw-wachtwoord-1",
            "csrf_token": token})
        assert response.status_code == 302
        assert here.get(VIEWER_PAGE).status_code == 200
        assert _refused(elsewhere.get(VIEWER_PAGE))
    finally:
        _restore_password(app, "finance")


def test_deactivating_a_user_ends_their_sessions(app):
    viewer = app.test_client()
    log_in_with_form(viewer, "viewer")
    assert _sessions_of(app, "viewer") == 1
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="viewer")
        user.active = False
        db.session.commit()
        user.active = True
        db.session.commit()
    assert _sessions_of(app, "viewer") == 0
    assert _refused(viewer.get(VIEWER_PAGE))  # active again, but this session is gone


def test_csrf_still_guards_forms_with_server_side_sessions(app):
    client = app.test_client()
    log_in_with_form(client, "admin")
    # a forged logout (no token) is refused and logs nobody out
    assert client.post("/logout/", data={}).status_code == 400
    assert client.get(ADMIN_PAGE).status_code == 200
    # a token from another session is no good either
    other = app.test_client()
    foreign = csrf_token(other, "/login/")
    assert client.post("/logout/", data={"csrf_token": foreign}).status_code == 400
    assert client.get(ADMIN_PAGE).status_code == 200
    assert log_out(client).status_code == 302


def test_an_expired_session_is_refused_and_cleaned_by_the_scheduled_job(app):
    stale, fresh = app.test_client(), app.test_client()
    log_in_with_form(stale, "viewer")
    log_in_with_form(fresh, "admin")
    with app.app_context():
        db.session.execute(update(WebSession).where(
            WebSession.user_id == user_id(app, "viewer")).values(
            expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert _refused(stale.get(VIEWER_PAGE))
    with app.app_context():
        [(name, status, removed)] = run_due(only="security.expired_sessions", force=True)
        assert (name, status, removed) == ("security.expired_sessions", "ok", 1)
    assert _sessions_of(app, "viewer") == 0
    assert _sessions_of(app, "admin") == 1
    assert fresh.get(ADMIN_PAGE).status_code == 200


def _restore_password(app, username):
    with app.app_context():
        sm = app.appbuilder.sm
        sm.reset_password(sm.find_user(username=username).id, PASSWORD)


def test_an_anonymous_get_of_a_form_writes_no_session_row(app):
    visitor = app.test_client()
    for _ in range(3):
        assert visitor.get("/report").status_code == 200
        assert app.test_client().get("/login/").status_code == 200
    assert _rows(app) == 0
    assert visitor.get_cookie("session") is None


def test_the_form_token_of_an_unstored_session_still_logs_in(app):
    client = app.test_client()
    token = csrf_token(client, "/login/")
    assert _rows(app) == 0
    response = client.post("/login/", data={"username": "admin", "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 302 and "/login" not in response.location
    assert _sessions_of(app, "admin") == 1
    assert client.get(ADMIN_PAGE).status_code == 200


def test_a_form_token_without_its_browsers_cookie_is_refused(app):
    client = app.test_client()
    token = csrf_token(client, "/login/")
    other = app.test_client()
    other.get("/login/")  # a token cookie of its own
    for browser in (app.test_client(), other):
        response = browser.post("/login/", data={"username": "admin", "password": PASSWORD,
                                                 "csrf_token": token})
        assert response.status_code == 400
    assert _sessions_of(app, "admin") == 0


def test_a_csrf_token_from_before_the_login_is_void_after_it(app):
    client = app.test_client()
    planted = csrf_token(client, "/login/")
    log_in_with_form(client, "admin")
    assert client.post("/logout/", data={"csrf_token": planted}).status_code == 400
    assert client.get(ADMIN_PAGE).status_code == 200
    assert log_out(client).status_code == 302


def test_a_request_that_does_not_change_the_session_does_not_write_it(app):
    client = app.test_client()
    log_in_with_form(client, "admin")
    assert client.get(ADMIN_PAGE).status_code == 200
    before = _row(app)
    for _ in range(3):
        response = client.get(ADMIN_PAGE)
        assert response.status_code == 200
        assert "session" not in response.headers.get("Set-Cookie", "")
    assert _row(app) == before
