"""The session store down (Redis not answering, the session table gone): the user gets
a clear page, never a 500. A session that cannot be read is no session (the login page);
one that cannot be written is a 503 "try again" page, logged with the request id."""
import pytest

from app import create_app
from app.extensions import db
from app.security.session_store import WebSession
from tests.helpers import free_port, log_in_with_form, visible_text

PAGE = "/service-requests/list/"
OLD_COOKIE = "a" * 43  # a browser that still has yesterday's session cookie


@pytest.fixture(scope="module")
def redis_down(app):
    """The app as configured with Redis, on a port where nothing listens."""
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER",
                                                 "SECRET_KEY")}
    return create_app("config.TestConfig", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
                      **settings)


def _unavailable(response, capsys):
    """The 503 page in Dutch, no stack trace, and its request id in one log line."""
    assert response.status_code == 503
    text = visible_text(response.get_data(as_text=True))
    assert "Dienst tijdelijk niet beschikbaar" in text
    assert "probeer het" in text.lower()
    assert "Traceback" not in text and "Error" not in text
    assert response.headers["Retry-After"]
    assert "session=" not in response.headers.get("Set-Cookie", "")
    request_id = response.headers["X-Request-ID"]
    logged = capsys.readouterr().err
    assert "session store unavailable" in logged and request_id in logged
    assert "Traceback" not in logged


def test_session_store_down_while_a_session_is_written_gives_a_503_page_not_a_500(
        redis_down, capsys):
    browser = redis_down.test_client()
    assert browser.get("/login/").status_code == 200  # its CSRF token needs no store
    _unavailable(browser.get(PAGE), capsys)  # the "log in first" message: not kept


def test_session_store_down_at_read_is_no_session_and_sends_to_the_login_page(redis_down):
    browser = redis_down.test_client()
    browser.set_cookie("session", OLD_COOKIE)
    response = browser.get(PAGE)
    assert response.status_code == 302 and "/login" in response.location


def test_session_table_gone_gives_the_login_page_or_a_503_never_a_500(app, capsys):
    browser = app.test_client()
    assert log_in_with_form(browser, "viewer").status_code == 302
    assert browser.get(PAGE).status_code == 200
    try:
        WebSession.__table__.drop(_engine(app))
        response = browser.get(PAGE)
        assert response.status_code == 302 and "/login" in response.location
        # another browser logs in: its form needs no store, its login does
        _unavailable(log_in_with_form(app.test_client(), "viewer"), capsys)
    finally:
        WebSession.__table__.create(_engine(app), checkfirst=True)


def _engine(app):
    with app.app_context():
        return db.engine
