"""CSRF on every form, the real login form, its rate limit, and the session cookie."""
import pytest

from app.extensions import db
from tests.helpers import PASSWORD, csrf_token

ATTACKER = {"REMOTE_ADDR": "10.9.9.9"}


def _login(client, username, password, token=None, environ=None):
    data = {"username": username, "password": password}
    if token:
        data["csrf_token"] = token
    return client.post("/login/", data=data, environ_base=environ or {})


def test_login_without_csrf_token_is_refused(client):
    response = _login(client, "admin", PASSWORD)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Formulier verlopen" in page
    # not logged in
    assert client.get("/outboxview/list/").status_code == 302


def test_login_form_with_token_logs_in(client):
    token = csrf_token(client, "/login/")
    response = _login(client, "admin", PASSWORD, token)
    assert response.status_code == 302
    page = client.get("/outboxview/list/")
    assert page.status_code == 200
    assert "Afmelden" in page.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client):
    token = csrf_token(client, "/login/")
    response = _login(client, "viewer", PASSWORD, token)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    assert "HttpOnly" in cookies[-1]
    assert "SameSite=Lax" in cookies[-1]


def test_wrong_password_does_not_log_in(client):
    token = csrf_token(client, "/login/")
    _login(client, "admin", "wrong", token)
    assert client.get("/outboxview/list/").status_code == 302


def test_login_rate_limit_answers_429_with_a_clear_message(app, client):
    token = csrf_token(client, "/login/")
    limit = int(app.config["AUTH_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert _login(client, "admin", "wrong", token, ATTACKER).status_code in (200, 302)
    response = _login(client, "admin", PASSWORD, token, ATTACKER)
    assert response.status_code == 429
    assert "Te veel pogingen" in response.get_data(as_text=True)
    # another address is not affected
    assert _login(client, "admin", PASSWORD, token).status_code == 302


def _throwaway_role(app):
    with app.app_context():
        role = app.appbuilder.sm.add_role("Throwaway")
        db.session.commit()
        return role.id


def _role_exists(app, role_id):
    with app.app_context():
        return db.session.get(app.appbuilder.sm.role_model, role_id) is not None


def test_fab_delete_without_token_is_refused(app, admin_client):
    role_id = _throwaway_role(app)
    try:
        admin_client.get(f"/roles/delete/{role_id}")
        assert _role_exists(app, role_id)
        response = admin_client.post(f"/roles/delete/{role_id}")
        assert response.status_code == 400
        assert _role_exists(app, role_id)
        # the same POST with the token of the list page deletes (so the refusal above is CSRF)
        token = csrf_token(admin_client, "/roles/list/")
        admin_client.post(f"/roles/delete/{role_id}", data={"csrf_token": token})
        assert not _role_exists(app, role_id)
    finally:
        with app.app_context():
            role = app.appbuilder.sm.find_role("Throwaway")
            if role:
                db.session.delete(role)
                db.session.commit()


def test_session_cookie_secure_when_configured(app, client):
    """SESSION_COOKIE_SECURE=1 (production behind HTTPS) marks the cookie Secure."""
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        token = csrf_token(client, "/login/")
        response = _login(client, "viewer", PASSWORD, token)
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][-1]
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.fixture(scope="module")
def proxied_app(app):
    """The same database and settings, behind one reverse proxy (PROXY_COUNT=1)."""
    from app import create_app

    return create_app("config.TestConfig", PROXY_COUNT=1,
                      SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                      SECRET_KEY=app.config["SECRET_KEY"])


def test_behind_a_proxy_the_login_limit_counts_per_client(proxied_app):
    client = proxied_app.test_client()
    token = csrf_token(client, "/login/")
    limit = int(proxied_app.config["AUTH_RATE_LIMIT"].split()[0])
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.66", "REMOTE_ADDR": "127.0.0.1"}
    colleague = {"HTTP_X_FORWARDED_FOR": "203.0.113.10", "REMOTE_ADDR": "127.0.0.1"}
    for _ in range(limit):
        _login(client, "admin", "wrong", token, attacker)
    assert _login(client, "admin", PASSWORD, token, attacker).status_code == 429
    # same proxy address, another client: not locked out
    assert _login(client, "admin", PASSWORD, token, colleague).status_code == 302
