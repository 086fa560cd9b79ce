"""Two app instances on one database and one Redis, as two hosts (or two gunicorn
processes) are: a session ended on one is refused by the other, a permission changed on
one is seen by the other at once (the cache is invalidated), and the login limit counts
the attempts of both.

Runs when Redis answers (TEST_REDIS_URL, default redis://127.0.0.1:6379/1)."""
import os
import uuid

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.security.session_store import WebSession
from tests.helpers import PASSWORD, csrf_token, log_in_with_form, log_out

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@pytest.fixture(scope="module")
def two_apps(app):
    """Two apps sharing the test database and Redis (under a prefix of this run only)."""
    client = _redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_FOLDER",
                                                 "SECRET_KEY")}
    apps = [create_app("config.TestConfig", REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix,
                       **settings) for _ in range(2)]
    yield apps
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_a_session_ended_on_one_app_is_refused_on_the_other(two_apps):
    first, second = two_apps
    browser = first.test_client()
    assert log_in_with_form(browser, "admin").status_code == 302
    copy = second.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert copy.get("/outboxview/list/").status_code == 200  # the other app knows it

    with first.app_context():  # kept in Redis, not in the table
        assert db.session.scalar(select(func.count()).select_from(WebSession)) == 0

    assert log_out(browser).status_code == 302
    refused = copy.get("/outboxview/list/")
    assert refused.status_code == 302 and "/login" in refused.location


def test_a_password_set_on_one_app_ends_the_users_sessions_on_the_other(two_apps):
    first, second = two_apps
    viewer = second.test_client()
    log_in_with_form(viewer, "viewer")
    assert viewer.get("/service-requests/list/").status_code == 200
    with first.app_context():
        sm = first.appbuilder.sm
        sm.reset_password(sm.find_user(username="viewer").id, "Nieuw-wachtwoord-1")
    try:
        assert viewer.get("/service-requests/list/").status_code == 302
    finally:
        with first.app_context():
            sm.reset_password(sm.find_user(username="viewer").id, PASSWORD)


def test_a_permission_changed_on_one_app_counts_on_the_other_at_once(two_apps):
    first, second = two_apps
    viewer = second.test_client()
    log_in_with_form(viewer, "viewer")
    assert viewer.get("/auditentryview/list/").status_code in (302, 403)  # now cached

    def change(grant):
        with first.app_context():
            sm = first.appbuilder.sm
            role, pv = sm.find_role("Viewer"), sm.find_permission_view_menu("can_list",
                                                                            "AuditLog")
            (sm.add_permission_role if grant else sm.del_permission_role)(role, pv)
            db.session.commit()

    change(grant=True)
    try:
        assert viewer.get("/auditentryview/list/").status_code == 200
    finally:
        change(grant=False)
    assert viewer.get("/auditentryview/list/").status_code in (302, 403)


def test_the_login_limit_counts_the_attempts_on_both_apps(two_apps):
    first, second = two_apps
    limit = int(first.config["AUTH_RATE_LIMIT"].split()[0])
    guesser = {"REMOTE_ADDR": f"10.13.{uuid.uuid4().int % 250}.7"}
    clients = [first.test_client(), second.test_client()]
    tokens = [csrf_token(c, "/login/") for c in clients]
    for attempt in range(limit):
        n = attempt % 2
        response = clients[n].post("/login/", data={
            "username": "admin", "password": "wrong", "csrf_token": tokens[n]},
            environ_base=guesser)
        assert response.status_code in (200, 302)
    # the 11th attempt, on either app and with the right password: refused
    response = clients[0].post("/login/", data={
        "username": "admin", "password": PASSWORD, "csrf_token": tokens[0]},
        environ_base=guesser)
    assert response.status_code == 429
