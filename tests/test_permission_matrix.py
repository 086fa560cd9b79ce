"""The permission matrix, generated: every role of the roles table (and anonymous) ×
every endpoint in `app.url_map` × GET and POST (with a valid CSRF token; APIs with the
role's JWT), on the demo data set, against what the roles table says the role may do.

- allowed → never refused (403, 401, or a redirect to the login page);
- not allowed → refused;
- nothing answers 500;
- every protected resource is in a role of the table or in ADMIN_ONLY_RESOURCES, so
  a new view without an entry in the roles table fails here.

URL arguments are real ids, keys and codes from the demo data (a throwaway user, role
and group for the security screens). Each role is a test of its own on freshly loaded
data: its GETs first, then its POSTs with deletes and logout at the end, so the role
finds the records it may change.
"""
import time
from types import SimpleNamespace

import pytest
from flask_appbuilder.api import BaseApi
from flask_jwt_extended import create_access_token
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.security.roles import ADMIN, ADMIN_ONLY_RESOURCES, API_ONLY_ROLES, ROLES
from app.security.sync import expand
from tests.helpers import log_in

ANONYMOUS = "anonymous"
FAB_DECORATORS = "flask_appbuilder/security/decorators.py"
MATRIX = "Matrix"  # the throwaway user, role and group

# What a role needs besides the endpoint's own permission, where a view also checks the
# record: a stored file opens only through a record the role reads (the matrix uses an
# ID-card scan, which belongs to a service request).
RECORD_CHECKS = {"FileView.download": ("can_read", "ServiceRequest"),
                 "FileView.thumbnail": ("can_read", "ServiceRequest")}


# Endpoints that want a token of their own (a JWT refresh token): refused to every
# client here, which sends none (401) or an access token instead (422).
OWN_TOKEN = {"SecurityApi.refresh"}


def _protection(app, endpoint):
    """(permission, resource) the endpoint checks, or None for a public endpoint."""
    view = _views(app).get(endpoint.split(".")[0])
    if view is None:
        return None
    func = getattr(view, endpoint.split(".", 1)[1], None)
    code = getattr(func, "__code__", None)
    if code is None or not code.co_filename.endswith(FAB_DECORATORS) \
            or not hasattr(func, "_permission_name"):
        return None
    name = view.method_permission_name.get(func.__name__) if view.method_permission_name \
        else None
    return f"can_{name or func._permission_name}", view.class_permission_name


def _views(app):
    if not hasattr(app, "_matrix_views"):
        app._matrix_views = {v.endpoint: v for v in app.appbuilder.baseviews}
    return app._matrix_views


def _role_pairs(app):
    with app.app_context():
        sm = app.appbuilder.sm
        existing = {(pv.permission.name, pv.view_menu.name)
                    for pv in db.session.scalars(select(sm.permissionview_model))}
    pairs = {role: expand(wanted, existing)[0] for role, wanted in ROLES.items()}
    pairs[ADMIN] = existing
    pairs[ANONYMOUS] = set()
    return pairs


def _allowed(app, pairs, role, endpoint, path):
    if endpoint in OWN_TOKEN:
        return False
    needed = _protection(app, endpoint)
    if needed is None:
        return True
    if role in API_ONLY_ROLES and not path.startswith("/api/"):
        return False
    extra = RECORD_CHECKS.get(endpoint)
    return needed in pairs[role] and (extra is None or extra in pairs[role] or role == ADMIN)


def _refused(response, endpoint=None):
    if endpoint in OWN_TOKEN and response.status_code == 422:
        return True
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login/" in response.headers.get("Location", "")


# ---------------------------------------------------------------- the data set

def _load_data(app):
    """The demo data of both businesses, plus a throwaway user, role and group."""
    from app.faults import demo as faults_demo
    from app.service_requests import demo as service_requests_demo

    with app.app_context(), audit.acting_as("system", "matrix set-up"):
        service_requests_demo.load()
        faults_demo.load()
        sm = app.appbuilder.sm
        role = sm.add_role(MATRIX)
        user = sm.add_user(MATRIX.lower(), MATRIX, "Gebruiker", "matrix@example.org",
                           sm.find_role("Viewer"), "Matrix-wachtwoord-1")
        group = sm.group_model(name=MATRIX, label=MATRIX)
        db.session.add(group)
        db.session.commit()
        return {"user": user.id, "role": role.id, "group": group.id}


def _first_ids(app):
    """The lowest id of every model a view shows, and keys and codes for the rest."""
    from app.faults.models import StickerCode
    from app.files.models import StoredFile
    from app.service_requests.models import ServiceRequest

    ids = {}
    with app.app_context():
        for view in app.appbuilder.baseviews:
            model = getattr(getattr(view, "datamodel", None), "obj", None)
            if model is not None and hasattr(model, "id") and model not in ids:
                ids[model] = db.session.scalar(select(model.id).order_by(model.id).limit(1))
        id_card = db.session.scalar(select(StoredFile.key).join(
            ServiceRequest, ServiceRequest.id_card_file_id == StoredFile.id).limit(1))
        # a sticker on a device: its page is the public report form (registering a new
        # sticker is the facility manager's, tested with the faults)
        code = db.session.scalar(select(StickerCode.code).where(StickerCode.device.has())
                                 .limit(1))
    return ids, {"key": id_card, "code": code}


def _url(app, rule, ids, values, throwaway):
    view = _views(app).get(rule.endpoint.split(".")[0])
    model = getattr(getattr(view, "datamodel", None), "obj", None)
    security = rule.rule.startswith(("/users/", "/roles/", "/groups/"))

    def value(name):
        if name == "pk":
            if security:
                return throwaway[rule.rule.split("/")[1][:-1]]
            return ids.get(model) or 1
        if name == "name":  # an action of the view
            actions = getattr(view, "actions", {}) or {}
            return next(iter(actions), "x")
        if name in values and values[name]:
            return values[name]
        if name == "locale":
            return "nl"
        return 1 if "int" in str(rule._converters.get(name, "")) else "x"

    args = {name: value(name) for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **args)


def _endpoints(app):
    """(rule, method) of every endpoint, static files left out."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        for method in ("GET", "POST"):
            if method in rule.methods:
                found.append((rule, method))
    return found


def _post_order(item):
    rule, _method = item[0], item[1]
    destructive = "/delete/" in rule.rule or "/action" in rule.rule
    return (rule.endpoint.endswith(".logout"), destructive, rule.rule)


# ---------------------------------------------------------------- clients per role

def _client(app, role):
    client = app.test_client()
    if role != ANONYMOUS:
        log_in(client, app, role.lower())
    with app.test_request_context():
        with client.session_transaction() as session:
            from flask import session as flask_session

            flask_session.update(session)
            token = generate_csrf()
            session.update(flask_session)
        jwt = None
        if role != ANONYMOUS:
            with app.app_context():
                user = app.appbuilder.sm.find_user(username=role.lower())
                jwt = create_access_token(identity=str(user.id), fresh=True)
    return SimpleNamespace(http=client, csrf=token, jwt=jwt)


def _request(client, method, url):
    headers = {"Authorization": f"Bearer {client.jwt}"} if client.jwt else {}
    if url.startswith("/api/"):
        if method == "GET":
            return client.http.get(url, headers=headers)
        return client.http.post(url, json={}, headers={**headers, "X-CSRFToken": client.csrf})
    if method == "GET":
        return client.http.get(url)
    return client.http.post(url, data={"csrf_token": client.csrf})


@pytest.fixture
def no_rate_limits(app):
    """No 429s in the way, and FAB's thousands of 'Access is Denied' lines unlogged."""
    import logging

    limiter = app.appbuilder.sm.limiter
    was = limiter.enabled
    limiter.enabled = False
    quiet = logging.getLogger("flask_appbuilder")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    yield
    limiter.enabled = was
    quiet.setLevel(level)


@pytest.fixture
def matrix_cleanup(app):
    """The throwaway user, role and group, and role copies, go afterwards."""
    yield
    with app.app_context():
        sm = app.appbuilder.sm
        keep = {ADMIN, "Public", *ROLES}
        for group in db.session.scalars(select(sm.group_model)):
            db.session.delete(group)
        for user in sm.get_all_users():
            if user.username == MATRIX.lower() or user.username.startswith("matrix"):
                db.session.delete(user)
        for role in db.session.scalars(select(sm.role_model)):
            if role.name not in keep:
                role.user = []
                db.session.delete(role)
        for name in ROLES:  # a role edited by a POST gets its table back
            sm.find_role(name)
        db.session.commit()
        from app.security.sync import sync_roles

        sync_roles(prune=True)


def test_every_protected_resource_is_in_the_roles_table(app):
    pairs = _role_pairs(app)
    held = {resource for role, pairs_ in pairs.items() if role != ADMIN for _, resource in pairs_}
    missing = set()
    for rule in app.url_map.iter_rules():
        needed = _protection(app, rule.endpoint)
        if needed and needed[1] not in held | ADMIN_ONLY_RESOURCES:
            view = _views(app)[rule.endpoint.split(".")[0]]
            # a resource whose permissions FAB never creates is refused to everyone anyway
            if needed in pairs[ADMIN] or isinstance(view, BaseApi):
                missing.add(needed[1])
    assert missing == set(), (
        "views with no entry in app/security/roles.py (give a role access, or list the "
        f"resource in ADMIN_ONLY_RESOURCES): {sorted(missing)}")


@pytest.mark.parametrize("role", [ANONYMOUS, *ROLES, ADMIN])
def test_permission_matrix(app, no_rate_limits, matrix_cleanup, role):
    """One role per test, each on fresh data (so pytest-xdist spreads the roles over its
    workers): the role's GETs first, then its POSTs with deletes and logout last."""
    started = time.monotonic()
    throwaway = _load_data(app)
    ids, values = _first_ids(app)
    pairs = _role_pairs(app)
    client = _client(app, role)
    endpoints = _endpoints(app)
    gets = [e for e in endpoints if e[1] == "GET"]
    posts = sorted((e for e in endpoints if e[1] == "POST"), key=_post_order)

    wrong, errors, tried = [], [], 0
    for rule, method in gets + posts:
        url = _url(app, rule, ids, values, throwaway)
        tried += 1
        try:
            response = _request(client, method, url)
        except Exception as error:  # what a server answers with a 500
            errors.append((role, method, url, repr(error)[:200]))
            continue
        if response.status_code >= 500:
            errors.append((role, method, url, response.status_code))
            continue
        allowed = _allowed(app, pairs, role, rule.endpoint, url)
        if allowed == _refused(response, rule.endpoint):
            wrong.append((role, method, url, response.status_code,
                          "allowed" if allowed else "forbidden",
                          response.headers.get("Location", "")))
    took = time.monotonic() - started
    print(f"\npermission matrix, {role}: {len(endpoints)} endpoint-methods in {took:.1f} s; "
          f"500s: {len(errors)}; mismatches: {len(wrong)}")
    assert len(endpoints) > 300 and tried == len(endpoints)
    assert errors == [], errors[:40]
    assert wrong == [], "\n".join(map(str, wrong[:60]))
