"""Roles come from app/security/roles.py and `flask roles sync`; FAB enforces them."""
import pytest

from app.extensions import db
from app.security.roles import ADMIN, ROLES
from app.security.sync import expand


def _sync(app, *args):
    result = app.test_cli_runner().invoke(args=["roles", "sync", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _pairs(app, role_name):
    with app.app_context():
        role = app.appbuilder.sm.find_role(role_name)
        return {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}


def test_sync_is_idempotent_and_creates_every_role(app):
    out = _sync(app)
    for role in ROLES:
        assert f"{role}: +0 -0" in out, out
    with app.app_context():
        sm = app.appbuilder.sm
        names = {r.name for r in sm.get_all_roles()}
        existing = {(pv.permission.name, pv.view_menu.name)
                    for pv in sm.session.query(sm.permissionview_model)}
        assert {ADMIN, *ROLES} <= names
    # every role holds exactly what the table says (as far as FAB knows the pairs)
    for role, wanted in ROLES.items():
        target, _unknown = expand(wanted, existing)
        assert _pairs(app, role) == target, role
    # Admin holds every permission
    assert _pairs(app, ADMIN) == existing


def test_every_role_entry_names_a_permission_that_exists(app):
    """A typo or a renamed menu in a role would silently grant nothing: the roles name only
    (action, resource) pairs the registered views and menus made."""
    with app.app_context():
        sm = app.appbuilder.sm
        existing = {(pv.permission.name, pv.view_menu.name)
                    for pv in sm.session.query(sm.permissionview_model)}
    unknown = {role: expand(wanted, existing)[1] for role, wanted in ROLES.items()}
    assert unknown == {role: [] for role in ROLES}


def test_prune_removes_a_hand_added_permission_plain_sync_keeps_it(app):
    extra = ("can_list", "Outbox")
    assert extra not in _pairs(app, "Viewer")
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_permission_role(sm.find_role("Viewer"), sm.find_permission_view_menu(*extra))
        db.session.commit()
    try:
        out = _sync(app)
        assert "Viewer: +0 -0" in out
        assert extra in _pairs(app, "Viewer")
        out = _sync(app, "--prune")
        assert "Viewer: +0 -1" in out
        assert extra not in _pairs(app, "Viewer")
    finally:
        with app.app_context():
            sm = app.appbuilder.sm
            pv = sm.find_permission_view_menu(*extra)
            role = sm.find_role("Viewer")
            if pv in role.permissions:
                sm.del_permission_role(role, pv)
            db.session.commit()


def test_sync_restores_a_removed_permission(app):
    pair = ("can_read", "File")
    with app.app_context():
        sm = app.appbuilder.sm
        sm.del_permission_role(sm.find_role("Viewer"), sm.find_permission_view_menu(*pair))
        db.session.commit()
    assert pair not in _pairs(app, "Viewer")
    out = _sync(app)
    assert "Viewer: +1 -0" in out
    assert pair in _pairs(app, "Viewer")


SHARED_SCREENS = ["outboxview", "auditentryview"]


@pytest.mark.parametrize("screen", SHARED_SCREENS)
@pytest.mark.parametrize("path", ["add", "edit/1", "delete/1", "list/"])
def test_viewer_cannot_open_admin_screens(viewer_client, screen, path):
    response = viewer_client.get(f"/{screen}/{path}")
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/login" in response.headers["Location"]


@pytest.mark.parametrize("screen", SHARED_SCREENS)
def test_admin_lists_admin_screens_but_cannot_change_them(admin_client, screen):
    page = admin_client.get(f"/{screen}/list/")
    assert page.status_code == 200
    assert "Geen records gevonden" in page.get_data(as_text=True)
    for path in ("add", "edit/1", "delete/1"):
        assert admin_client.get(f"/{screen}/{path}").status_code in (302, 403, 404)


@pytest.mark.parametrize("url", ["/outboxview/list/", "/auditentryview/list/",
                                 "/files/" + "ab" * 16])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")


def test_facility_manager_reads_outbox_but_not_audit(client_for):
    manager = client_for("FacilityManager")
    assert manager.get("/outboxview/list/").status_code == 200
    assert manager.get("/auditentryview/list/").status_code in (302, 403)


def test_role_manager_edits_roles_and_users_but_sees_no_data(app, client_for):
    manager = client_for("RoleManager")
    with app.app_context():
        viewer_id = app.appbuilder.sm.find_role("Viewer").id
    assert manager.get("/roles/list/").status_code == 200
    assert manager.get(f"/roles/edit/{viewer_id}").status_code == 200
    assert manager.get("/users/list/").status_code == 200
    assert manager.get("/outboxview/list/").status_code == 403
    assert manager.get("/auditentryview/list/").status_code == 403


def test_unknown_pairs_are_reported_not_invented():
    existing = {("can_list", "Outbox"), ("can_show", "Outbox"), ("can_read", "File")}
    wanted = [("*", "Outbox"), ("can_read", "File"), ("can_list", "Typo"), ("*", "Nothing")]
    resolved, unknown = expand(wanted, existing)
    assert resolved == existing
    assert unknown == [("can_list", "Typo"), ("*", "Nothing")]
