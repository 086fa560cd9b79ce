"""The audit log: who (user, public actor, system), from where, what; append-only."""
import pytest
from flask_login import login_user
from sqlalchemy import Integer, String, delete, select, update
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app import audit
from app.audit import Audited, AuditEntry, AuditLogIsAppendOnly
from app.extensions import db
from app.mail import queue as queue_mail
from tests.helpers import csrf_token

BROWSER = "Mozilla/5.0 (audit test)"


class _TestBase(DeclarativeBase):
    """Own metadata: this test table never reaches FAB's Model.metadata (migrations)."""


class Gadget(Audited, _TestBase):
    __tablename__ = "test_audit_gadget"
    __audit_exclude__ = ("secret",)

    id = mapped_column(Integer, primary_key=True)
    name = mapped_column(String(50))
    secret = mapped_column(String(50))


@pytest.fixture
def gadgets(app):
    with app.app_context():
        _TestBase.metadata.create_all(db.engine)
    yield Gadget
    with app.app_context():
        db.session.remove()
        _TestBase.metadata.drop_all(db.engine)


def _request(app, **environ):
    return app.test_request_context(
        "/gadgets/1/edit", method="POST", headers={"User-Agent": BROWSER},
        environ_base={"REMOTE_ADDR": "192.0.2.7", **environ})


def _entries():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_user_changes_are_recorded_with_origin_and_fields(app, gadgets):
    with _request(app):
        user = app.appbuilder.sm.find_user(username="writer")
        login_user(user)
        gadget = Gadget(name="fridge", secret="s3cret")
        db.session.add(gadget)
        db.session.commit()
        gadget.name = "freezer"
        gadget.secret = "other"
        db.session.commit()
        db.session.delete(gadget)
        db.session.commit()

        rows = _entries()
        assert [(r.action, r.field, r.old_value, r.new_value) for r in rows] == [
            ("create", "name", None, "fridge"),
            ("update", "name", "fridge", "freezer"),
            ("delete", None, None, None),
        ]  # the excluded secret never appears
        for row in rows:
            assert (row.actor_type, row.actor_name, row.user_id) == ("user", "writer", user.id)
            assert row.ip_address == "192.0.2.7"
            assert row.user_agent == BROWSER
            assert row.endpoint == "POST /gadgets/1/edit"
            assert (row.subject_type, row.subject_id) == ("Gadget", str(gadget.id))
            assert (row.entity_type, row.entity_id) == ("Gadget", str(gadget.id))
        history = db.session.scalars(audit.entries_for("Gadget", gadget.id)).all()
        assert [r.action for r in history] == ["delete", "update", "create"]


def test_public_actor_is_recorded(app, gadgets):
    with _request(app, REMOTE_ADDR="198.51.100.4"):
        audit.set_actor("reporter", "Jan Jansen")
        db.session.add(Gadget(name="door"))
        db.session.commit()
        row = _entries()[-1]
        assert (row.actor_type, row.actor_name, row.user_id) == ("reporter", "Jan Jansen", None)
        assert row.ip_address == "198.51.100.4"


def test_anonymous_without_a_named_actor_is_still_recorded(app, gadgets):
    with _request(app):
        db.session.add(Gadget(name="door"))
        db.session.commit()
        assert {r.actor_type for r in _entries()} == {"anonymous"}


def test_system_actor_outside_a_request(app, gadgets):
    with app.app_context():
        with audit.acting_as("system", "nightly job"):
            db.session.add(Gadget(name="coffee machine"))
            db.session.commit()
        row = _entries()[-1]
        assert (row.actor_type, row.actor_name) == ("system", "nightly job")
        assert row.ip_address is None and row.endpoint is None


def test_explicit_transition_entry(app, gadgets):
    with app.app_context(), audit.acting_as("contractor", "Koeltechniek BV"):
        gadget = Gadget(name="fridge")
        db.session.add(gadget)
        db.session.flush()
        audit.record(gadget, "transition", field="status", old="new", new="accepted")
        db.session.commit()
        row = _entries()[-1]
        assert (row.action, row.field, row.old_value, row.new_value) == (
            "transition", "status", "new", "accepted")
        assert row.actor_type == "contractor"


def test_rollback_leaves_no_audit_rows(app, gadgets):
    with app.app_context():
        db.session.add(Gadget(name="fridge"))
        db.session.flush()
        db.session.rollback()
        assert _entries() == []


def test_audit_entries_cannot_be_changed_or_deleted(app, gadgets):
    with app.app_context(), audit.acting_as("system"):
        db.session.add(Gadget(name="fridge"))
        db.session.commit()
        row = _entries()[0]
        row.new_value = "forged"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(_entries()[0])
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(update(AuditEntry).values(new_value="forged"))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(delete(AuditEntry))
        db.session.rollback()
        assert [(r.action, r.new_value) for r in _entries()] == [("create", "fridge")]


def test_audit_screen_is_read_only_even_for_admin(app, admin_client):
    with app.app_context(), audit.acting_as("system"):
        message = queue_mail("a@example.org", "Hello", "text")
        db.session.flush()
        audit.record(message, "note", note="hello")
        db.session.commit()
        entry_id = _entries()[0].id
    page = admin_client.get("/auditentryview/list/").get_data(as_text=True)
    assert "Auditlog" in page and "Systeem" in page  # the actor in Dutch
    assert "Hello" in page or "OutboxMessage" in page
    assert admin_client.get(f"/auditentryview/show/{entry_id}").status_code == 200
    token = csrf_token(admin_client, "/auditentryview/list/")
    for url in (f"/auditentryview/edit/{entry_id}", f"/auditentryview/delete/{entry_id}"):
        response = admin_client.post(url, data={"csrf_token": token, "new_value": "x"})
        assert response.status_code == 403
    with app.app_context():
        assert _entries()[0].new_value == "hello"
        sm = app.appbuilder.sm
        actions = {pv.permission.name for pv in sm.session.query(sm.permissionview_model)
                   if pv.view_menu.name == "AuditLog"}
        assert actions == {"can_list", "can_show"}


def test_outbox_retry_through_the_screen_is_audited_as_the_user(app, admin_client):
    with app.app_context():
        message = queue_mail("klant@example.org", "Uw aanvraag", "text",
                             subject_record=("ServiceRequest", 42))
        message.status = "failed"
        db.session.commit()
        message_id = message.id
    token = csrf_token(admin_client, "/outboxview/list/")
    response = admin_client.post("/outboxview/action_post",
                                 data={"csrf_token": token, "action": "retry",
                                       "rowid": str(message_id)},
                                 headers={"User-Agent": BROWSER},
                                 environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(audit.entries_for("ServiceRequest", 42)).all()
        assert len(rows) == 1
        row = rows[0]
        assert (row.actor_type, row.actor_name, row.action) == ("user", "admin", "mail_retry")
        assert (row.field, row.old_value) == ("status", "failed")
        assert row.ip_address == "203.0.113.9" and row.user_agent == BROWSER
        assert row.endpoint == "POST /outboxview/action_post"
    page = admin_client.get("/auditentryview/list/").get_data(as_text=True)
    assert "E-mail opnieuw in de wachtrij" in page and "Gebruiker" in page


def test_audit_screen_speaks_in_registered_words(app, admin_client, gadgets, gadget_labels):
    with app.app_context(), audit.acting_as("system"):
        gadget = Gadget(name="koelkast")
        db.session.add(gadget)
        db.session.flush()
        gadget.name = "vriezer"
        db.session.flush()
        audit.record(gadget, "repair", field="state", old="broken", new="fixed")
        db.session.commit()
        repair_id = _entries()[-1].id
    page = admin_client.get("/auditentryview/list/").get_data(as_text=True)
    assert "Apparaatje" in page and ">Gadget<" not in page
    assert "Benaming: koelkast → vriezer" in page
    assert "Toestand: Kapot → Hersteld" in page
    assert "Gerepareerd" in page and "repair" not in page
    show = admin_client.get(f"/auditentryview/show/{repair_id}").get_data(as_text=True)
    assert "Soort record" in show and "Hoort bij" in show
    assert "Apparaatje" in show and "Toestand: Kapot → Hersteld" in show


def test_no_screen_route_and_no_rest_api_writes_the_audit_log(app, admin_client, client):
    """Append-only through FAB too: every write route of the audit screen refuses even
    the admin, and no REST API is built over AuditEntry."""
    from flask_appbuilder.api import BaseApi

    from tests.helpers import PASSWORD

    with app.app_context(), audit.acting_as("system"):
        message = queue_mail("a@example.org", "Hello", "text")
        db.session.flush()
        audit.record(message, "note", note="hello")
        db.session.commit()
        entry_id = _entries()[0].id
    token = csrf_token(admin_client, "/auditentryview/list/")
    posts = {
        "/auditentryview/add": {"action": "forged", "new_value": "x"},
        f"/auditentryview/edit/{entry_id}": {"new_value": "x"},
        f"/auditentryview/delete/{entry_id}": {},
        f"/auditentryview/action/muldelete/{entry_id}": {},
        "/auditentryview/action_post": {"action": "muldelete", "rowid": str(entry_id)},
    }
    for url, data in posts.items():
        response = admin_client.post(url, data={"csrf_token": token, **data})
        assert response.status_code in (403, 404), url
    # REST: no API over the audit table; JWT as admin finds nothing to write to
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, BaseApi)
            and getattr(getattr(v, "datamodel", None), "obj", None) is AuditEntry]
    assert apis == []
    login = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"})
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    for name in ("auditentry", "auditentryview", "auditlog", "audit"):
        for method in ("get", "put", "delete"):
            response = getattr(client, method)(f"/api/v1/{name}/{entry_id}", headers=headers,
                                               json={"new_value": "x"})
            assert response.status_code in (404, 405), (method, name)
    with app.app_context():
        # (the API login itself is on the governance log)
        assert [(e.id, e.action) for e in _entries() if e.action != "login"] == [
            (entry_id, "note")]
