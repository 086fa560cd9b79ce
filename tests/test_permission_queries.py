"""Permission checks cost one query per request, and role edits count from the next request."""
import pytest
from sqlalchemy import event

from app.extensions import db


@pytest.fixture
def query_counter(app):
    counted = []

    def count(*args, **kwargs):
        counted.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield counted
    event.remove(engine, "before_cursor_execute", count)


def test_full_menu_list_page_runs_few_queries(admin_client, query_counter):
    """Admin sees every menu item and button; stock FAB ran ~50 queries for them."""
    admin_client.get("/service-requests/list/")
    query_counter.clear()
    page = admin_client.get("/service-requests/list/").get_data(as_text=True)
    assert "Storingen" in page and "Aanvragen" in page  # the whole menu was drawn
    assert len(query_counter) <= 8, f"{len(query_counter)} queries"


def test_permission_granted_in_screens_counts_from_next_request(app, client_for):
    viewer = client_for("Viewer")
    denied = viewer.get("/auditentryview/list/")
    assert denied.status_code in (302, 403)

    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Viewer")
        pv = sm.find_permission_view_menu("can_list", "AuditLog")
        sm.add_permission_role(role, pv)
        db.session.commit()
    try:
        allowed = viewer.get("/auditentryview/list/")
        assert allowed.status_code == 200
        assert "Auditlog" in allowed.get_data(as_text=True)
    finally:
        with app.app_context():
            sm = app.appbuilder.sm
            sm.del_permission_role(sm.find_role("Viewer"),
                                   sm.find_permission_view_menu("can_list", "AuditLog"))
            db.session.commit()
