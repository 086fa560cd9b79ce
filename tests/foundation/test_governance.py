"""Finding 1 (governance): a RoleManager grants only what it may grant, and every user,
role, group, permission, password change and login is on the governance log with
who, when and from where. Finding 2: one login rate limit for the form and the API."""
import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from tests.helpers import PASSWORD, csrf_token, submit

BROWSER = {"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Firefox-test/1.0"}


def _sm(app):
    return app.appbuilder.sm


def _role_id(app, name):
    with app.app_context():
        return _sm(app).find_role(name).id


def _user(app, username):
    with app.app_context():
        user = _sm(app).find_user(username=username)
        return user.id, sorted(r.name for r in user.roles)


def _user_form(app, username, roles):
    with app.app_context():
        user = _sm(app).find_user(username=username)
        return {"first_name": user.first_name, "last_name": user.last_name,
                "username": user.username, "email": user.email, "active": "y",
                "roles": [str(_sm(app).find_role(r).id) for r in roles]}


def _entries(app, **where):
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEntry, column) == value)
        return [(e.action, e.actor_name, e.field, e.old_value, e.new_value, e.ip_address,
                 e.user_agent) for e in db.session.scalars(query)]


@pytest.fixture
def restore_users(app):
    """Undo role changes the test made to the shared users and remove users it added."""
    before = {}
    with app.app_context():
        for user in _sm(app).get_all_users():
            before[user.username] = [r.name for r in user.roles]
    yield
    with app.app_context():
        sm = _sm(app)
        for user in sm.get_all_users():
            if user.username not in before:
                db.session.delete(user)
            else:
                user.roles = [sm.find_role(name) for name in before[user.username]]
                user.groups = []
        for group in db.session.query(sm.group_model):
            db.session.delete(group)
        db.session.commit()


def test_finding_1_role_manager_cannot_make_itself_admin(app, client_for, restore_users):
    manager = client_for("RoleManager")
    uid, _ = _user(app, "rolemanager")
    form = _user_form(app, "rolemanager", ["RoleManager", "Admin"])
    response = submit(manager, f"/users/edit/{uid}", form, follow_redirects=True)
    assert "U kunt uw eigen account hier niet wijzigen" in response.get_data(as_text=True)
    assert _user(app, "rolemanager")[1] == ["RoleManager"]
    # ... nor through a group it puts itself in
    response = submit(manager, "/groups/add", {
        "name": "Bazen", "users": [str(uid)], "roles": [str(_role_id(app, "Admin"))]},
        follow_redirects=True)
    assert "groep" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(_sm(app).group_model).count() == 0
    assert manager.get("/auditentryview/list/").status_code in (302, 403)


def test_finding_1_role_manager_grants_only_grantable_roles(app, client_for, restore_users):
    manager = client_for("RoleManager")
    new_user = {"first_name": "Nieuw", "last_name": "Lid", "username": "nieuw",
                "email": "nieuw@example.org", "active": "y", "password": "Lang-genoeg-1",
                "conf_password": "Lang-genoeg-1"}
    page = submit(manager, "/users/add", {**new_user, "roles": [str(_role_id(app, "Admin"))]},
                  follow_redirects=True).get_data(as_text=True)
    assert "U mag de rol Admin niet toekennen" in page
    with app.app_context():
        assert _sm(app).find_user(username="nieuw") is None
    submit(manager, "/users/add", {**new_user, "roles": [str(_role_id(app, "Writer"))]})
    assert _user(app, "nieuw")[1] == ["Writer"]
    # an administrator's account is out of reach: not its e-mail, not its password
    admin_id, _ = _user(app, "admin")
    form = _user_form(app, "admin", ["Admin"])
    page = submit(manager, f"/users/edit/{admin_id}", {**form, "email": "x@evil.example"},
                  follow_redirects=True).get_data(as_text=True)
    assert "alleen een beheerder" in page
    with app.app_context():
        assert _sm(app).find_user(username="admin").email == "admin@example.org"


def test_finding_1_role_manager_cannot_widen_roles(app, client_for):
    manager = client_for("RoleManager")
    with app.app_context():
        sm = _sm(app)
        viewer = sm.find_role("Viewer")
        ids = [str(pv.id) for pv in viewer.permissions]
        users_write = str(sm.find_permission_view_menu("can_edit", "UserDBModelView").id)
        own = sm.find_role("RoleManager")
        own_ids = [str(pv.id) for pv in own.permissions]
        outbox = str(sm.find_permission_view_menu("can_list", "Outbox").id)
    page = submit(manager, f"/roles/edit/{viewer.id}",
                  {"name": "Viewer", "permissions": ids + [users_write]},
                  follow_redirects=True).get_data(as_text=True)
    assert "Alleen een beheerder kan een rol toegang geven tot gebruikers" in page
    page = submit(manager, f"/roles/edit/{own.id}",
                  {"name": "RoleManager", "permissions": own_ids + [outbox]},
                  follow_redirects=True).get_data(as_text=True)
    assert "een rol die u zelf heeft" in page
    admin_role = _role_id(app, "Admin")
    page = submit(manager, f"/roles/edit/{admin_role}", {"name": "Admin", "permissions": []},
                  follow_redirects=True).get_data(as_text=True)
    assert "Alleen een beheerder kan de rol Admin wijzigen" in page
    with app.app_context():
        sm = _sm(app)
        assert ("can_edit", "UserDBModelView") not in {
            (pv.permission.name, pv.view_menu.name) for pv in sm.find_role("Viewer").permissions}
        assert len(sm.find_role("Admin").permissions) > 100
        assert len(sm.find_role("RoleManager").permissions) == len(own_ids)


def test_finding_1_user_and_role_changes_are_on_the_governance_log(
        app, admin_client, client_for, restore_users):
    uid, _ = _user(app, "viewer")
    form = _user_form(app, "viewer", ["Viewer", "Finance"])
    token = csrf_token(admin_client, f"/users/edit/{uid}")
    response = admin_client.post(f"/users/edit/{uid}", data={**form, "csrf_token": token},
                                 environ_base=BROWSER)
    assert response.status_code == 302
    rows = _entries(app, subject_type="User", subject_id=str(uid), field="roles")
    assert rows == [("update", "admin", "roles", "Viewer", "Finance, Viewer",
                     "198.51.100.7", "Firefox-test/1.0")]
    # a password set by an administrator: that it happened, never the hash
    token = csrf_token(admin_client, f"/resetpassword/form?pk={uid}")
    admin_client.post(f"/resetpassword/form?pk={uid}", data={
        "password": "Nieuw-wachtwoord-1", "conf_password": "Nieuw-wachtwoord-1",
        "csrf_token": token})
    rows = _entries(app, subject_type="User", subject_id=str(uid), field="password")
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [("update", "admin", None, "set")]
    # the screen, in Dutch, for the role manager; not for a viewer
    page = client_for("RoleManager").get("/governance-log/list/").get_data(as_text=True)
    assert "Beheerlogboek" in page
    assert "Rollen: Viewer → Finance, Viewer" in page
    assert "Wachtwoord: — → (nieuw wachtwoord ingesteld)" in page
    assert client_for("Viewer").get("/governance-log/list/").status_code == 403
    with app.app_context():
        user = _sm(app).find_user(username="viewer")
        user.password = _sm(app).find_user(username="admin").password  # back to PASSWORD
        db.session.commit()


def test_finding_1_every_login_is_on_the_governance_log(app, client):
    token = csrf_token(client, "/login/")
    client.post("/login/", data={"username": "viewer", "password": "wrong",
                                 "csrf_token": token}, environ_base=BROWSER)
    client.post("/login/", data={"username": "nobody", "password": "wrong",
                                 "csrf_token": token}, environ_base=BROWSER)
    client.post("/login/", data={"username": "viewer", "password": PASSWORD,
                                 "csrf_token": token}, environ_base=BROWSER)
    client.post("/api/v1/security/login", json={
        "username": "finance", "password": PASSWORD, "provider": "db"},
        environ_base={**BROWSER, "HTTP_USER_AGENT": "curl/8"})
    rows = [(action, who, ip, agent, endpoint, subject) for action, who, ip, agent, endpoint,
            subject in _login_rows(app)]
    viewer_id, finance_id = _user(app, "viewer")[0], _user(app, "finance")[0]
    assert rows == [
        ("login_failed", "viewer", "198.51.100.7", "Firefox-test/1.0", "POST /login/",
         str(viewer_id)),
        ("login_failed", "nobody", "198.51.100.7", "Firefox-test/1.0", "POST /login/", None),
        ("login", "viewer", "198.51.100.7", "Firefox-test/1.0", "POST /login/",
         str(viewer_id)),
        ("login", "finance", "198.51.100.7", "curl/8", "POST /api/v1/security/login",
         str(finance_id)),
    ]


def _login_rows(app):
    with app.app_context():
        query = (select(AuditEntry).where(AuditEntry.action.in_(("login", "login_failed")))
                 .order_by(AuditEntry.id))
        return [(e.action, e.actor_name, e.ip_address, e.user_agent, e.endpoint, e.subject_id)
                for e in db.session.scalars(query)]


def test_finding_2_one_rate_limit_for_the_form_and_the_api(app, client):
    limit = int(app.config["AUTH_RATE_LIMIT"].split()[0])
    attacker = {"REMOTE_ADDR": "203.0.113.99"}
    token = csrf_token(client, "/login/")
    half = limit // 2
    for _ in range(half):
        client.post("/login/", data={"username": "admin", "password": "wrong",
                                     "csrf_token": token}, environ_base=attacker)
    for _ in range(limit - half):
        response = client.post("/api/v1/security/login", json={
            "username": "admin", "password": "wrong", "provider": "db"}, environ_base=attacker)
        assert response.status_code == 401
    # the right password, on either path, is refused now: no token handed out
    api = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"}, environ_base=attacker)
    assert api.status_code == 429 and "access_token" not in (api.json or {})
    assert "Te veel pogingen" in api.json["message"]
    form = client.post("/login/", data={"username": "admin", "password": PASSWORD,
                                        "csrf_token": token}, environ_base=attacker)
    assert form.status_code == 429
    # another address still logs in through the API
    other = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"})
    assert other.status_code == 200 and other.json["access_token"]
