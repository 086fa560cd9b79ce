"""What the RoleManager and Portal roles can NOT open, over every back-office screen
the app registers (so a new screen is covered without touching this file), and a role
manager's change in the screens surviving a plain `flask roles sync`."""
import re

from flask_appbuilder.api import BaseApi

from app.extensions import db
from tests.helpers import PASSWORD, submit

# Not screens with data: the start page (also shown to anonymous) and logging in/out.
OPEN_TO_ALL = {"/", "/back", "/login/", "/logout/", "/lang/1"}
SECURITY = ("/users/", "/roles/", "/groups/", "/userinfoeditview/", "/resetmypassword/",
            "/governance-log/")


def _html_screens(app):
    """GET URL of every FAB (non-API) view route, `<arg>` filled with 1."""
    views = {v.endpoint for v in app.appbuilder.baseviews if not isinstance(v, BaseApi)}
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint.split(".")[0] in views:
            # FAB refuses every action by GET while CSRF is on, before any permission check
            if "/action/" not in rule.rule:
                urls.add(re.sub(r"<[^>]+>", "1", rule.rule))
    return sorted(urls - OPEN_TO_ALL)


def _refused(response):
    return response.status_code == 403 or (
        response.status_code == 302 and "/login" in response.headers["Location"])


def test_the_scan_covers_both_domains_and_admin_opens_them(app, admin_client):
    urls = _html_screens(app)
    assert len(urls) > 150
    for url in ("/service-requests/list/", "/faultreportview/list/", "/workorderview/list/",
                "/outboxview/list/", "/auditentryview/list/", "/users/list/"):
        assert url in urls
        assert admin_client.get(url).status_code == 200, url


def test_portal_opens_no_html_screen(app, client_for):
    portal = client_for("Portal")
    opened = [url for url in _html_screens(app) if not _refused(portal.get(url))]
    # /productview/ shares the resource "Product" with the API the portal reads
    assert opened == []
    assert "/productview/list/" in _html_screens(app)


def test_portal_still_reads_products_through_the_api(client):
    login = client.post("/api/v1/security/login", json={
        "username": "portal", "password": PASSWORD, "provider": "db"})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    response = client.get("/api/v1/product/", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.json["count"] == 0


def test_role_manager_sees_no_domain_data(app, client_for):
    manager = client_for("RoleManager")
    data_screens = [url for url in _html_screens(app) if not url.startswith(SECURITY)]
    assert "/service-requests/list/" in data_screens and "/faultreportview/list/" in data_screens
    opened = [url for url in data_screens if not _refused(manager.get(url))]
    assert opened == []
    # ... while the security screens do open
    for url in ("/users/list/", "/roles/list/", "/users/add", "/roles/add"):
        assert manager.get(url).status_code == 200, url


def _role_pairs(app, name):
    with app.app_context():
        role = app.appbuilder.sm.find_role(name)
        return {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}


def test_role_managers_change_in_the_screen_survives_a_plain_sync(app, client_for):
    manager = client_for("RoleManager")
    extra = ("can_list", "Outbox")
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Viewer")
        role_id = role.id
        ids = [str(pv.id) for pv in role.permissions]
        extra_id = str(sm.find_permission_view_menu(*extra).id)
    assert extra not in _role_pairs(app, "Viewer")
    try:
        response = submit(manager, f"/roles/edit/{role_id}",
                          {"name": "Viewer", "permissions": ids + [extra_id]})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert extra in _role_pairs(app, "Viewer")
        out = app.test_cli_runner().invoke(args=["roles", "sync"]).output
        assert "Viewer: +0 -0" in out
        assert extra in _role_pairs(app, "Viewer")  # the manager's change is kept
        viewer = client_for("Viewer")
        assert viewer.get("/outboxview/list/").status_code == 200
    finally:
        with app.app_context():
            sm = app.appbuilder.sm
            role, pv = sm.find_role("Viewer"), sm.find_permission_view_menu(*extra)
            if pv in role.permissions:
                sm.del_permission_role(role, pv)
            db.session.commit()
